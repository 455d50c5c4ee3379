//===- ReadmeTest.cpp - Exprgrad's README programs, as Exprgrad writes them -===//
//
// The programs of examples/xor/ReadmePrograms.h (layers as methods, `input("x")` without a
// shape, one node compiled: the model has every target the node reaches) learn XOR.
//
//===----------------------------------------------------------------------===//
#include "ReadmePrograms.h"
#include "xgrad/Frontend/Layers.h"
#include "xgrad/Runtime/Model.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace xgrad;
using namespace xgrad::layers;

namespace {

/// Trains `net` ("train") on XOR for 5000 epochs and returns its "predict" of the inputs.
std::vector<double> trainXor(const Fun &net) {
  auto model = Model::compile(toMLIR({net}));
  EXPECT_TRUE(bool(model)) << llvm::toString(model.takeError());
  if (!model)
    return {};
  std::vector<std::string> targets = (*model)->targetNames();
  for (const char *target : {"predict", "loss", "train"})
    EXPECT_NE(std::find(targets.begin(), targets.end(), std::string("model.") + target),
              targets.end())
        << target;
  Tensor x(ElementType::f32, {4, 2}), y(ElementType::f32, {4, 1});
  const float xs[] = {0, 0, 0, 1, 1, 0, 1, 1}, ys[] = {0, 1, 1, 0};
  for (int i = 0; i < 8; ++i)
    x.set(i, xs[i]);
  for (int i = 0; i < 4; ++i)
    y.set(i, ys[i]);
  for (int epoch = 0; epoch < 5000; ++epoch)
    if (llvm::Error error = (*model)->apply("train", {{"x", x}, {"y", y}})) {
      ADD_FAILURE() << llvm::toString(std::move(error));
      return {};
    }
  auto predictions = (*model)->call("predict", {{"x", x}});
  EXPECT_TRUE(bool(predictions)) << llvm::toString(predictions.takeError());
  std::vector<double> values;
  for (int i = 0; predictions && i < 4; ++i)
    values.push_back(predictions->at(i));
  return values;
}

void expectXor(const std::vector<double> &predictions) {
  ASSERT_EQ(predictions.size(), 4u);
  const double targets[] = {0, 1, 1, 0};
  for (int i = 0; i < 4; ++i)
    EXPECT_LT(std::fabs(predictions[i] - targets[i]), 0.1) << "sample " << i;
}

TEST(Readme, LayersInTheChainedForm) { expectXor(trainXor(readme::layersProgram())); }

TEST(Readme, KernelsWithAHandWrittenOptimizer) {
  expectXor(trainXor(readme::kernelsProgram()));
}

TEST(Readme, AnInputWithoutAShapeTakesItsRankFromItsReads) {
  Fun x = input("x");
  std::string ir = toMLIR({x.dense(3, 2).target("out")});
  EXPECT_NE(ir.find("xgrad.input \"x\" : tensor<?x?xf32>"), std::string::npos) << ir;
  // Read only flat, next to nothing of known rank: the rank cannot be told.
  Iter i;
  Fun flat;
  flat(i) += input("v")(i) * 2.0;
  EXPECT_THROW(toMLIR({flat.target("t")}), std::logic_error);
  // Indexed with two ranks.
  Fun w = input("w"), mixed;
  Iter a, b;
  mixed[a, b] += w[a, b] + w[a, b, Index(0)];
  try {
    toMLIR({mixed.target("t")});
    ADD_FAILURE() << "no error";
  } catch (const std::logic_error &error) {
    EXPECT_STREQ(error.what(), "input 'w' has no shape and kernels index it with 2 and 3 indices");
  }
}

} // namespace
