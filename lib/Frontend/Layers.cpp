//===- Layers.cpp - Exprgrad's layers, written in the front end -----------===//
#include "xgrad/Frontend/Layers.h"
#include "Nodes.h"

#include <stdexcept>

using namespace xgrad;

namespace xgrad::layers {

/// A parameter of one instance of a layer (`instance` tells instances apart): printed as
/// `<kind><n>.<role>`, e.g. `dense0.w`, unless it is given a name.
static Fun layerParam(std::vector<int64_t> shape, const char *kind, const char *role,
                      const void *instance) {
  Fun created = param(std::move(shape), -0.1, 0.1, "");
  created.node->layerKind = kind;
  created.node->layerRole = role;
  created.node->layerInstance = instance ? instance : created.node.get();
  return created;
}

Fun dense(const Fun &values, int64_t in, int64_t out, bool bias) {
  Fun input = values, weights = layerParam({in, out}, "dense", "w", nullptr), result;
  Iter y("y"), x("x"), it("it");
  result[y, x] += input[y, it] * weights[it, x];
  result.named("dense");
  if (bias) {
    Fun b = layerParam({out}, "dense", "b", weights.node.get());
    result[y, x] += b[x];
    result.named("dense.bias");
  }
  return result;
}

/// `result{it} ++= f(input{it}) | it`.
static Fun elementwise(const Fun &input, const char *name,
                       const std::function<Scalar(Scalar)> &f) {
  Fun in = input, result;
  Iter it("it");
  result(it) += f(in(it));
  result.named(name);
  return result;
}

Fun relu(const Fun &input) {
  return elementwise(input, "relu", [](Scalar v) { return select(v >= 0.0, v, 0.0); });
}
Fun leakyRelu(const Fun &input, double leak) {
  return elementwise(input, "leakyRelu",
                     [leak](Scalar v) { return select(v >= 0.0, 1.0, leak) * v; });
}
Fun sigmoid(const Fun &input) {
  return elementwise(input, "sigmoid", [](Scalar v) { return 1.0 / (1.0 + exp(-v)); });
}
Fun tanh(const Fun &input) {
  return elementwise(input, "tanh", [](Scalar v) {
    Scalar a = exp(v), b = exp(-v);
    return (a - b) / (a + b);
  });
}

/// The row maximum, which a stable softmax subtracts before exp.
static Fun rowMaximum(Fun &in) {
  Fun maximum;
  Iter y("y"), x("x");
  maximum[y].max(in[y, x]);
  maximum.named("softmax.max");
  return maximum;
}

Fun softmax(const Fun &input) {
  Fun in = input, maximum = rowMaximum(in), sums, result;
  Iter y("y"), x("x");
  sums[y] += exp(in[y, x] - maximum[y]);
  sums.named("softmax.sums");
  result[y, x] += exp(in[y, x] - maximum[y]) / sums[y];
  result.named("softmax");
  return result;
}

Fun crossEntropy(const Fun &probabilities, const Fun &labels) {
  Fun pred = probabilities, truth = labels, result;
  Iter it("it");
  result[Index(0)] += -(truth(it) * ln(pred(it))) / toScalar(pred.shape(0));
  result.named("crossEntropy");
  return result;
}

Fun softmaxCrossEntropy(const Fun &logits, const Fun &labels) {
  Fun in = logits, truth = labels, maximum = rowMaximum(in), sums, result;
  Iter y("y"), x("x");
  sums[y] += exp(in[y, x] - maximum[y]);
  sums.named("softmax.sums");
  Scalar logProbability = in[y, x] - maximum[y] - ln(sums[y]);
  result[Index(0)] += -(truth[y, x] * logProbability) / toScalar(truth.shape(0));
  result.named("softmaxCrossEntropy");
  return result;
}

Fun mse(const Fun &a, const Fun &b) {
  Fun pred = a, truth = b, result;
  // Labels given as `input("y")` without a shape are indexed like the predictions, which
  // gives them their rank; otherwise both are read flat (any shapes of one length).
  std::optional<size_t> rank = knownRank(*pred.node);
  if (truth.node->rankFromUse && rank && *rank > 0) {
    std::vector<Index> at;
    for (size_t d = 0; d < *rank; ++d)
      at.push_back(Iter("i" + std::to_string(d)));
    result[Index(0)] += sq(pred.at(at) - truth.at(at)) / toScalar(pred.shape(0));
  } else {
    Iter it("it");
    result[Index(0)] += sq(pred(it) - truth(it)) / toScalar(pred.shape(0));
  }
  result.named("mse");
  return result;
}

Fun pad2d(const Fun &images, int64_t padding) {
  // A scatter into a larger zero tensor: its gradient is the matching gather.
  Fun in = images, result;
  Iter image("image"), y("y"), x("x"), chan("chan");
  result[image, y + padding, x + padding, chan] += in[image, y, x, chan];
  result.withShape({in.shape(0), in.shape(1) + 2 * padding, in.shape(2) + 2 * padding,
                    in.shape(3)})
      .named("pad2d");
  return result;
}

Fun conv2d(const Fun &images, const Fun &filters, int64_t stride, int64_t padding) {
  Fun in = padding ? pad2d(images, padding) : images, kernel = filters, result;
  Iter image("image"), y("y"), x("x"), filter("filter"), dy("dy"), dx("dx"), chan("chan");
  result[image, y, x, filter] +=
      in[image, y * stride + dy, x * stride + dx, chan] * kernel[filter, dy, dx, chan];
  result.named("conv2d");
  return result;
}

Fun conv2d(const Fun &images, int64_t channels, int64_t width, int64_t height, int64_t filters,
           int64_t stride, int64_t padding) {
  return conv2d(images, layerParam({filters, height, width, channels}, "conv2d", "filters",
                                    nullptr),
                stride, padding);
}

Fun maxPool2d(const Fun &images) {
  Fun in = images, result;
  Iter image("image"), y("y"), x("x"), chan("chan");
  result[image, y, x, chan] +=
      max(max(in[image, y * 2, x * 2, chan], in[image, y * 2 + 1, x * 2, chan]),
          max(in[image, y * 2, x * 2 + 1, chan], in[image, y * 2 + 1, x * 2 + 1, chan]));
  result.named("maxPool2d");
  Fun forward = result;
  result.customGrad([&](GradientSink &grads) {
    // Each input pixel gets its window's gradient where it is the window's maximum. An odd
    // height or width leaves a last row or column in no window (the forward pass floors, as
    // PyTorch does): its gradient is 0, and the read of its (clamped) window stays inside.
    Iter i("i"), gy("gy"), gx("gx"), c("c");
    Index height = forward.shape(1), width = forward.shape(2);
    Index wy = min(div(gy, 2), height - 1), wx = min(div(gx, 2), width - 1);
    Boolean pooled = gy < height * 2 && gx < width * 2;
    grads.of(in)[i, gy, gx, c] += select(pooled && in[i, gy, gx, c] == forward[i, wy, wx, c],
                                         grads.result()[i, wy, wx, c], 0.0);
    grads.of(in).copyShape(in).named("maxPool2d.grad");
  });
  return result;
}

Fun upsample2(const Fun &images) {
  Fun in = images, result;
  Iter image("image"), y("y"), x("x"), chan("chan");
  result[image, y, x, chan] += in[image, div(y, 2), div(x, 2), chan];
  result.withShape({in.shape(0), in.shape(1) * 2, in.shape(2) * 2, in.shape(3)})
      .named("upsample2");
  return result;
}

/// "input 'x'", "kernel 'dense'", or "a tensor", as messages name what a layer reads.
static std::string describe(const Fun &fun) {
  if (fun.node->kind == FunNode::Kind::Input)
    return "input '" + fun.node->name + "'";
  if (fun.node->kind == FunNode::Kind::Param)
    return "parameter '" + fun.node->name + "'";
  if (fun.node->kind == FunNode::Kind::Kernel && !fun.node->name.empty())
    return "kernel '" + fun.node->name + "'";
  return "a tensor";
}

Fun reshape(const Fun &input, std::vector<int64_t> shape) {
  Fun in = input, result;
  std::vector<Index> sizes;
  int64_t known = 1, unknown = -1;
  std::string spelled;
  for (size_t dim = 0; dim < shape.size(); ++dim) {
    spelled += (dim ? ", " : "") + std::to_string(shape[dim]);
    if (shape[dim] < -1)
      throw std::invalid_argument("reshape: extent " + std::to_string(shape[dim]) +
                                  " is neither -1 (inferred) nor a size");
    if (shape[dim] == -1 && unknown >= 0)
      throw std::invalid_argument("reshape: only one extent can be -1 (inferred), in [" +
                                  spelled + "]");
    if (shape[dim] == -1)
      unknown = dim;
    else
      known *= shape[dim];
  }
  if (unknown >= 0 && known == 0)
    throw std::invalid_argument("reshape: an extent of 0 next to -1 leaves -1 undetermined");
  for (size_t dim = 0; dim < shape.size(); ++dim)
    sizes.push_back(int64_t(dim) == unknown ? div(in.len(), Index(known)) : Index(shape[dim]));
  Iter it("it");
  // The write's extent (the new shape's length) must equal the read's (the input's length):
  // shape inference checks it, statically or at run time.
  result(it) += in(it);
  result.withShape(sizes).named("reshape");
  // Every element is kept: the new shape's length is the input's.
  std::string what = "reshape of " + describe(in) + " to [" + spelled + "]: ";
  if (unknown >= 0)
    result.requireEqual(in.len(), div(in.len(), Index(known)) * Index(known),
                        what + "{lhs} elements is not a multiple of " + std::to_string(known));
  else
    result.requireEqual(in.len(), Index(known), what + "{lhs} elements, not {rhs}");
  return result;
}

Fun flatten(const Fun &input, int64_t features) { return reshape(input, {-1, features}); }

static Fun binary(const Fun &a, const Fun &b, const char *name,
                  const std::function<Scalar(Scalar, Scalar)> &f) {
  Fun lhs = a, rhs = b, result;
  Iter it("it");
  result(it) += f(lhs(it), rhs(it));
  result.copyShape(lhs).named(name);
  return result;
}
Fun add(const Fun &a, const Fun &b) {
  return binary(a, b, "add", [](Scalar x, Scalar y) { return x + y; });
}
Fun sub(const Fun &a, const Fun &b) {
  return binary(a, b, "sub", [](Scalar x, Scalar y) { return x - y; });
}
Fun mul(const Fun &a, const Fun &b) {
  return binary(a, b, "mul", [](Scalar x, Scalar y) { return x * y; });
}
Fun divide(const Fun &a, const Fun &b) {
  return binary(a, b, "div", [](Scalar x, Scalar y) { return x / y; });
}
Fun minimum(const Fun &a, const Fun &b) {
  return binary(a, b, "min", [](Scalar x, Scalar y) { return min(x, y); });
}
Fun maximum(const Fun &a, const Fun &b) {
  return binary(a, b, "max", [](Scalar x, Scalar y) { return max(x, y); });
}

Optimizer gradientDescent(double rate) {
  return [rate](Fun &param, Fun grad, OptimizerState &) {
    Iter it("it");
    param(it) += -grad(it) * rate;
    param.named("gradientDescent");
  };
}

Optimizer momentum(double rate, double mu) {
  return [rate, mu](Fun &param, Fun grad, OptimizerState &state) {
    Fun &velocity = state["momentum.v"];
    Iter it("it"), it2("it2");
    velocity(it) += velocity(it) * (mu - 1.0) + grad(it);
    velocity.named("momentum.v");
    param(it2) += -velocity(it2) * rate;
    param.named("momentum.step");
  };
}

Optimizer adam(double eta, double beta1, double beta2, double epsilon) {
  return [=](Fun &param, Fun grad, OptimizerState &state) {
    Fun &m = state["adam.m"];
    Fun &v = state["adam.v"];
    Iter i("i"), j("j"), k("k");
    m(i) += m(i) * (beta1 - 1.0) + (1.0 - beta1) * grad(i);
    m.named("adam.m");
    v(j) += v(j) * (beta2 - 1.0) + (1.0 - beta2) * sq(grad(j));
    v.named("adam.v");
    Scalar step = toScalar(xgrad::step() + 1);
    Scalar mHat = m(k) / (1.0 - pow(beta1, step));
    Scalar vHat = v(k) / (1.0 - pow(beta2, step));
    param(k) += -eta * mHat / (sqrt(vHat) + epsilon);
    param.named("adam.step");
  };
}

} // namespace xgrad::layers

// The layers as methods of Fun (declared in Frontend.h).
namespace xgrad {
Fun Fun::dense(int64_t in, int64_t out, bool bias) const {
  return layers::dense(*this, in, out, bias);
}
Fun Fun::relu() const { return layers::relu(*this); }
Fun Fun::leakyRelu(double leak) const { return layers::leakyRelu(*this, leak); }
Fun Fun::sigmoid() const { return layers::sigmoid(*this); }
Fun Fun::tanh() const { return layers::tanh(*this); }
Fun Fun::softmax() const { return layers::softmax(*this); }
Fun Fun::crossEntropy(const Fun &labels) const { return layers::crossEntropy(*this, labels); }
Fun Fun::softmaxCrossEntropy(const Fun &labels) const {
  return layers::softmaxCrossEntropy(*this, labels);
}
Fun Fun::mse(const Fun &labels) const { return layers::mse(*this, labels); }
Fun Fun::conv2d(const Fun &filters, int64_t stride, int64_t padding) const {
  return layers::conv2d(*this, filters, stride, padding);
}
Fun Fun::conv2d(int64_t channels, int64_t width, int64_t height, int64_t filters,
                int64_t stride, int64_t padding) const {
  return layers::conv2d(*this, channels, width, height, filters, stride, padding);
}
Fun Fun::pad2d(int64_t padding) const { return layers::pad2d(*this, padding); }
Fun Fun::maxPool2d() const { return layers::maxPool2d(*this); }
Fun Fun::upsample2() const { return layers::upsample2(*this); }
Fun Fun::reshape(std::vector<int64_t> shape) const {
  return layers::reshape(*this, std::move(shape));
}
Fun Fun::flatten(int64_t features) const { return layers::flatten(*this, features); }
} // namespace xgrad
