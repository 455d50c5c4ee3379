// Embedding xgrad from C++: compile a graph from xgrad IR text, run a target, print it.
#include "xgrad/Runtime/Model.h"
#include "xgrad/Version.h"

#include "llvm/Support/raw_ostream.h"

// y[i] = 2 * x[i] + 1 over an input of any length.
static const char *kGraph = R"(
xgrad.graph @affine {
  %x = xgrad.input "x" : tensor<?xf32>
  %y = xgrad.kernel "affine" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %two = arith.constant 2.0 : f32
    %one = arith.constant 1.0 : f32
    %m = arith.mulf %v, %two : f32
    %s = arith.addf %m, %one : f32
    xgrad.accumulate %s at [%i] : f32
  }
  xgrad.target "affine" %y : tensor<*xf32>
}
)";

int main() {
  auto model = xgrad::Model::compile(kGraph);
  if (!model) {
    llvm::errs() << "embed-cpp: " << llvm::toString(model.takeError()) << "\n";
    return 1;
  }
  xgrad::Tensor x(xgrad::ElementType::f32, {4});
  for (int64_t i = 0; i < 4; ++i)
    x.set(i, double(i));
  auto y = (*model)->call("affine", {{"x", x}});
  if (!y) {
    llvm::errs() << "embed-cpp: " << llvm::toString(y.takeError()) << "\n";
    return 1;
  }
  llvm::outs() << "xgrad " << XGRAD_VERSION << " (C++): affine = ";
  y->print(llvm::outs());
  // Errors are values: an input the target needs is missing.
  auto missing = (*model)->call("affine", {});
  llvm::outs() << "error: " << (missing ? std::string("none") : llvm::toString(missing.takeError()))
               << "\n";
  return 0;
}
