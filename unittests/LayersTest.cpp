//===- LayersTest.cpp - each layer against values computed directly -------===//
#include "xgrad/Frontend/Layers.h"
#include "xgrad/Runtime/Model.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace xgrad;
using namespace xgrad::layers;

namespace {

Tensor values(std::vector<int64_t> shape, double scale = 1.0) {
  Tensor t(ElementType::f64, shape);
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.set(i, scale * std::sin(1.7 * i + 0.3));
  return t;
}

/// Compiles `out`, runs it on `inputs` and returns the result and the model's state.
std::pair<Tensor, std::map<std::string, Tensor>> run(Fun out,
                                                     const std::map<std::string, Tensor> &in) {
  auto model = Model::compile(toMLIR({out.target("out")}, FloatType::f64));
  EXPECT_TRUE(bool(model)) << (model ? "" : llvm::toString(model.takeError()));
  if (!model)
    return {};
  auto result = (*model)->call("out", in);
  EXPECT_TRUE(bool(result)) << (result ? "" : llvm::toString(result.takeError()));
  return {result ? *result : Tensor(), (*model)->state()};
}

void expectNear(const Tensor &actual, const std::vector<double> &expected) {
  ASSERT_EQ(actual.numElements(), int64_t(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual.at(i), expected[i], 1e-12) << "element " << i;
}

TEST(Layers, Dense) {
  randomize(100);
  Tensor x = values({3, 2});
  auto [out, state] = run(dense(input("x", {-1, 2}), 2, 4), {{"x", x}});
  // Named after the layer, not the seed.
  const Tensor &w = state["dense0.w"], &b = state["dense0.b"];
  std::vector<double> expected;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c)
      expected.push_back(x.at(r * 2) * w.at(c) + x.at(r * 2 + 1) * w.at(4 + c) + b.at(c));
  expectNear(out, expected);
}

TEST(Layers, Activations) {
  Tensor v = values({7}, 3.0);
  auto apply = [&](Fun (*layer)(const Fun &), double (*f)(double)) {
    auto [out, state] = run(layer(input("v", {-1})), {{"v", v}});
    std::vector<double> expected;
    for (int i = 0; i < 7; ++i)
      expected.push_back(f(v.at(i)));
    expectNear(out, expected);
  };
  apply(relu, [](double x) { return x >= 0 ? x : 0.0; });
  apply(sigmoid, [](double x) { return 1 / (1 + std::exp(-x)); });
  apply(layers::tanh, [](double x) { return std::tanh(x); });
  auto [leaky, state] = run(leakyRelu(input("v", {-1}), 0.2), {{"v", v}});
  std::vector<double> expected;
  for (int i = 0; i < 7; ++i)
    expected.push_back(v.at(i) >= 0 ? v.at(i) : 0.2 * v.at(i));
  expectNear(leaky, expected);
}

TEST(Layers, SoftmaxAndLosses) {
  Tensor logits = values({2, 3}, 2.0), labels(ElementType::f64, {2, 3});
  labels.set(1, 1), labels.set(3, 1);
  auto [soft, s1] = run(softmax(input("l", {-1, 3})), {{"l", logits}});
  std::vector<double> probabilities;
  double ce = 0, sce = 0;
  for (int r = 0; r < 2; ++r) {
    double sum = 0;
    for (int c = 0; c < 3; ++c)
      sum += std::exp(logits.at(r * 3 + c));
    for (int c = 0; c < 3; ++c) {
      double p = std::exp(logits.at(r * 3 + c)) / sum;
      probabilities.push_back(p);
      ce -= labels.at(r * 3 + c) * std::log(p) / 2;
      sce -= labels.at(r * 3 + c) * (logits.at(r * 3 + c) - std::log(sum)) / 2;
    }
  }
  expectNear(soft, probabilities);
  auto [loss, s2] =
      run(crossEntropy(softmax(input("l", {-1, 3})), input("t", {-1, 3})), {{"l", logits}, {"t", labels}});
  expectNear(loss, {ce});
  auto [stable, s3] = run(softmaxCrossEntropy(input("l", {-1, 3}), input("t", {-1, 3})),
                          {{"l", logits}, {"t", labels}});
  expectNear(stable, {sce});
  Tensor a = values({4}), b = values({4}, -0.5);
  double mse_ = 0;
  for (int i = 0; i < 4; ++i)
    mse_ += (a.at(i) - b.at(i)) * (a.at(i) - b.at(i)) / 4;
  auto [m, s4] = run(mse(input("a", {-1}), input("b", {-1})), {{"a", a}, {"b", b}});
  expectNear(m, {mse_});
}

TEST(Layers, ConvolutionPoolingUpsampling) {
  Tensor images = values({1, 5, 5, 2}), filters = values({3, 2, 2, 2}, 0.5);
  for (int64_t stride : {1, 2}) {
    auto [conv, state] = run(conv2d(input("i", {-1, 5, 5, 2}), input("f", {3, 2, 2, 2}), stride),
                             {{"i", images}, {"f", filters}});
    int64_t size = (5 - 2) / stride + 1;
    std::vector<double> expected;
    for (int64_t y = 0; y < size; ++y)
      for (int64_t x = 0; x < size; ++x)
        for (int f = 0; f < 3; ++f) {
          double sum = 0;
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx)
              for (int c = 0; c < 2; ++c)
                sum += images.at(((y * stride + dy) * 5 + x * stride + dx) * 2 + c) *
                       filters.at(((f * 2 + dy) * 2 + dx) * 2 + c);
          expected.push_back(sum);
        }
    expectNear(conv, expected);
  }
  // Padding: zeros around the images.
  auto [padded, s0] = run(conv2d(input("i", {-1, 5, 5, 2}), input("f", {3, 2, 2, 2}), 2, 1),
                          {{"i", images}, {"f", filters}});
  std::vector<double> paddedExpected;
  for (int64_t y = 0; y < 3; ++y)
    for (int64_t x = 0; x < 3; ++x)
      for (int f = 0; f < 3; ++f) {
        double sum = 0;
        for (int dy = 0; dy < 2; ++dy)
          for (int dx = 0; dx < 2; ++dx)
            for (int c = 0; c < 2; ++c) {
              int64_t iy = y * 2 + dy - 1, ix = x * 2 + dx - 1;
              if (iy >= 0 && iy < 5 && ix >= 0 && ix < 5)
                sum += images.at((iy * 5 + ix) * 2 + c) * filters.at(((f * 2 + dy) * 2 + dx) * 2 + c);
            }
        paddedExpected.push_back(sum);
      }
  expectNear(padded, paddedExpected);
  Tensor even = values({1, 4, 4, 1});
  auto [pooled, s1] = run(maxPool2d(input("i", {-1, 4, 4, 1})), {{"i", even}});
  std::vector<double> expected;
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x)
      expected.push_back(std::max({even.at((2 * y) * 4 + 2 * x), even.at((2 * y) * 4 + 2 * x + 1),
                                   even.at((2 * y + 1) * 4 + 2 * x),
                                   even.at((2 * y + 1) * 4 + 2 * x + 1)}));
  expectNear(pooled, expected);
  auto [up, s2] = run(upsample2(input("i", {-1, 4, 4, 1})), {{"i", even}});
  std::vector<double> upsampled;
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x)
      upsampled.push_back(even.at((y / 2) * 4 + x / 2));
  expectNear(up, upsampled);
}

/// A custom gradient that reads its kernel's result (max pooling compares the input with it)
/// must not keep the kernel alive: the kernel owns the gradient, so a pointer back would be
/// a cycle LeakSanitizer reports and nothing ever frees.
TEST(Layers, CustomGradientsDoNotKeepTheirKernelAlive) {
  std::weak_ptr<FunNode> kernel, image;
  {
    Fun images = input("i", {-1, 4, 4, 1});
    Fun pooled = maxPool2d(images);
    kernel = pooled.node;
    image = images.node;
  }
  EXPECT_TRUE(kernel.expired());
  EXPECT_TRUE(image.expired());
}

/// Its gradient still reads the forward result: the pooled maximum's position gets the
/// gradient, the others none (compared through the whole pipeline).
TEST(Layers, MaxPoolGradientGoesToTheMaximum) {
  Fun images = input("i", {-1, 2, 2, 1});
  Fun total;
  Iter i("i"), y("y"), x("x"), c("c");
  Fun pooled = maxPool2d(images);
  total[0] += pooled[i, y, x, c];
  std::string source = toMLIR({total.grad(images).target("grad")});
  auto model = Model::compile(source);
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  Tensor values(ElementType::f32, {1, 2, 2, 1});
  for (int k = 0; k < 4; ++k)
    values.set(k, k == 2 ? 5.0 : 1.0);
  auto grad = (*model)->call("grad", {{"i", values}});
  ASSERT_TRUE(bool(grad)) << llvm::toString(grad.takeError());
  for (int k = 0; k < 4; ++k)
    EXPECT_EQ(grad->at(k), k == 2 ? 1.0 : 0.0) << k;
}

TEST(Layers, ReshapeAndElementwise) {
  Tensor a = values({2, 6}), b = values({2, 6}, -2.0);
  auto [flat, s1] = run(flatten(reshape(input("a", {-1, 6}), {-1, 3, 2}), 6), {{"a", a}});
  EXPECT_EQ(flat.shape(), llvm::ArrayRef<int64_t>({2, 6}));
  std::vector<double> same;
  for (int i = 0; i < 12; ++i)
    same.push_back(a.at(i));
  expectNear(flat, same);
  struct Case {
    Fun (*layer)(const Fun &, const Fun &);
    double (*f)(double, double);
  } cases[] = {{add, [](double x, double y) { return x + y; }},
               {sub, [](double x, double y) { return x - y; }},
               {mul, [](double x, double y) { return x * y; }},
               {divide, [](double x, double y) { return x / y; }},
               {minimum, [](double x, double y) { return std::min(x, y); }},
               {maximum, [](double x, double y) { return std::max(x, y); }}};
  for (const Case &c : cases) {
    auto [out, state] = run(c.layer(input("a", {-1, 6}), input("b", {-1, 6})), {{"a", a}, {"b", b}});
    std::vector<double> expected;
    for (int i = 0; i < 12; ++i)
      expected.push_back(c.f(a.at(i), b.at(i)));
    expectNear(out, expected);
  }
}

TEST(Layers, ReshapeChecksTheElementCount) {
  auto model = Model::compile(
      toMLIR({reshape(input("a", {-1, 6}), {4, 4}).target("out")}, FloatType::f64));
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  auto result = (*model)->call("out", {{"a", values({2, 6})}});
  ASSERT_FALSE(bool(result));
  std::string message = llvm::toString(result.takeError());
  EXPECT_EQ(message, "run-time check failed: reshape of input 'a' to [4, 4]: 12 elements, not 16");
}

} // namespace
