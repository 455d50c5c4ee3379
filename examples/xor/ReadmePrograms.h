//===- ReadmePrograms.h - Exprgrad's README XOR programs, as it writes them -===//
//
// The two programs of Exprgrad's README, each returning the node its `compile` takes:
// `examples/xor/xor.cpp` trains them, and unittests/ReadmeTest.cpp checks that they learn
// XOR. Both seed the parameters the same way (randomize(21)).
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_EXAMPLES_XOR_READMEPROGRAMS_H
#define XGRAD_EXAMPLES_XOR_READMEPROGRAMS_H

#include "xgrad/Frontend/Layers.h"

namespace xgrad::readme {

/// The first program: layers as methods, inputs without shapes (their rank comes from how
/// the layers index them); every target the node reaches ("predict", "loss", "train") is in
/// the model compiled from it.
inline Fun layersProgram() {
  using namespace xgrad::layers;
  randomize(21);
  return input("x")
      .dense(2, 4)
      .leakyRelu()
      .dense(4, 1)
      .sigmoid()
      .target("predict")
      .mse(input("y"))
      .target("loss")
      .backprop(gradientDescent(0.1))
      .target("train");
}

/// The second program, in kernels with a hand-written optimizer.
inline Fun kernelsProgram() {
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
  loss[Index(0)] += sq(pred(it) - input("y")(it)); // y's rank: pred's, read at `it`
  Optimizer optim = [](Fun &param, Fun grad, OptimizerState &) {
    Iter i;
    param(i) += -0.1 * grad(i);
  };
  return loss.target("loss").backprop(optim).target("train");
}

} // namespace xgrad::readme

#endif // XGRAD_EXAMPLES_XOR_READMEPROGRAMS_H
