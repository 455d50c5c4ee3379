//===- Printer.cpp - the front end's graph as xgrad IR --------------------===//
#include "Nodes.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

using namespace xgrad;

namespace {

/// A string literal as MLIR's lexer reads it back: quotes, backslashes, control characters
/// and non-ASCII bytes escaped (`\22`, `\5C`, `\C3\A9`), as MLIR's own printer does.
std::string quoted(llvm::StringRef text) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << '"';
  llvm::printEscapedString(text, os);
  os << '"';
  return result;
}

/// `@name`, or `@"..."` when the name is not a bare identifier.
std::string symbol(llvm::StringRef name) {
  bool bare = !name.empty() && (llvm::isAlpha(name[0]) || name[0] == '_');
  for (char c : name)
    bare &= llvm::isAlnum(c) || c == '_' || c == '$' || c == '.';
  return "@" + (bare ? name.str() : quoted(name));
}

/// The location aliases of the printed graph (`#loc3 = loc("model.py":12:5)`), each
/// location printed once at the end of the text and referred to as ` loc(#loc3)`.
class Locations {
public:
  /// ` loc(#locN)` for an op written at `where`; nothing when the place is unknown (the
  /// parser then uses the position in the generated text).
  std::string of(const SourceLocation &where, const std::string &name = "") {
    if (where.file.empty() && name.empty())
      return "";
    std::string text;
    if (!where.file.empty())
      text = quoted(where.file) + ":" + std::to_string(where.line) + ":" +
             std::to_string(where.column);
    // A NameLoc: the iterator's name, what diagnostics call it.
    if (!name.empty())
      text = quoted(name) + (text.empty() ? "" : "(" + text + ")");
    auto [found, inserted] = aliases.try_emplace(text, aliases.size());
    if (inserted)
      order.push_back(text);
    return " loc(#loc" + std::to_string(found->second) + ")";
  }
  void print(std::ostream &os) const {
    for (size_t i = 0; i < order.size(); ++i)
      os << "#loc" << i << " = loc(" << order[i] << ")\n";
  }

private:
  std::map<std::string, size_t> aliases;
  std::vector<std::string> order;
};

class Printer {
public:
  explicit Printer(FloatType type) : element(type == FloatType::f32 ? "f32" : "f64") {}

  std::string print(const std::vector<Fun> &targets, const std::string &graphName);

private:
  std::string fresh(const std::string &hint = "v") {
    std::string clean;
    for (char c : hint)
      clean += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
    if (clean.empty() || std::isdigit(static_cast<unsigned char>(clean[0])))
      clean = "v" + clean;
    return "%" + clean + "_" + std::to_string(counter++);
  }
  /// `base`, or `base.1`, `base.2`, ... if a kernel took it: the names --xgrad-infer-shapes
  /// would give, known here so that a check can name its kernel.
  std::string uniqueKernelName(const std::string &base) {
    std::string name = base;
    for (unsigned suffix = 1; !kernelNames.insert(name).second; ++suffix)
      name = base + "." + std::to_string(suffix);
    return name;
  }
  std::set<std::string> kernelNames;
  /// The ranks of `input("x")`s without a shape, from how kernels index them.
  std::map<const FunNode *, size_t> inferredRanks;
  void inferInputRanks(const std::vector<Fun> &targets);
  /// Layers' parameters: each layer instance's number among its kind's, in print order.
  std::map<const void *, int64_t> layerNumbers;
  std::map<std::string, int64_t> layerCounts;
  std::string tensorType(const FunNode &node) const;
  std::string scalarType(ValueKind kind) const {
    return kind == ValueKind::Index ? "index" : kind == ValueKind::Boolean ? "i1" : element;
  }
  std::string literal(double value) const;

  /// Emits `node` (after what it depends on) and returns its SSA name.
  std::string emit(const std::shared_ptr<FunNode> &node, const std::string &indent);
  /// An index expression at graph level (withShape): no iterators allowed.
  std::string emitGraphIndex(const std::shared_ptr<ExprNode> &expr, const std::string &indent,
                             const SourceLocation &statement);
  void emitKernel(FunNode &kernel, const std::string &name, const std::string &indent);
  void emitBackprop(FunNode &backprop, const std::string &name, const std::string &indent);
  /// Funs read by an expression tree, which must be emitted before the kernel.
  void collectReads(const std::shared_ptr<ExprNode> &expr, std::vector<std::shared_ptr<FunNode>> &out,
                    std::set<ExprNode *> &seen);

  std::string element;
  std::ostringstream os;
  int counter = 0;
  std::map<const FunNode *, std::string> names;
  Locations locations;
};

/// Emits one kernel body: iterators are block arguments, shared nodes become one SSA value.
class BodyPrinter {
public:
  BodyPrinter(std::ostringstream &os, std::map<const FunNode *, std::string> &funs,
              std::function<std::string(const FunNode &)> tensorType,
              std::function<std::string(ValueKind)> scalarType,
              std::function<std::string(double)> literal, std::function<std::string()> fresh,
              std::string indent, Locations &locations, SourceLocation statement)
      : os(os), funs(funs), tensorType(std::move(tensorType)),
        scalarType(std::move(scalarType)), literal(std::move(literal)),
        fresh(std::move(fresh)), indent(std::move(indent)), locations(locations),
        statement(std::move(statement)) {}

  std::map<const ExprNode *, std::string> values;

  std::string emit(const std::shared_ptr<ExprNode> &expr) {
    auto found = values.find(expr.get());
    if (found != values.end())
      return found->second;
    std::string name;
    // A read is where its subscript was written; the rest of an expression is its statement.
    std::string loc = locations.of(expr->location.file.empty() ? statement : expr->location);
    auto line = [&](const std::string &text) {
      name = fresh();
      os << indent << name << " = " << text << loc << "\n";
    };
    switch (expr->kind) {
    case ExprNode::Kind::IndexLiteral:
      line("arith.constant " + std::to_string(expr->integer) + " : index");
      break;
    case ExprNode::Kind::ScalarLiteral:
      line("arith.constant " + literal(expr->real) + " : " + scalarType(ValueKind::Scalar));
      break;
    case ExprNode::Kind::Iterator:
      throw std::logic_error("an iterator is used outside the kernel that loops over it");
    case ExprNode::Kind::Epoch:
      line("xgrad.epoch");
      break;
    case ExprNode::Kind::Step:
      line("xgrad.step");
      break;
    case ExprNode::Kind::Dim:
    case ExprNode::Kind::Len:
    case ExprNode::Kind::Rank: {
      const FunNode &fun = *expr->fun;
      std::string tensor = funName(fun);
      if (expr->kind == ExprNode::Kind::Dim)
        line("xgrad.dim " + tensor + "[" + std::to_string(expr->integer) + "] : " +
             tensorType(fun));
      else
        line(std::string(expr->kind == ExprNode::Kind::Len ? "xgrad.len " : "xgrad.rank ") +
             tensor + " : " + tensorType(fun));
      break;
    }
    case ExprNode::Kind::Read: {
      std::string indices;
      for (auto &operand : expr->operands)
        indices += (indices.empty() ? "" : ", ") + emit(operand);
      line(std::string("xgrad.read ") + (expr->flat ? "flat " : "") + funName(*expr->fun) +
           "[" + indices + "] : " + tensorType(*expr->fun));
      break;
    }
    case ExprNode::Kind::Array: {
      std::string elements, types;
      for (auto &operand : expr->operands) {
        elements += (elements.empty() ? "" : ", ") + emit(operand);
        types += (types.empty() ? "" : ", ") + scalarType(expr->type);
      }
      line("xgrad.array [" + elements + "] : " + types + " -> " + arrayType(*expr));
      break;
    }
    case ExprNode::Kind::ArrayRead: {
      std::string array = emit(expr->operands[0]), at = emit(expr->operands[1]);
      line("xgrad.array_read " + array + "[" + at + "] : " + arrayType(*expr->operands[0]));
      break;
    }
    case ExprNode::Kind::ArrayLen:
      line("xgrad.array_len " + emit(expr->operands[0]) + " : " +
           arrayType(*expr->operands[0]));
      break;
    case ExprNode::Kind::Op: {
      std::vector<std::string> operands;
      for (auto &operand : expr->operands)
        operands.push_back(emit(operand));
      if (expr->op == "not") {
        std::string one = fresh();
        os << indent << one << " = arith.constant true" << loc << "\n";
        line("arith.xori " + operands[0] + ", " + one + " : i1");
      } else if (expr->op == "arith.cmpf" || expr->op == "arith.cmpi") {
        line(expr->op + " " + expr->predicate + ", " + operands[0] + ", " + operands[1] +
             " : " + scalarType(expr->operands[0]->type));
      } else if (expr->op == "arith.select") {
        line("arith.select " + operands[0] + ", " + operands[1] + ", " + operands[2] + " : " +
             scalarType(expr->type));
      } else if (expr->op == "xgrad.to_scalar") {
        line("xgrad.to_scalar " + operands[0] + " : " + scalarType(expr->operands[0]->type) +
             " to " + scalarType(ValueKind::Scalar));
      } else if (expr->op == "xgrad.to_index") {
        line("xgrad.to_index " + operands[0] + " : " + scalarType(ValueKind::Scalar));
      } else if (expr->op == "xgrad.wrap") {
        line("xgrad.wrap " + operands[0] + ", " + operands[1]);
      } else {
        std::string joined;
        for (auto &operand : operands)
          joined += (joined.empty() ? "" : ", ") + operand;
        line(expr->op + " " + joined + " : " + scalarType(expr->type));
      }
      break;
    }
    }
    values[expr.get()] = name;
    return name;
  }

private:
  std::string arrayType(const ExprNode &array) {
    return "!xgrad.array<" + std::to_string(array.operands.size()) + ", " +
           scalarType(array.type) + ">";
  }
  std::string funName(const FunNode &fun) {
    auto found = funs.find(&fun);
    if (found == funs.end())
      throw std::logic_error("a kernel reads a tensor that is not part of the graph");
    return found->second;
  }
  std::ostringstream &os;
  std::map<const FunNode *, std::string> &funs;
  std::function<std::string(const FunNode &)> tensorType;
  std::function<std::string(ValueKind)> scalarType;
  std::function<std::string(double)> literal;
  std::function<std::string()> fresh;
  std::string indent;
  Locations &locations;
  SourceLocation statement;
};

std::string Printer::tensorType(const FunNode &node) const {
  switch (node.kind) {
  case FunNode::Kind::Input:
  case FunNode::Kind::Param:
  case FunNode::Kind::Cached: {
    std::string type = "tensor<";
    if (node.rankFromUse) {
      for (size_t d = 0, rank = inferredRanks.at(&node); d < rank; ++d)
        type += "?x";
      return type + element + ">";
    }
    for (int64_t size : node.shape)
      type += (size < 0 ? std::string("?") : std::to_string(size)) + "x";
    return type + element + ">";
  }
  case FunNode::Kind::Gradient:
    return tensorType(*node.wrt);
  case FunNode::Kind::Target:
  case FunNode::Kind::Backprop:
  case FunNode::Kind::Cache:
    return node.source ? tensorType(*node.source) : "tensor<*x" + element + ">";
  default:
    return "tensor<*x" + element + ">";
  }
}

std::string Printer::literal(double value) const {
  if (std::isnan(value) || std::isinf(value)) {
    char text[32];
    if (element == "f32") {
      float narrow = float(value);
      uint32_t bits;
      std::memcpy(&bits, &narrow, 4);
      std::snprintf(text, sizeof text, "0x%08X", bits);
    } else {
      uint64_t bits;
      std::memcpy(&bits, &value, 8);
      std::snprintf(text, sizeof text, "0x%016llX", (unsigned long long)bits);
    }
    return text;
  }
  // The shortest text that reads back as the same double, in MLIR's float syntax (which
  // needs a '.' before any exponent).
  char text[64];
  for (int precision : {6, 9, 12, 15, 17}) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value)
      break;
  }
  std::string result = text;
  if (result.find('.') == std::string::npos) {
    size_t exponent = result.find('e');
    result.insert(exponent == std::string::npos ? result.size() : exponent, ".0");
  }
  return result;
}

void Printer::collectReads(const std::shared_ptr<ExprNode> &expr,
                           std::vector<std::shared_ptr<FunNode>> &out,
                           std::set<ExprNode *> &seen) {
  if (!expr || !seen.insert(expr.get()).second)
    return;
  if (expr->fun)
    out.push_back(expr->fun);
  for (auto &operand : expr->operands)
    collectReads(operand, out, seen);
}

std::string Printer::emitGraphIndex(const std::shared_ptr<ExprNode> &expr,
                                    const std::string &indent, const SourceLocation &statement) {
  std::vector<std::shared_ptr<FunNode>> reads;
  std::set<ExprNode *> seen;
  collectReads(expr, reads, seen);
  for (auto &fun : reads)
    emit(fun, indent);
  BodyPrinter body(
      os, names, [this](const FunNode &f) { return tensorType(f); },
      [this](ValueKind k) { return scalarType(k); }, [this](double v) { return literal(v); },
      [this] { return fresh(); }, indent, locations, statement);
  return body.emit(expr);
}

std::string Printer::emit(const std::shared_ptr<FunNode> &node, const std::string &indent) {
  auto found = names.find(node.get());
  if (found != names.end())
    return found->second;
  FunNode &fun = *node;
  std::string name;
  switch (fun.kind) {
  case FunNode::Kind::Undeclared:
    throw std::logic_error("a tensor is used before anything was written to it");
  case FunNode::Kind::RegionArg:
    throw std::logic_error("optimizer or gradient state is used outside its optimizer");
  case FunNode::Kind::Input:
    name = fresh(fun.name);
    os << indent << name << " = xgrad.input " << quoted(fun.name) << " : " << tensorType(fun)
       << locations.of(fun.location) << "\n";
    break;
  case FunNode::Kind::Param: {
    // A layer's parameters are numbered per graph (not stored on the node: another graph
    // may hold other layers of the kind first).
    std::string stateName = fun.name;
    if (stateName.empty() && !fun.layerKind.empty()) {
      auto [at, added] = layerNumbers.try_emplace(fun.layerInstance, 0);
      if (added)
        at->second = layerCounts[fun.layerKind]++;
      stateName = fun.layerKind + std::to_string(at->second) + "." + fun.layerRole;
    }
    if (stateName.empty())
      stateName = fun.name = "param" + std::to_string(fun.seed);
    name = fresh(stateName);
    std::string args;
    for (double arg : fun.initArgs)
      args += (args.empty() ? "" : ", ") + literal(arg);
    os << indent << name << " = xgrad.param " << quoted(stateName) << " " << fun.initializer
       << " [" << args << "] seed " << fun.seed << " : " << tensorType(fun)
       << locations.of(fun.location) << "\n";
    break;
  }
  case FunNode::Kind::Cached:
    name = fresh(fun.name);
    os << indent << name << " = xgrad.cached " << quoted(fun.name) << " : " << tensorType(fun)
       << locations.of(fun.location) << "\n";
    break;
  case FunNode::Kind::Kernel:
    name = fresh(fun.name.empty() ? "kernel" : fun.name);
    emitKernel(fun, name, indent);
    break;
  case FunNode::Kind::Target:
  case FunNode::Kind::Cache: {
    // Both name a value without making a new one.
    std::string value = emit(fun.source, indent);
    os << indent << (fun.kind == FunNode::Kind::Target ? "xgrad.target " : "xgrad.cache ")
       << quoted(fun.name) << " " << value << " : " << tensorType(*fun.source)
       << locations.of(fun.location) << "\n";
    name = value;
    break;
  }
  case FunNode::Kind::Gradient: {
    std::string loss = emit(fun.source, indent), wrt = emit(fun.wrt, indent);
    name = fresh("grad");
    os << indent << name << " = xgrad.gradient " << loss << " wrt " << wrt << " : "
       << tensorType(*fun.source) << ", " << tensorType(*fun.wrt) << locations.of(fun.location)
       << "\n";
    break;
  }
  case FunNode::Kind::Backprop:
    name = fresh("train");
    emitBackprop(fun, name, indent);
    break;
  }
  names[node.get()] = name;
  return name;
}

void Printer::emitKernel(FunNode &kernel, const std::string &name, const std::string &indent) {
  // Everything the kernel reads comes first.
  std::vector<std::shared_ptr<FunNode>> reads;
  std::set<ExprNode *> seen;
  collectReads(kernel.value, reads, seen);
  for (Index &index : kernel.writeIndices)
    collectReads(index.node, reads, seen);
  for (auto &fun : reads)
    if (fun->kind != FunNode::Kind::RegionArg || names.count(fun.get()))
      emit(fun, indent);
  std::string init = kernel.init ? emit(kernel.init, indent) : "";
  std::string like = kernel.like ? emit(kernel.like, indent) : "";
  std::vector<std::string> shape;
  for (Index &size : kernel.explicitShape)
    shape.push_back(emitGraphIndex(size.node, indent, kernel.location));

  // Iterators in order of first appearance, written indices first.
  std::vector<const ExprNode *> iterators;
  std::set<const ExprNode *> visited;
  std::function<void(const std::shared_ptr<ExprNode> &)> find =
      [&](const std::shared_ptr<ExprNode> &expr) {
        if (!expr || !visited.insert(expr.get()).second)
          return;
        if (expr->kind == ExprNode::Kind::Iterator)
          iterators.push_back(expr.get());
        for (auto &operand : expr->operands)
          find(operand);
      };
  for (Index &index : kernel.writeIndices)
    find(index.node);
  find(kernel.value);
  if (iterators.empty())
    throw std::logic_error("a kernel without iterators: write at least one Iter");

  std::string kernelName = kernel.name.empty() && !kernel.requirements.empty() ? "kernel"
                                                                              : kernel.name;
  if (!kernelName.empty())
    kernelName = uniqueKernelName(kernelName);
  for (FunNode::Requirement &requirement : kernel.requirements) {
    std::string lhs = emitGraphIndex(requirement.lhs.node, indent, kernel.location);
    std::string rhs = emitGraphIndex(requirement.rhs.node, indent, kernel.location);
    os << indent << "xgrad.check eq " << lhs << ", " << rhs << ", " << quoted(requirement.message)
       << " for " << quoted(kernelName) << locations.of(kernel.location) << "\n";
  }
  os << indent << name << " = xgrad.kernel";
  if (!kernelName.empty())
    os << " " << quoted(kernelName);
  if (kernel.init)
    os << " init(" << init << " : " << tensorType(*kernel.init) << ")";
  if (!shape.empty()) {
    os << " shape(";
    for (size_t i = 0; i < shape.size(); ++i)
      os << (i ? ", " : "") << shape[i];
    os << ")";
  }
  if (kernel.like)
    os << " like(" << like << " : " << tensorType(*kernel.like) << ")";
  os << " -> tensor<*x" << element << "> {\n" << indent << "^bb0(";
  std::string inner = indent + "  ";
  BodyPrinter body(
      os, names, [this](const FunNode &f) { return tensorType(f); },
      [this](ValueKind k) { return scalarType(k); }, [this](double v) { return literal(v); },
      [this] { return fresh(); }, inner, locations, kernel.location);
  for (size_t i = 0; i < iterators.size(); ++i) {
    const ExprNode &node = *iterators[i];
    std::string iterator = fresh(node.name.empty() ? "i" : node.name);
    body.values[iterators[i]] = iterator;
    os << (i ? ", " : "") << iterator << ": index" << locations.of(node.location, node.name);
  }
  os << "):\n";
  std::string value = body.emit(kernel.value);
  std::string indices;
  for (Index &index : kernel.writeIndices)
    indices += (indices.empty() ? "" : ", ") + body.emit(index.node);
  os << inner << "xgrad.accumulate " << (kernel.maxWrite ? "max " : "") << value << " at "
     << (kernel.flatWrite ? "flat " : "")
     << "[" << indices << "] : " << element << locations.of(kernel.location) << "\n"
     << indent << "}";

  if (GradientSink *custom = kernel.customGradient.get()) {
    // Inside the region the kernel's own result is the region's first argument.
    std::string result = fresh("result"), gradient = fresh("grad_result");
    os << " grad {\n" << indent << "^bb0(" << result << ": tensor<*x" << element << ">, "
       << gradient << ": tensor<*x" << element << ">):\n";
    std::map<const FunNode *, std::string> outer = names;
    names[&kernel] = result;
    if (custom->forwardResult)
      names[custom->forwardResult.get()] = result;
    names[custom->resultGradient.get()] = gradient;
    std::vector<std::string> grads, wrts, gradTypes, wrtTypes;
    for (auto &[wrt, grad] : custom->gradients) {
      grads.push_back(emit(grad->node, inner));
      gradTypes.push_back(tensorType(*grad->node));
      wrts.push_back(outer.count(wrt.get()) ? outer[wrt.get()] : emit(wrt, inner));
      wrtTypes.push_back(tensorType(*wrt));
    }
    auto join = [](const std::vector<std::string> &parts) {
      std::string joined;
      for (auto &part : parts)
        joined += (joined.empty() ? "" : ", ") + part;
      return joined;
    };
    os << inner << "xgrad.grad_yield " << join(grads) << " for " << join(wrts) << " : "
       << join(gradTypes) << " for " << join(wrtTypes) << locations.of(kernel.location) << "\n"
       << indent << "}";
    // Kernels of the region are not graph values.
    names = outer;
  }
  os << locations.of(kernel.location) << "\n";
}

void Printer::emitBackprop(FunNode &backprop, const std::string &name,
                           const std::string &indent) {
  std::string loss = emit(backprop.source, indent);
  // The optimizer is written once, over placeholders for the parameter and its gradient.
  OptimizerState state;
  for (const std::string &stateName : backprop.stateNames)
    state[stateName];
  auto param = std::make_shared<FunNode>(), grad = std::make_shared<FunNode>();
  param->kind = grad->kind = FunNode::Kind::RegionArg;
  Fun paramFun(param), gradFun(grad);
  backprop.optimizer(paramFun, gradFun, state);

  os << indent << name << " = xgrad.backprop " << loss;
  if (!state.tensors.empty()) {
    os << " state [";
    for (size_t i = 0; i < state.tensors.size(); ++i)
      os << (i ? ", " : "") << quoted(state.tensors[i].name);
    os << "]";
  }
  std::string unranked = "tensor<*x" + element + ">";
  os << " : " << tensorType(*backprop.source) << " optimizer {\n" << indent << "^bb0(";
  std::map<const FunNode *, std::string> outer = names;
  std::vector<std::pair<const FunNode *, std::string>> args = {{param.get(), fresh("param")},
                                                               {grad.get(), fresh("grad")}};
  for (OptimizerState::Tensor &tensor : state.tensors)
    args.emplace_back(tensor.initial.get(), fresh(tensor.name));
  for (size_t i = 0; i < args.size(); ++i) {
    os << (i ? ", " : "") << args[i].second << ": " << unranked;
    names[args[i].first] = args[i].second;
  }
  os << "):\n";
  std::string inner = indent + "  ";
  std::vector<std::string> yields = {emit(paramFun.node, inner)};
  for (OptimizerState::Tensor &tensor : state.tensors)
    yields.push_back(emit(tensor.value->node, inner));
  os << inner << "xgrad.yield ";
  for (size_t i = 0; i < yields.size(); ++i)
    os << (i ? ", " : "") << yields[i];
  os << " : ";
  for (size_t i = 0; i < yields.size(); ++i)
    os << (i ? ", " : "") << unranked;
  os << locations.of(backprop.location) << "\n" << indent << "}" << locations.of(backprop.location)
     << "\n";
  names = outer;
}

void Printer::inferInputRanks(const std::vector<Fun> &targets) {
  std::map<const FunNode *, std::set<size_t>> ranks;
  std::set<const FunNode *> unshaped, seenFuns;
  std::set<const ExprNode *> seenExprs;
  std::function<void(const std::shared_ptr<FunNode> &)> visitFun;
  std::function<void(const std::shared_ptr<ExprNode> &)> visitExpr =
      [&](const std::shared_ptr<ExprNode> &expr) {
        if (!expr || !seenExprs.insert(expr.get()).second)
          return;
        if (expr->kind == ExprNode::Kind::Read && !expr->flat && expr->fun)
          ranks[expr->fun.get()].insert(expr->operands.size());
        visitFun(expr->fun);
        for (auto &operand : expr->operands)
          visitExpr(operand);
      };
  // Each kernel's flat reads (tensor, index): an unshaped input read flat at the index of a
  // tensor of known rank (`sq(pred{it} - input("y"){it})`) takes that rank.
  std::vector<std::vector<std::pair<const FunNode *, const ExprNode *>>> flatReads;
  std::function<void(const std::shared_ptr<ExprNode> &,
                     std::vector<std::pair<const FunNode *, const ExprNode *>> &)>
      collectFlat = [&](const std::shared_ptr<ExprNode> &expr, auto &out) {
        if (!expr)
          return;
        if (expr->kind == ExprNode::Kind::Read && expr->flat && expr->fun &&
            expr->operands.size() == 1)
          out.push_back({expr->fun.get(), expr->operands[0].get()});
        for (auto &operand : expr->operands)
          collectFlat(operand, out);
      };
  visitFun = [&](const std::shared_ptr<FunNode> &fun) {
    if (!fun || !seenFuns.insert(fun.get()).second)
      return;
    if (fun->kind == FunNode::Kind::Kernel)
      collectFlat(fun->value, flatReads.emplace_back());
    if (fun->kind == FunNode::Kind::Input && fun->rankFromUse)
      unshaped.insert(fun.get());
    for (auto *next : {&fun->source, &fun->wrt, &fun->init, &fun->like})
      visitFun(*next);
    visitExpr(fun->value);
    for (Index &index : fun->writeIndices)
      visitExpr(index.node);
    for (Index &size : fun->explicitShape)
      visitExpr(size.node);
    for (FunNode::Requirement &requirement : fun->requirements) {
      visitExpr(requirement.lhs.node);
      visitExpr(requirement.rhs.node);
    }
  };
  for (const Fun &target : targets)
    visitFun(target.node);
  for (const FunNode *input : unshaped) {
    std::set<size_t> &seen = ranks[input];
    if (seen.empty())
      for (auto &reads : flatReads)
        for (auto [fun, index] : reads)
          if (fun == input)
            for (auto [other, otherIndex] : reads)
              if (otherIndex == index && other != input)
                if (std::optional<size_t> rank = knownRank(*other))
                  seen.insert(*rank);
    if (seen.empty())
      throw std::logic_error("input '" + input->name + "' has no shape and no kernel indexes "
                             "it (flat reads say nothing of its rank): give its shape, e.g. "
                             "input(\"" + input->name + "\", {-1, 1})");
    if (seen.size() > 1)
      throw std::logic_error("input '" + input->name + "' has no shape and kernels index it "
                             "with " + std::to_string(*seen.begin()) + " and " +
                             std::to_string(*seen.rbegin()) + " indices");
    inferredRanks[input] = *seen.begin();
  }
}

std::string Printer::print(const std::vector<Fun> &targets, const std::string &graphName) {
  inferInputRanks(targets);
  os << "xgrad.graph " << symbol(graphName) << " {\n";
  for (const Fun &target : targets)
    emit(target.node, "  ");
  os << "}\n";
  locations.print(os);
  return os.str();
}

} // namespace

std::string xgrad::toMLIR(const std::vector<Fun> &targets, FloatType type,
                          const std::string &graphName) {
  return Printer(type).print(targets, graphName);
}
