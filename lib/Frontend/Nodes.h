//===- Nodes.h - the graph the C++ front end builds -------------*- C++ -*-===//
#ifndef XGRAD_LIB_FRONTEND_NODES_H
#define XGRAD_LIB_FRONTEND_NODES_H

#include "xgrad/Frontend/Frontend.h"

namespace xgrad {

enum class ValueKind { Index, Scalar, Boolean };

/// One scalar or index expression inside a kernel (or, for shapes, in the graph).
struct ExprNode {
  enum class Kind {
    IndexLiteral, ScalarLiteral, Iterator, Op, Read, Dim, Len, Rank, Epoch, Step,
    /// Exprgrad's arrays: the literal (operands: the elements; `type` theirs), a read
    /// (operands: the array, the index) and the length (operand: the array).
    Array, ArrayRead, ArrayLen
  };
  Kind kind;
  ValueKind type;
  /// The MLIR op of Kind::Op (`arith.addf`, `math.exp`, `xgrad.wrap`, ...), with the
  /// comparison predicate in `predicate` for cmpf/cmpi.
  std::string op, predicate;
  std::vector<std::shared_ptr<ExprNode>> operands;
  int64_t integer = 0;
  double real = 0;
  /// Read, Dim, Len, Rank: the tensor; Read: flat or not.
  std::shared_ptr<FunNode> fun;
  bool flat = false;
  /// Iterator: its name, if the user gave one. Iterator and Read: where it was written.
  std::string name;
  SourceLocation location;
};

struct FunNode {
  enum class Kind {
    Undeclared, Input, Param, Cached, Kernel, Target, Backprop, Gradient, Cache, RegionArg
  };
  Kind kind = Kind::Undeclared;
  std::string name;
  /// Where the user created it (for a kernel: the write).
  SourceLocation location;
  std::vector<int64_t> shape;
  /// Input: `shape` is unknown; the printer takes the rank from the reads.
  bool rankFromUse = false;
  // Param.
  std::string initializer;
  std::vector<double> initArgs;
  int64_t seed = 0;
  /// A layer's parameter without a name of the user's: named after the layer, e.g.
  /// `dense0.w` (the kind, its number among the graph's layers of that kind, the role).
  std::string layerKind, layerRole;
  const void *layerInstance = nullptr;
  // Kernel.
  std::shared_ptr<FunNode> init;
  std::vector<Index> writeIndices;
  bool flatWrite = false;
  /// `max` instead of `++=`.
  bool maxWrite = false;
  std::shared_ptr<ExprNode> value;
  std::vector<Index> explicitShape;
  struct Requirement {
    Index lhs, rhs;
    std::string message;
  };
  std::vector<Requirement> requirements;
  std::shared_ptr<FunNode> like;
  std::shared_ptr<GradientSink> customGradient;
  // Target, Backprop, Gradient, Cache: the value (loss); Gradient: wrt.
  std::shared_ptr<FunNode> source, wrt;
  // Backprop.
  Optimizer optimizer;
  std::vector<std::string> stateNames;
};

/// The rank the front end can tell without printing: a shaped input's or parameter's, a
/// kernel's from its write, its given shape or the tensor a flat write copies; none for an
/// input whose rank comes from its reads.
std::optional<size_t> knownRank(const FunNode &node);

/// Where a node created at `where` is attributed to: the location provider's answer if it
/// has one (Python), `where` otherwise.
SourceLocation locate(const SourceLocation &where);

} // namespace xgrad

#endif // XGRAD_LIB_FRONTEND_NODES_H
