//===- xor.cpp - Exprgrad's README XOR model, in C++ ----------------------===//
//
// Both forms of the README: built from layers, and written as kernels with a hand-written
// optimizer. Each is compiled through the xgrad pipeline and the JIT and trained for 5000
// epochs; the program prints the predictions and fails unless all are within 0.1.
//
//===----------------------------------------------------------------------===//
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
  // The README's first program, as Exprgrad writes it: layers as methods, inputs without
  // shapes (their rank comes from how the layers index them), and `net` alone compiled:
  // every target it reaches ("predict", "loss", "train") is in the model.
  randomize(21);
  Fun net = input("x")
                .dense(2, 4)
                .leakyRelu()
                .dense(4, 1)
                .sigmoid()
                .target("predict")
                .mse(input("y"))
                .target("loss")
                .backprop(gradientDescent(0.1))
                .target("train");
  bool layersOk = train("layers", {net});

  // The README's second program, in kernels with a hand-written optimizer.
  randomize(21);
  Iter y, x, it;
  Fun hidden, hiddenRelu, output, outputSigmoid, loss;
  hidden[y, x] += input("x")[y, it] * param({2, 4})[it, x];
  hidden[y, x] += param({4})[x];
  hiddenRelu(it) += select(hidden(it) <= 0.0, 0.1 * hidden(it), hidden(it));
  output[y, x] += hiddenRelu[y, it] * param({4, 1})[it, x];
  output[y, x] += param({1})[x];
  outputSigmoid(it) += 1.0 / (1.0 + exp(-output(it)));
  Fun pred = outputSigmoid.target("predict");
  loss[Index(0)] += sq(pred(it) - input("y")(it));
  Optimizer optim = [](Fun &param, Fun grad, OptimizerState &) {
    Iter i;
    param(i) += -0.1 * grad(i);
  };
  Fun kernelNet = loss.target("loss").backprop(optim).target("train");
  bool kernelsOk = train("kernels", {kernelNet});
  return layersOk && kernelsOk ? 0 : 1;
}
