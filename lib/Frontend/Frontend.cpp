//===- Frontend.cpp - expressions, kernels and graph nodes ----------------===//
#include "Nodes.h"

#include <atomic>
#include <functional>
#include <set>
#include <stdexcept>

using namespace xgrad;

namespace {
std::shared_ptr<ExprNode> makeNode(ExprNode::Kind kind, ValueKind type) {
  auto node = std::make_shared<ExprNode>();
  node->kind = kind;
  node->type = type;
  return node;
}

std::shared_ptr<ExprNode> op(const std::string &name, ValueKind type,
                             std::vector<std::shared_ptr<ExprNode>> operands,
                             const std::string &predicate = "") {
  auto node = makeNode(ExprNode::Kind::Op, type);
  node->op = name;
  node->operands = std::move(operands);
  node->predicate = predicate;
  return node;
}

Index indexOp(const std::string &name, Index a, Index b) {
  return Index(op(name, ValueKind::Index, {a.node, b.node}));
}
Scalar scalarOp(const std::string &name, std::vector<Scalar> operands) {
  std::vector<std::shared_ptr<ExprNode>> nodes;
  for (Scalar &s : operands)
    nodes.push_back(s.node);
  return Scalar(op(name, ValueKind::Scalar, nodes));
}
Boolean compare(const std::string &predicate, Scalar a, Scalar b) {
  return Boolean(op("arith.cmpf", ValueKind::Boolean, {a.node, b.node}, predicate));
}
Boolean compare(const std::string &predicate, Index a, Index b) {
  return Boolean(op("arith.cmpi", ValueKind::Boolean, {a.node, b.node}, predicate));
}

std::atomic<int64_t> &seedCounter() {
  static std::atomic<int64_t> seed{1};
  return seed;
}
int64_t nextSeed() { return seedCounter()++; }

std::function<std::optional<SourceLocation>()> &locationProvider() {
  static std::function<std::optional<SourceLocation>()> provider;
  return provider;
}
} // namespace

void xgrad::setLocationProvider(std::function<std::optional<SourceLocation>()> provider) {
  locationProvider() = std::move(provider);
}

SourceLocation xgrad::locate(const SourceLocation &where) {
  if (locationProvider())
    if (std::optional<SourceLocation> location = locationProvider()())
      return *location;
  return where;
}

Index Index::fromLiteral(int64_t literal) {
  auto node = makeNode(ExprNode::Kind::IndexLiteral, ValueKind::Index);
  node->integer = literal;
  return Index(node);
}
Iter::Iter(const std::string &name, std::source_location where)
    : Index(makeNode(ExprNode::Kind::Iterator, ValueKind::Index)) {
  node->name = name;
  node->location = locate(where);
}
Scalar Scalar::fromLiteral(double literal) {
  auto node = makeNode(ExprNode::Kind::ScalarLiteral, ValueKind::Scalar);
  node->real = literal;
  return Scalar(node);
}

Index xgrad::operator+(Index a, Index b) { return indexOp("arith.addi", a, b); }
Index xgrad::operator-(Index a, Index b) { return indexOp("arith.subi", a, b); }
Index xgrad::operator*(Index a, Index b) { return indexOp("arith.muli", a, b); }
Index xgrad::div(Index a, Index b) { return indexOp("arith.divsi", a, b); }
Index xgrad::mod(Index a, Index b) { return indexOp("arith.remsi", a, b); }
Index xgrad::wrap(Index a, Index b) { return indexOp("xgrad.wrap", a, b); }
Index xgrad::min(Index a, Index b) { return indexOp("arith.minsi", a, b); }
Index xgrad::max(Index a, Index b) { return indexOp("arith.maxsi", a, b); }

Scalar xgrad::operator+(Scalar a, Scalar b) { return scalarOp("arith.addf", {a, b}); }
Scalar xgrad::operator-(Scalar a, Scalar b) { return scalarOp("arith.subf", {a, b}); }
Scalar xgrad::operator*(Scalar a, Scalar b) { return scalarOp("arith.mulf", {a, b}); }
Scalar xgrad::operator/(Scalar a, Scalar b) { return scalarOp("arith.divf", {a, b}); }
Scalar xgrad::operator-(Scalar a) { return scalarOp("arith.negf", {a}); }

Boolean xgrad::operator==(Scalar a, Scalar b) { return compare("oeq", a, b); }
Boolean xgrad::operator!=(Scalar a, Scalar b) { return compare("une", a, b); }
Boolean xgrad::operator<(Scalar a, Scalar b) { return compare("olt", a, b); }
Boolean xgrad::operator>(Scalar a, Scalar b) { return compare("ogt", a, b); }
Boolean xgrad::operator<=(Scalar a, Scalar b) { return compare("ole", a, b); }
Boolean xgrad::operator>=(Scalar a, Scalar b) { return compare("oge", a, b); }
Boolean xgrad::operator==(Index a, Index b) { return compare("eq", a, b); }
Boolean xgrad::operator!=(Index a, Index b) { return compare("ne", a, b); }
Boolean xgrad::operator<(Index a, Index b) { return compare("slt", a, b); }
Boolean xgrad::operator>(Index a, Index b) { return compare("sgt", a, b); }
Boolean xgrad::operator<=(Index a, Index b) { return compare("sle", a, b); }
Boolean xgrad::operator>=(Index a, Index b) { return compare("sge", a, b); }
Boolean xgrad::operator&&(Boolean a, Boolean b) {
  return Boolean(op("arith.andi", ValueKind::Boolean, {a.node, b.node}));
}
Boolean xgrad::operator||(Boolean a, Boolean b) {
  return Boolean(op("arith.ori", ValueKind::Boolean, {a.node, b.node}));
}
Boolean xgrad::operator!(Boolean a) {
  return Boolean(op("not", ValueKind::Boolean, {a.node}));
}

Scalar xgrad::sq(Scalar x) { return x * x; }
Scalar xgrad::min(Scalar a, Scalar b) { return scalarOp("arith.minimumf", {a, b}); }
Scalar xgrad::max(Scalar a, Scalar b) { return scalarOp("arith.maximumf", {a, b}); }
Scalar xgrad::select(Boolean c, Scalar a, Scalar b) {
  return Scalar(op("arith.select", ValueKind::Scalar, {c.node, a.node, b.node}));
}
Index xgrad::select(Boolean c, Index a, Index b) {
  return Index(op("arith.select", ValueKind::Index, {c.node, a.node, b.node}));
}
Scalar xgrad::sin(Scalar x) { return scalarOp("math.sin", {x}); }
Scalar xgrad::cos(Scalar x) { return scalarOp("math.cos", {x}); }
Scalar xgrad::exp(Scalar x) { return scalarOp("math.exp", {x}); }
Scalar xgrad::pow(Scalar a, Scalar b) { return scalarOp("math.powf", {a, b}); }
Scalar xgrad::sqrt(Scalar x) { return scalarOp("math.sqrt", {x}); }
Scalar xgrad::ln(Scalar x) { return scalarOp("math.log", {x}); }
Scalar xgrad::log2(Scalar x) { return scalarOp("math.log2", {x}); }
Scalar xgrad::log10(Scalar x) { return scalarOp("math.log10", {x}); }
Scalar xgrad::tanh(Scalar x) { return scalarOp("math.tanh", {x}); }
Scalar xgrad::toScalar(Index i) {
  return Scalar(op("xgrad.to_scalar", ValueKind::Scalar, {i.node}));
}
Scalar xgrad::toScalar(Boolean b) {
  return Scalar(op("xgrad.to_scalar", ValueKind::Scalar, {b.node}));
}
Index xgrad::toIndex(Scalar x) { return Index(op("xgrad.to_index", ValueKind::Index, {x.node})); }
template <typename T>
static Array<T> makeArray(const std::vector<T> &elements, ValueKind kind) {
  if (elements.empty())
    throw std::invalid_argument("an array needs at least one element");
  auto node = makeNode(ExprNode::Kind::Array, kind);
  for (const T &element : elements)
    node->operands.push_back(element.node);
  return Array<T>(node);
}
Array<Scalar> xgrad::array(std::vector<Scalar> elements) {
  return makeArray(elements, ValueKind::Scalar);
}
Array<Index> xgrad::array(std::vector<Index> elements) {
  return makeArray(elements, ValueKind::Index);
}
template <typename T> T Array<T>::operator[](Index index) const {
  auto read = makeNode(ExprNode::Kind::ArrayRead, node->type);
  read->operands = {node, index.node};
  return T(read);
}
template <typename T> Index Array<T>::len() const {
  auto length = makeNode(ExprNode::Kind::ArrayLen, ValueKind::Index);
  length->operands = {node};
  return Index(length);
}
template class xgrad::Array<Scalar>;
template class xgrad::Array<Index>;

Index xgrad::epoch() { return Index(makeNode(ExprNode::Kind::Epoch, ValueKind::Index)); }
Index xgrad::step() { return Index(makeNode(ExprNode::Kind::Step, ValueKind::Index)); }

//===----------------------------------------------------------------------===//
// Accesses and kernels
//===----------------------------------------------------------------------===//

Access::Access(Fun &fun, std::vector<Index> indices, bool flat, SourceLocation where)
    : fun(fun), indices(std::move(indices)), flat(flat), where(locate(where)) {}

Access::operator Scalar() const {
  if (fun.node->kind == FunNode::Kind::Undeclared)
    throw std::logic_error("a tensor is read before anything was written to it");
  auto read = makeNode(ExprNode::Kind::Read, ValueKind::Scalar);
  read->fun = fun.node;
  read->flat = flat;
  read->location = where;
  for (const Index &index : indices)
    read->operands.push_back(index.node);
  return Scalar(read);
}

void Access::operator+=(Scalar value) { write(value, false); }
void Access::max(Scalar value) { write(value, true); }

void Access::write(Scalar value, bool maximum) {
  auto kernel = std::make_shared<FunNode>();
  kernel->maxWrite = maximum;
  kernel->kind = FunNode::Kind::Kernel;
  kernel->location = where;
  if (fun.node->kind != FunNode::Kind::Undeclared)
    kernel->init = fun.node;
  kernel->name = fun.node->kind == FunNode::Kind::Undeclared ? fun.node->name : "";
  kernel->writeIndices = indices;
  kernel->flatWrite = flat;
  kernel->value = value.node;
  fun.node = kernel;
}

Fun::Fun() : node(std::make_shared<FunNode>()) {}

static Index shapeQuery(ExprNode::Kind kind, const std::shared_ptr<FunNode> &fun, int64_t dim) {
  auto node = makeNode(kind, ValueKind::Index);
  node->fun = fun;
  node->integer = dim;
  return Index(node);
}
Index Fun::shape(int64_t dim) const { return shapeQuery(ExprNode::Kind::Dim, node, dim); }
Index Fun::len() const { return shapeQuery(ExprNode::Kind::Len, node, 0); }
Index Fun::rank() const { return shapeQuery(ExprNode::Kind::Rank, node, 0); }

static FunNode &lastKernel(Fun &fun, const char *what) {
  if (fun.node->kind != FunNode::Kind::Kernel)
    throw std::logic_error(std::string(what) + " applies to a tensor written by a kernel");
  return *fun.node;
}

Fun &Fun::withShape(std::vector<Index> shape) {
  lastKernel(*this, "withShape").explicitShape = std::move(shape);
  return *this;
}
Fun &Fun::copyShape(const Fun &other) {
  lastKernel(*this, "copyShape").like = other.node;
  return *this;
}
Fun &Fun::requireEqual(Index lhs, Index rhs, const std::string &message) {
  lastKernel(*this, "requireEqual").requirements.push_back({std::move(lhs), std::move(rhs), message});
  return *this;
}
Fun &Fun::named(const std::string &name) {
  node->name = name;
  return *this;
}
namespace {
/// Replaces every pointer to `kernel` in the nodes reachable from a custom gradient by
/// `replacement`, not descending into `kernel` itself.
class ForwardReferences {
public:
  ForwardReferences(const FunNode *kernel, std::shared_ptr<FunNode> replacement)
      : kernel(kernel), replacement(std::move(replacement)) {}

  void visit(std::shared_ptr<FunNode> &fun) {
    if (!fun)
      return;
    if (fun.get() == kernel) {
      fun = replacement;
      return;
    }
    if (!visitedFuns.insert(fun.get()).second)
      return;
    for (std::shared_ptr<FunNode> *child : {&fun->init, &fun->like, &fun->source, &fun->wrt})
      visit(*child);
    visit(fun->value);
    for (Index &index : fun->writeIndices)
      visit(index.node);
    for (Index &index : fun->explicitShape)
      visit(index.node);
    if (fun->customGradient)
      visit(*fun->customGradient);
  }
  void visit(GradientSink &sink) {
    for (auto &[wrt, gradient] : sink.gradients) {
      visit(wrt);
      visit(gradient->node);
    }
  }

private:
  void visit(std::shared_ptr<ExprNode> &expr) {
    if (!expr || !visitedExprs.insert(expr.get()).second)
      return;
    visit(expr->fun);
    for (std::shared_ptr<ExprNode> &operand : expr->operands)
      visit(operand);
  }
  const FunNode *kernel;
  std::shared_ptr<FunNode> replacement;
  std::set<const FunNode *> visitedFuns;
  std::set<const ExprNode *> visitedExprs;
};
} // namespace

Fun &Fun::customGrad(std::function<void(GradientSink &)> gradient) {
  FunNode &kernel = lastKernel(*this, "customGrad");
  auto sink = std::make_shared<GradientSink>();
  sink->resultGradient = std::make_shared<FunNode>();
  sink->resultGradient->kind = FunNode::Kind::RegionArg;
  sink->resultGradient->name = "grad_result";
  gradient(*sink);
  sink->forwardResult = std::make_shared<FunNode>();
  sink->forwardResult->kind = FunNode::Kind::RegionArg;
  sink->forwardResult->name = "result";
  ForwardReferences(&kernel, sink->forwardResult).visit(*sink);
  kernel.customGradient = sink;
  return *this;
}

Fun &GradientSink::result() {
  if (!resultFun)
    resultFun = std::make_shared<Fun>(resultGradient);
  return *resultFun;
}
Fun &GradientSink::of(const Fun &value) {
  for (auto &[wrt, gradient] : gradients)
    if (wrt == value.node)
      return *gradient;
  gradients.emplace_back(value.node, std::make_shared<Fun>());
  return *gradients.back().second;
}

Fun &OptimizerState::operator[](const std::string &name) {
  for (Tensor &tensor : tensors)
    if (tensor.name == name)
      return *tensor.value;
  auto arg = std::make_shared<FunNode>();
  arg->kind = FunNode::Kind::RegionArg;
  arg->name = name;
  tensors.push_back({name, arg, std::make_shared<Fun>(arg)});
  return *tensors.back().value;
}

//===----------------------------------------------------------------------===//
// Graph nodes
//===----------------------------------------------------------------------===//

static Fun graphNode(FunNode::Kind kind, std::shared_ptr<FunNode> source, const std::string &name) {
  auto node = std::make_shared<FunNode>();
  node->kind = kind;
  // Only another language's front end knows where these are written: their C++ signatures
  // are bound by pointer in Python.
  node->location = locate(source ? source->location : SourceLocation());
  node->source = std::move(source);
  node->name = name;
  return Fun(node);
}

Fun Fun::target(const std::string &name) const { return graphNode(FunNode::Kind::Target, node, name); }
Fun Fun::backprop(Optimizer optimizer, std::vector<std::string> stateNames) const {
  Fun result = graphNode(FunNode::Kind::Backprop, node, "");
  result.node->optimizer = std::move(optimizer);
  result.node->stateNames = std::move(stateNames);
  return result;
}
Fun Fun::grad(const Fun &wrt) const {
  Fun result = graphNode(FunNode::Kind::Gradient, node, "");
  result.node->wrt = wrt.node;
  return result;
}
Fun Fun::cache(const std::string &name) const { return graphNode(FunNode::Kind::Cache, node, name); }

void xgrad::randomize(int64_t seed) { seedCounter() = seed; }

Fun xgrad::input(const std::string &name, std::vector<int64_t> shape,
                 std::source_location where) {
  auto node = std::make_shared<FunNode>();
  node->kind = FunNode::Kind::Input;
  node->location = locate(where);
  node->name = name;
  node->shape = std::move(shape);
  return Fun(node);
}

Fun xgrad::input(const std::string &name, std::source_location where) {
  Fun fun = input(name, std::vector<int64_t>{}, where);
  fun.node->rankFromUse = true;
  return fun;
}

std::optional<size_t> xgrad::knownRank(const FunNode &node) {
  switch (node.kind) {
  case FunNode::Kind::Input:
  case FunNode::Kind::Param:
  case FunNode::Kind::Cached:
    return node.rankFromUse ? std::nullopt : std::optional<size_t>(node.shape.size());
  case FunNode::Kind::Target:
  case FunNode::Kind::Cache:
    return node.source ? knownRank(*node.source) : std::nullopt;
  case FunNode::Kind::Kernel: {
    if (!node.explicitShape.empty())
      return node.explicitShape.size();
    if (node.like)
      return knownRank(*node.like);
    if (node.init)
      return knownRank(*node.init);
    if (!node.flatWrite)
      return node.writeIndices.size();
    // A flat write copies the shape of a flat read at its iterator (`r{it} ++= f(a{it})`).
    std::function<std::optional<size_t>(const std::shared_ptr<ExprNode> &)> find =
        [&](const std::shared_ptr<ExprNode> &expr) -> std::optional<size_t> {
      if (!expr)
        return std::nullopt;
      if (expr->kind == ExprNode::Kind::Read && expr->flat && expr->fun &&
          expr->operands.size() == 1 && node.writeIndices.size() == 1 &&
          expr->operands[0] == node.writeIndices[0].node)
        return knownRank(*expr->fun);
      for (auto &operand : expr->operands)
        if (std::optional<size_t> rank = find(operand))
          return rank;
      return std::nullopt;
    };
    return find(node.value);
  }
  default:
    return std::nullopt;
  }
}

Fun xgrad::param(std::vector<int64_t> shape, const std::string &initializer,
                 std::vector<double> args, const std::string &name, int64_t seed,
                 std::source_location where) {
  auto node = std::make_shared<FunNode>();
  node->kind = FunNode::Kind::Param;
  node->location = locate(where);
  node->shape = std::move(shape);
  node->initializer = initializer;
  node->initArgs = std::move(args);
  node->seed = seed >= 0 ? seed : nextSeed();
  node->name = name;
  return Fun(node);
}

Fun xgrad::param(std::vector<int64_t> shape, double low, double high, const std::string &name,
                 int64_t seed, std::source_location where) {
  return param(std::move(shape), "uniform", {low, high}, name, seed, where);
}

Fun xgrad::cached(const std::string &name, std::vector<int64_t> shape,
                  std::source_location where) {
  auto node = std::make_shared<FunNode>();
  node->kind = FunNode::Kind::Cached;
  node->location = locate(where);
  node->name = name;
  node->shape = std::move(shape);
  return Fun(node);
}
