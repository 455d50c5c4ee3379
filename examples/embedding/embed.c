/* Embedding xgrad from C: compile a graph from xgrad IR text, run a target on our own
 * buffers, print the result. Builds with CMake (xgrad::capi) or with pkg-config:
 *   cc embed.c $(pkg-config --cflags --libs xgrad) -o embed-c */
#include "xgrad-c/XGrad.h"

#include <stdio.h>
#include <string.h>

static const char *kGraph =
    "xgrad.graph @affine {\n"
    "  %x = xgrad.input \"x\" : tensor<?xf32>\n"
    "  %y = xgrad.kernel \"affine\" -> tensor<*xf32> {\n"
    "  ^bb0(%i: index):\n"
    "    %v = xgrad.read %x[%i] : tensor<?xf32>\n"
    "    %two = arith.constant 2.0 : f32\n"
    "    %one = arith.constant 1.0 : f32\n"
    "    %m = arith.mulf %v, %two : f32\n"
    "    %s = arith.addf %m, %one : f32\n"
    "    xgrad.accumulate %s at [%i] : f32\n"
    "  }\n"
    "  xgrad.target \"affine\" %y : tensor<*xf32>\n"
    "}\n";

int main(void) {
  char *error = NULL;
  XGradModel *model = xgradCompile(kGraph, strlen(kGraph), NULL, &error);
  if (!model) {
    fprintf(stderr, "embed-c: %s\n", error);
    xgradFreeString(error);
    return 1;
  }
  float in[4] = {0, 1, 2, 3}, out[4] = {0};
  int64_t inShape[1] = {4}, outShape[1] = {0};
  const char *names[1] = {"x"};
  XGradBuffer input = {XGRAD_F32, 1, inShape, in, 4};
  XGradBuffer output = {XGRAD_F32, 1, outShape, out, 4};
  int failed = xgradCall(model, "affine", names, &input, 1, &output, &error);
  if (failed) {
    fprintf(stderr, "embed-c: %s\n", error);
    xgradFreeString(error);
  } else {
    printf("xgrad %s (C, header %d.%d.%d): affine = [%g, %g, %g, %g]\n", xgradVersion(),
           XGRAD_VERSION_MAJOR, XGRAD_VERSION_MINOR, XGRAD_VERSION_PATCH, out[0], out[1],
           out[2], out[3]);
  }
  xgradDestroy(model);
  return failed;
}
