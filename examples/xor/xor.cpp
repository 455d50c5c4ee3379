//===- xor.cpp - Exprgrad's README XOR model, in C++ ----------------------===//
//
// Both forms of the README: built from layers, and written as kernels with a hand-written
// optimizer. Each is compiled through the xgrad pipeline and the JIT and trained for 5000
// epochs; the program prints the predictions and fails unless all are within 0.1.
//
//===----------------------------------------------------------------------===//
#include "ReadmePrograms.h"
#include "xgrad/Frontend/Layers.h"
#include "xgrad/Runtime/Model.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>

using namespace xgrad;
using namespace xgrad::layers;

static bool train(const char *title, const std::vector<Fun> &targets) {
  llvm::outs() << "== " << title << "\n";
  std::string ir = toMLIR(targets);
  if (std::getenv("XGRAD_PRINT_IR"))
    llvm::outs() << ir, llvm::outs().flush();
  auto model = Model::compile(ir);
  if (!model) {
    llvm::errs() << llvm::toString(model.takeError()) << "\n";
    return false;
  }
  Tensor x(ElementType::f32, {4, 2}), y(ElementType::f32, {4, 1});
  const float xs[] = {0, 0, 0, 1, 1, 0, 1, 1}, ys[] = {0, 1, 1, 0};
  for (int i = 0; i < 8; ++i)
    x.set(i, xs[i]);
  for (int i = 0; i < 4; ++i)
    y.set(i, ys[i]);
  for (int epoch = 0; epoch < 5000; ++epoch) {
    if (llvm::Error error = (*model)->apply("train", {{"x", x}, {"y", y}})) {
      llvm::errs() << llvm::toString(std::move(error)) << "\n";
      return false;
    }
  }
  auto predictions = (*model)->call("predict", {{"x", x}});
  if (!predictions) {
    llvm::errs() << llvm::toString(predictions.takeError()) << "\n";
    return false;
  }
  predictions->print(llvm::outs());
  bool ok = true;
  for (int i = 0; i < 4; ++i)
    ok &= std::fabs(predictions->at(i) - ys[i]) < 0.1;
  llvm::outs() << (ok ? "all predictions within 0.1 of the targets\n" : "NOT converged\n");
  return ok;
}

int main() {
  bool layersOk = train("layers", {readme::layersProgram()});
  bool kernelsOk = train("kernels", {readme::kernelsProgram()});
  return layersOk && kernelsOk ? 0 : 1;
}
