/* Embedding xgrad from C: compile a graph from text, run a target on our own buffers. */
#include "xgrad-c/XGrad.h"

#include <stdio.h>
#include <string.h>

static const char *kGraph =
    "xgrad.graph @scale {\n"
    "  %x = xgrad.input \"x\" : tensor<?xf32>\n"
    "  %y = xgrad.kernel \"triple\" -> tensor<*xf32> {\n"
    "  ^bb0(%i: index):\n"
    "    %v = xgrad.read %x[%i] : tensor<?xf32>\n"
    "    %c = arith.constant 3.0 : f32\n"
    "    %p = arith.mulf %v, %c : f32\n"
    "    xgrad.accumulate %p at [%i] : f32\n"
    "  }\n"
    "  xgrad.target \"triple\" %y : tensor<*xf32>\n"
    "}\n";

int main(void) {
  char *error = NULL;
  XGradCompileOptions options;
  xgradCompileOptionsInit(&options);
  options.threads = 2; /* parallel loops on two OpenMP threads */
  options.sourceName = "scale.mlir";
  XGradModel *model = xgradCompile(kGraph, strlen(kGraph), &options, &error);
  if (!model) {
    fprintf(stderr, "%s\n", error);
    xgradFreeString(error);
    return 1;
  }
  float in[4] = {1, 2, 3, 4}, out[4] = {0};
  int64_t inShape[1] = {4}, outShape[1] = {0};
  const char *names[1] = {"x"};
  XGradBuffer input = {XGRAD_F32, 1, inShape, in, 4};
  XGradBuffer output = {XGRAD_F32, 1, outShape, out, 4};
  if (xgradCall(model, "triple", names, &input, 1, &output, &error)) {
    fprintf(stderr, "%s\n", error);
    xgradFreeString(error);
    xgradDestroy(model);
    return 1;
  }
  printf("triple: [%g, %g, %g, %g]\n", out[0], out[1], out[2], out[3]);
  /* Errors are messages, not crashes: a missing input. */
  if (xgradCall(model, "triple", NULL, NULL, 0, &output, &error)) {
    printf("error: %s\n", error);
    xgradFreeString(error);
  }
  xgradDestroy(model);
  return 0;
}
