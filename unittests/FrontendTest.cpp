//===- FrontendTest.cpp - the C++ front end builds the expected IR --------===//
#include "xgrad/Frontend/Layers.h"
#include "xgrad/Runtime/Model.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <regex>

using namespace xgrad;

namespace {

bool contains(const std::string &text, const std::string &pattern) {
  return std::regex_search(text, std::regex(pattern));
}

TEST(Frontend, MatmulIsOneKernelWithIteratorsInOrder) {
  Fun a = input("a", {-1, 3}), b = param({3, 4}, -0.1, 0.1, "b", 5), out;
  Iter y, x, it;
  out[y, x] += a[y, it] * b[it, x];
  std::string ir = toMLIR({out.named("matmul").target("out")});
  EXPECT_TRUE(contains(ir, R"(%a_\d+ = xgrad.input "a" : tensor<\?x3xf32>)")) << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.param "b" uniform \[-0.1, 0.1\] seed 5 : tensor<3x4xf32>)"))
      << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.kernel "matmul" -> tensor<\*xf32> \{)")) << ir;
  // y and x come from the write, then it.
  EXPECT_TRUE(contains(ir, R"(\^bb0\((%i_\d+): index loc\(#loc\d+\), (%i_\d+): index loc\(#loc\d+\), (%i_\d+): index loc\(#loc\d+\)\):\n\s*%v_\d+ = xgrad.read %a_\d+\[\1, \3\])"))
      << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.accumulate %v_\d+ at \[%i_\d+, %i_\d+\] : f32)")) << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.target "out")")) << ir;
}

TEST(Frontend, EveryInstructionBuildsItsOp) {
  Fun a = input("a", {-1}), b = input("b", {-1}), out;
  Iter i;
  Scalar x = a[i], yv = b[i];
  Scalar all = x + yv - x * yv / x + -x + sq(x) + min(x, yv) + max(x, yv) +
               select(x == yv || x != yv, sin(x), cos(x)) +
               select(x < yv && !(x > yv), exp(x), pow(x, yv)) +
               select(x <= yv, sqrt(x), ln(x)) + select(x >= yv, log2(x), log10(x)) + tanh(x) +
               toScalar(div(i, 2) + mod(i, 3) * wrap(i - 1, 4)) + toScalar(toIndex(x)) +
               toScalar(epoch()) + toScalar(a.len() + a.shape(0) + a.rank()) +
               toScalar(i == Index(1));
  out[i] += all;
  std::string ir = toMLIR({out.target("all")}, FloatType::f64);
  for (const char *op :
       {"arith.addf", "arith.subf", "arith.mulf", "arith.divf", "arith.negf", "arith.minimumf",
        "arith.maximumf", "arith.cmpf oeq", "arith.cmpf une", "arith.cmpf olt", "arith.cmpf ogt",
        "arith.cmpf ole", "arith.cmpf oge", "arith.ori", "arith.andi", "arith.xori",
        "arith.select", "math.sin", "math.cos", "math.exp", "math.powf", "math.sqrt", "math.log ",
        "math.log2", "math.log10", "math.tanh", "arith.divsi", "arith.remsi", "xgrad.wrap",
        "arith.muli", "arith.subi", "arith.addi", "xgrad.to_scalar", "xgrad.to_index",
        "xgrad.epoch", "xgrad.len", "xgrad.dim", "xgrad.rank", "arith.cmpi eq"})
    EXPECT_NE(ir.find(op), std::string::npos) << op << "\n" << ir;
  EXPECT_NE(ir.find(": f64"), std::string::npos);
  auto model = Model::compile(ir);
  EXPECT_TRUE(bool(model)) << (model ? "" : llvm::toString(model.takeError())) << ir;
}

TEST(Frontend, FlatAccessShapesAndRepeatedAccumulation) {
  Fun a = input("a", {2, 3}), out;
  Iter it, y, x;
  out(it) += a(it) * 2.0;
  out.copyShape(a);
  out[y, x] += a[y, x];
  Fun up;
  up[y] += a(div(y, 2));
  up.withShape({a.len() * 2});
  std::string ir = toMLIR({out.target("out"), up.target("up")});
  EXPECT_TRUE(contains(ir, R"(xgrad.read flat %a_\d+\[%i_\d+\])")) << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.accumulate %v_\d+ at flat \[%i_\d+\])")) << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.kernel like\(%a_\d+ : tensor<2x3xf32>\))")) << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.kernel init\(%kernel_\d+ : tensor<\*xf32>\))")) << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.kernel shape\(%v_\d+\))")) << ir;
  auto model = Model::compile(ir);
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  Tensor values(ElementType::f32, {2, 3});
  for (int i = 0; i < 6; ++i)
    values.set(i, i);
  auto result = (*model)->call("out", {{"a", values}});
  ASSERT_TRUE(bool(result));
  EXPECT_EQ(result->at(5), 15.0);
  auto upsampled = (*model)->call("up", {{"a", values}});
  ASSERT_TRUE(bool(upsampled));
  EXPECT_EQ(upsampled->shape()[0], 12);
  EXPECT_EQ(upsampled->at(11), 5.0);
}

TEST(Frontend, MisuseThrowsWithAMessage) {
  Fun undeclared;
  Iter i;
  EXPECT_THROW((void)Scalar(undeclared(i)), std::logic_error);
  Fun a = input("a", {3}), out;
  EXPECT_THROW(out.withShape({Index(3)}), std::logic_error);
  Fun noIterators;
  noIterators(Index(0)) += 1.0;
  EXPECT_THROW(toMLIR({noIterators.target("t")}), std::logic_error);
  // An iterator used in a shape (outside any kernel).
  Fun shaped;
  shaped(i) += a(i);
  shaped.withShape({Index(i)});
  EXPECT_THROW(toMLIR({shaped.target("t")}), std::logic_error);
}

TEST(Frontend, NamesWithQuotesBackslashesAndNonAsciiRoundTrip) {
  // Printed unescaped, the first name ended the string literal: "expected ':'".
  const std::string name = "a\"b\\c é";
  Fun a = input(name, {3}), w = param({3}, "constant", {2.0}, name + " w", 1);
  Fun stored = cached(name + " cache", {3}), out, recall;
  Iter i(name + " i");
  out[i] += a[i] * w[i];
  recall[i] += stored[i];
  Fun remember = out.named(name + " kernel").cache(name + " cache").target(name + " remember");
  std::string ir = toMLIR({remember, recall.target(name + " recall")});
  auto model = Model::compile(ir);
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError()) << ir;
  Tensor values(ElementType::f32, {3});
  for (int k = 0; k < 3; ++k)
    values.set(k, k + 1);
  auto result = (*model)->call(name + " remember", {{name, values}});
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  EXPECT_EQ(result->at(2), 6.0);
  auto recalled = (*model)->call(name + " recall", {});
  ASSERT_TRUE(bool(recalled)) << llvm::toString(recalled.takeError());
  EXPECT_EQ(recalled->at(2), 6.0);
  std::vector<std::string> state;
  for (auto &[stateName, tensor] : (*model)->state())
    state.push_back(stateName);
  EXPECT_NE(std::find(state.begin(), state.end(), name + " w"), state.end()) << ir;
  EXPECT_NE(std::find(state.begin(), state.end(), name + " cache"), state.end()) << ir;
  EXPECT_NE(ir.find(R"(xgrad.kernel "a\22b\\c \C3\A9 kernel")"), std::string::npos) << ir;
}

TEST(Frontend, CompilerErrorsNameTheUsersLineAndIterator) {
  Fun a = input("a", {3}), up;
  Iter y("y");
  const int line = __LINE__ + 1;
  up[y] += a[div(y, 2)];
  std::string ir = toMLIR({up.named("up").target("up")});
  auto model = Model::compile(ir);
  ASSERT_FALSE(bool(model)) << ir;
  std::string message = llvm::toString(model.takeError());
  // The error is at this file's line (not at the generated text), and the note for the
  // iterator at its declaration.
  EXPECT_TRUE(contains(message, "FrontendTest.cpp:" + std::to_string(line) +
                                    R"(:\d+: error: .*cannot infer the range of iterator `y` of kernel 'up')"))
      << message;
  EXPECT_TRUE(contains(message, "FrontendTest.cpp:" + std::to_string(line - 2) +
                                    R"(:\d+: note: iterator `y` is declared here)"))
      << message;
  EXPECT_NE(message.find("`withShape` in C++"), std::string::npos) << message;
  EXPECT_EQ(message.find("see current operation"), std::string::npos) << message;
  EXPECT_EQ(message.find("model:"), std::string::npos) << message;
}

TEST(Frontend, OptimizersAndStateBecomeRegions) {
  Fun w = param({3}, -0.1, 0.1, "w", 1), loss;
  Iter i;
  loss[Index(0)] += sq(w(i));
  std::string ir = toMLIR({loss.backprop(layers::adam()).target("train")});
  EXPECT_TRUE(contains(ir, R"(xgrad.backprop %\w+ state \["adam.m", "adam.v"\] : tensor<\*xf32> optimizer \{)"))
      << ir;
  EXPECT_TRUE(contains(ir, R"(\^bb0\(%param_\d+: tensor<\*xf32>, %grad_\d+: tensor<\*xf32>, %adam_m_\d+: tensor<\*xf32>, %adam_v_\d+: tensor<\*xf32>\))"))
      << ir;
  EXPECT_TRUE(contains(ir, R"(xgrad.yield %\w+, %\w+, %\w+ : tensor<\*xf32>, tensor<\*xf32>, tensor<\*xf32>)"))
      << ir;
  auto model = Model::compile(ir);
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError()) << ir;
  for (int step = 0; step < 3; ++step)
    ASSERT_FALSE(bool((*model)->apply("train", {})));
  EXPECT_EQ((*model)->state().count("adam.m.w"), 1u);
}

TEST(Frontend, XorFromTheReadmeConvergesInBothForms) {
  Tensor x(ElementType::f32, {4, 2}), y(ElementType::f32, {4, 1});
  const float xs[] = {0, 0, 0, 1, 1, 0, 1, 1}, ys[] = {0, 1, 1, 0};
  for (int i = 0; i < 8; ++i)
    x.set(i, xs[i]);
  for (int i = 0; i < 4; ++i)
    y.set(i, ys[i]);
  auto check = [&](const std::vector<Fun> &targets) {
    auto model = Model::compile(toMLIR(targets));
    ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
    for (int epoch = 0; epoch < 5000; ++epoch)
      ASSERT_FALSE(bool((*model)->apply("train", {{"x", x}, {"y", y}})));
    auto p = (*model)->call("predict", {{"x", x}});
    ASSERT_TRUE(bool(p));
    for (int i = 0; i < 4; ++i)
      EXPECT_NEAR(p->at(i), ys[i], 0.1);
  };
  randomize(21);
  using namespace layers;
  Fun predict = sigmoid(dense(leakyRelu(dense(input("x", {-1, 2}), 2, 4)), 4, 1)).target("predict");
  check({predict, mse(predict, input("y", {-1, 1})).backprop(gradientDescent(0.1)).target("train")});

  randomize(21);
  Iter i, j, it;
  Fun hidden, relu, output, sig, loss, in = input("x", {-1, 2}), truth = input("y", {-1, 1});
  Fun w1 = param({2, 4}), b1 = param({4}), w2 = param({4, 1}), b2 = param({1});
  hidden[i, j] += in[i, it] * w1[it, j];
  hidden[i, j] += b1[j];
  relu(it) += select(hidden(it) <= 0.0, 0.1 * hidden(it), hidden(it));
  output[i, j] += relu[i, it] * w2[it, j];
  output[i, j] += b2[j];
  sig(it) += 1.0 / (1.0 + exp(-output(it)));
  Fun pred = sig.target("predict");
  loss[Index(0)] += sq(pred(it) - truth(it));
  Optimizer optim = [](Fun &param, Fun grad, OptimizerState &) {
    Iter k;
    param(k) += -0.1 * grad(k);
  };
  check({pred, loss.target("loss").backprop(optim).target("train")});
}

} // namespace

TEST(Frontend, ArraysAreReadAtAnIndexAndDifferentiated) {
  // out[i] = [a[i] * a[i], 3 a[i], 0.5][wrap(i, len)]; d(sum out)/da.
  Iter i("i");
  Fun a = input("a", {-1}), out;
  Array<Scalar> table = array({a[i] * a[i], 3.0 * a[i], 0.5});
  out[i] += table[wrap(i, table.len())];
  std::string ir = toMLIR({out.target("out"), out.grad(a).target("da")}, FloatType::f64);
  EXPECT_NE(ir.find("!xgrad.array<3, f64>"), std::string::npos) << ir;
  auto model = Model::compile(ir);
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  Tensor values(ElementType::f64, {4});
  const double as[] = {2.0, -1.0, 4.0, 0.5};
  for (int k = 0; k < 4; ++k)
    values.set(k, as[k]);
  auto got = (*model)->call("out", {{"a", values}});
  ASSERT_TRUE(bool(got)) << llvm::toString(got.takeError());
  const double expected[] = {4.0, -3.0, 0.5, 0.25};
  for (int k = 0; k < 4; ++k)
    EXPECT_DOUBLE_EQ(got->at(k), expected[k]) << k;
  auto gradient = (*model)->call("da", {{"a", values}});
  ASSERT_TRUE(bool(gradient)) << llvm::toString(gradient.takeError());
  const double slopes[] = {4.0, 3.0, 0.0, 1.0};
  for (int k = 0; k < 4; ++k)
    EXPECT_DOUBLE_EQ(gradient->at(k), slopes[k]) << k;
  // Index arrays hold Indexes; an empty one is an error.
  Array<Index> offsets = array({Index(0), Index(2)});
  Fun picked;
  picked[i] += a[offsets[wrap(i, offsets.len())]];
  std::string picking = toMLIR({picked.target("picked")});
  EXPECT_NE(picking.find(": index, index -> !xgrad.array<2, index>"), std::string::npos)
      << picking;
  EXPECT_THROW(array(std::vector<Scalar>{}), std::invalid_argument);
}
