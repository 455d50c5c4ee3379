//===- Frontend.h - write xgrad kernels in C++ as in Exprgrad ---*- C++ -*-===//
//
// Exprgrad's `out[y, x] ++= a[y, it] * b[it, x] | (y, x, it)` reads, in C++23,
//
//   Iter y, x, it;
//   Fun out;
//   out[y, x] += a[y, it] * b[it, x];
//
// with `a(it)` for Exprgrad's flat `a{it}`. Nothing here computes: expressions build a
// graph, `toMLIR` prints it as xgrad IR and `compile` runs it through the pipeline and the
// JIT. This header includes no MLIR header (they do not compile as C++23 here); the loop
// order is the order in which iterators first appear, written indices first.
//
// Every node remembers where it was written (`std::source_location` at the call), and the
// printed IR carries it as `loc("file.cpp":line:col)`: the compiler's diagnostics point at
// the user's line, not at the generated text. `Iter y("y")` names an iterator for them.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_FRONTEND_FRONTEND_H
#define XGRAD_FRONTEND_FRONTEND_H

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <source_location>
#include <string>
#include <type_traits>
#include <vector>

namespace xgrad {

struct ExprNode;
struct FunNode;
class Fun;

/// Where the user wrote a front-end call; printed as `loc("file":line:column)`.
struct SourceLocation {
  SourceLocation() = default;
  SourceLocation(const std::source_location &where)
      : file(where.file_name()), line(where.line()), column(where.column()) {}
  SourceLocation(std::string file, unsigned line, unsigned column)
      : file(std::move(file)), line(line), column(column) {}
  std::string file;
  unsigned line = 0, column = 0;
};

/// Front ends in other languages (Python) attribute nodes to their user's line: while a
/// provider is set and returns a location, it replaces the C++ call site.
void setLocationProvider(std::function<std::optional<SourceLocation>()> provider);

/// An Index value: an iterator, a literal, index arithmetic or a shape query.
class Index {
public:
  /// Index literals are integers; there are no implicit conversions from Scalars.
  template <typename T, std::enable_if_t<std::is_integral_v<T>, int> = 0>
  Index(T literal) : Index(fromLiteral(int64_t(literal))) {}
  explicit Index(std::shared_ptr<ExprNode> node) : node(std::move(node)) {}
  std::shared_ptr<ExprNode> node;

private:
  static Index fromLiteral(int64_t literal);
};

/// A loop iterator; each one is distinct. Its name (optional) is what diagnostics call it:
/// `Iter y("y")` is "iterator `y`".
class Iter : public Index {
public:
  explicit Iter(const std::string &name = "",
                std::source_location where = std::source_location::current());
};

/// A Scalar value (the model's float type).
class Scalar {
public:
  /// Scalar literals are floating-point (`2.0`, not `2`), as in Exprgrad.
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Scalar(T literal) : Scalar(fromLiteral(double(literal))) {}
  explicit Scalar(std::shared_ptr<ExprNode> node) : node(std::move(node)) {}
  std::shared_ptr<ExprNode> node;

private:
  static Scalar fromLiteral(double literal);
};

/// A Boolean value, for select.
class Boolean {
public:
  explicit Boolean(std::shared_ptr<ExprNode> node) : node(std::move(node)) {}
  std::shared_ptr<ExprNode> node;
};

Index operator+(Index a, Index b);
Index operator-(Index a, Index b);
Index operator*(Index a, Index b);
/// Exprgrad's `div` and `mod` (truncating, as Nim's).
Index div(Index a, Index b);
Index mod(Index a, Index b);
/// `(a mod b + b) mod b`, always in [0, b).
Index wrap(Index a, Index b);
/// The smaller and the larger of two indices (shape inference bounds them: a read at
/// `min(i, n - 1)` stays below `n`).
Index min(Index a, Index b);
Index max(Index a, Index b);

Scalar operator+(Scalar a, Scalar b);
Scalar operator-(Scalar a, Scalar b);
Scalar operator*(Scalar a, Scalar b);
Scalar operator/(Scalar a, Scalar b);
Scalar operator-(Scalar a);

Boolean operator==(Scalar a, Scalar b);
Boolean operator!=(Scalar a, Scalar b);
Boolean operator<(Scalar a, Scalar b);
Boolean operator>(Scalar a, Scalar b);
Boolean operator<=(Scalar a, Scalar b);
Boolean operator>=(Scalar a, Scalar b);
Boolean operator==(Index a, Index b);
Boolean operator!=(Index a, Index b);
Boolean operator<(Index a, Index b);
Boolean operator>(Index a, Index b);
Boolean operator<=(Index a, Index b);
Boolean operator>=(Index a, Index b);
Boolean operator&&(Boolean a, Boolean b);
Boolean operator||(Boolean a, Boolean b);
Boolean operator!(Boolean a);

Scalar sq(Scalar x);
Scalar min(Scalar a, Scalar b);
Scalar max(Scalar a, Scalar b);
Scalar select(Boolean condition, Scalar a, Scalar b);
Index select(Boolean condition, Index a, Index b);

/// Exprgrad's `Array[T]`: a literal list of Scalars (or of Indexes) written in a kernel and
/// read at an Index: `array({0.25, 0.5, 1.0})[k]`, `array({a[i], b[i]})[k]`; `len()` is its
/// length. A read outside it fails the run (at a constant index, the compile). Its gradient
/// goes to the element a read selected.
template <typename T> class Array {
public:
  explicit Array(std::shared_ptr<ExprNode> node) : node(std::move(node)) {}
  T operator[](Index index) const;
  Index len() const;
  std::shared_ptr<ExprNode> node;
};
Array<Scalar> array(std::vector<Scalar> elements);
Array<Index> array(std::vector<Index> elements);
Scalar sin(Scalar x);
Scalar cos(Scalar x);
Scalar exp(Scalar x);
Scalar pow(Scalar a, Scalar b);
Scalar sqrt(Scalar x);
Scalar ln(Scalar x);
Scalar log2(Scalar x);
Scalar log10(Scalar x);
Scalar tanh(Scalar x);
Scalar toScalar(Index i);
Scalar toScalar(Boolean b);
Index toIndex(Scalar x);
/// The model's epoch counter (`Model::epoch`).
Index epoch();
/// The training steps taken before this one (`Model::step`).
Index step();

/// `fun[indices]` or `fun(flatIndex)`: a read where a Scalar is expected, a write with `+=`
/// (Exprgrad's `++=`).
class Access {
public:
  Access(Fun &fun, std::vector<Index> indices, bool flat,
         SourceLocation where = std::source_location::current());
  operator Scalar() const;
  /// Adds `value` at this index over all iterators in the statement: one kernel.
  void operator+=(Scalar value);
  /// Keeps the largest `value` at this index instead of the sum (from -inf): a maximum
  /// reduction, which Exprgrad lacks. `rowMax[y].max(x[y, i]);`
  void max(Scalar value);

private:
  void write(Scalar value, bool maximum);
  Fun &fun;
  std::vector<Index> indices;
  bool flat;
  SourceLocation where;
};

/// The first index of `fun[i, j]`: converting to it records where the access is written
/// (an operator cannot take a defaulted `std::source_location` after a parameter pack).
struct FirstIndex {
  template <typename T, std::enable_if_t<std::is_convertible_v<T, Index>, int> = 0>
  FirstIndex(T index, std::source_location where = std::source_location::current())
      : index(Index(index)), where(where) {}
  Index index;
  std::source_location where;
};

/// What a custom gradient writes: `grads.of(inp)(x) += inp(x) * grad(result)(x)`.
class GradientSink {
public:
  /// The gradient of the kernel's result.
  Fun &result();
  /// The gradient of `value`, written by the custom gradient.
  Fun &of(const Fun &value);
  std::shared_ptr<FunNode> resultGradient;
  /// Stands for the kernel's own result wherever the gradient reads it: the kernel owns its
  /// sink, so a pointer back to the kernel would be a cycle that is never freed.
  std::shared_ptr<FunNode> forwardResult;
  std::vector<std::pair<std::shared_ptr<FunNode>, std::shared_ptr<Fun>>> gradients;
  std::shared_ptr<Fun> resultFun;
};

/// Optimizer state that persists between steps, zero at first (Adam's moments).
class OptimizerState {
public:
  Fun &operator[](const std::string &name);
  struct Tensor {
    std::string name;
    /// The region argument the state starts as; `value` is what the optimizer made of it.
    std::shared_ptr<FunNode> initial;
    std::shared_ptr<Fun> value;
  };
  std::vector<Tensor> tensors;
};

/// `proc optim(param: var Fun, grad: Fun)`, with optional state.
using Optimizer = std::function<void(Fun &param, Fun grad, OptimizerState &state)>;

/// A tensor of the graph: an input, a parameter, a kernel's result, a target.
class Fun {
public:
  /// An undeclared tensor: the first `+=` on it declares it (Exprgrad's `*`).
  Fun();
  explicit Fun(std::shared_ptr<FunNode> node) : node(std::move(node)) {}

#if __cplusplus > 202002L
  template <typename... I> Access operator[](FirstIndex first, I... rest) {
    return Access(*this, std::vector<Index>{first.index, Index(rest)...}, false, first.where);
  }
#endif
  Access at(std::vector<Index> indices,
            std::source_location where = std::source_location::current()) {
    return Access(*this, std::move(indices), false, where);
  }
  /// Exprgrad's `fun{i}`: the row-major data directly.
  Access operator()(Index flat, std::source_location where = std::source_location::current()) {
    return Access(*this, {std::move(flat)}, true, where);
  }

  /// `fun.shape[d]`, `fun.len`, `fun.shape.len`.
  Index shape(int64_t dim) const;
  Index len() const;
  Index rank() const;

  /// Exprgrad's `withShape` and `copyShape` for the last kernel written.
  Fun &withShape(std::vector<Index> shape);
  Fun &copyShape(const Fun &other);
  /// The name kernels are given (what schedules match on).
  Fun &named(const std::string &name);
  /// The last kernel written runs only when `lhs == rhs` (graph-level indices: extents,
  /// lengths and arithmetic on them); otherwise the run fails with `message`, in which
  /// "{lhs}" and "{rhs}" stand for the two values. Shape inference checks what it can see
  /// itself; this says what a layer means (a reshape keeps every element).
  Fun &requireEqual(Index lhs, Index rhs, const std::string &message);
  /// Replaces the derived gradient of the last kernel written.
  Fun &customGrad(std::function<void(GradientSink &)> gradient);

  /// `.target(name)`: computed on request by `Model::call`.
  Fun target(const std::string &name) const;

  /// Layers and losses as methods, so that a model reads as in Exprgrad:
  /// `input("x").dense(2, 4).leakyRelu().dense(4, 1).sigmoid().target("predict")`. Each is
  /// the function of that name in xgrad/Frontend/Layers.h with this tensor first.
  Fun dense(int64_t in, int64_t out, bool bias = true) const;
  Fun relu() const;
  Fun leakyRelu(double leak = 0.01) const;
  Fun sigmoid() const;
  Fun tanh() const;
  Fun softmax() const;
  Fun crossEntropy(const Fun &labels) const;
  Fun softmaxCrossEntropy(const Fun &labels) const;
  Fun mse(const Fun &labels) const;
  Fun conv2d(const Fun &filters, int64_t stride = 1, int64_t padding = 0) const;
  Fun conv2d(int64_t channels, int64_t width, int64_t height, int64_t filters,
             int64_t stride = 1, int64_t padding = 0) const;
  Fun pad2d(int64_t padding) const;
  Fun maxPool2d() const;
  Fun upsample2() const;
  Fun reshape(std::vector<int64_t> shape) const;
  Fun flatten(int64_t features) const;
  /// `.backprop(optim)`: the loss, training every parameter it depends on.
  Fun backprop(Optimizer optimizer, std::vector<std::string> stateNames = {}) const;
  /// `loss.grad(x)`.
  Fun grad(const Fun &wrt) const;
  /// `cache(fun, name)`: stored when computed, readable with `cached`.
  Fun cache(const std::string &name) const;

  std::shared_ptr<FunNode> node;
};

/// Exprgrad's `randomize(seed)`: parameters created from now on without an explicit seed
/// get the seeds seed, seed + 1, ... in creation order.
void randomize(int64_t seed);

/// `input("x")`; -1 marks a dimension known only at run time (the batch size).
Fun input(const std::string &name, std::vector<int64_t> shape,
          std::source_location where = std::source_location::current());
/// `input("x")` as in Exprgrad: every extent dynamic, the rank taken from how kernels index
/// it (`x[y, it]`: rank 2). An input read only flat (`x{i}`) or not at all needs a shape.
Fun input(const std::string &name, std::source_location where = std::source_location::current());
/// `param([2, 4])`: trained, initialised uniformly in [low, high] from `seed`.
Fun param(std::vector<int64_t> shape, double low = -0.1, double high = 0.1,
          const std::string &name = "", int64_t seed = -1,
          std::source_location where = std::source_location::current());
/// A parameter with another initializer: "zeros", "constant" [v], "uniform" [lo, hi],
/// "normal" [mean, stddev].
Fun param(std::vector<int64_t> shape, const std::string &initializer, std::vector<double> args,
          const std::string &name = "", int64_t seed = -1,
          std::source_location where = std::source_location::current());
/// The value stored by `cache(name)`.
Fun cached(const std::string &name, std::vector<int64_t> shape,
           std::source_location where = std::source_location::current());

enum class FloatType { f32, f64 };

/// The graph of the targets (and everything they depend on) as xgrad IR.
std::string toMLIR(const std::vector<Fun> &targets, FloatType type = FloatType::f32,
                   const std::string &graphName = "model");

} // namespace xgrad

#endif // XGRAD_FRONTEND_FRONTEND_H
