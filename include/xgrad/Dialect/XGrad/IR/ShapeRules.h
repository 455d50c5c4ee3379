//===- ShapeRules.h - shape rules shared by verifiers and passes -*- C++ -*-===//
//
// The rules that relate an access's indices to a tensor's shape live here once, so that the
// verifier (which checks what is known locally) and --xgrad-infer-shapes (which derives what
// is not) can never disagree.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_DIALECT_XGRAD_IR_SHAPERULES_H
#define XGRAD_DIALECT_XGRAD_IR_SHAPERULES_H

#include "mlir/IR/Block.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/MapVector.h"
#include <optional>
#include <string>

namespace mlir::xgrad {

/// How many indices an access of `tensorType` needs (`[]`: its rank, `{}`: one), or
/// nothing when the rank is not known yet.
std::optional<int64_t> expectedIndexCount(Type tensorType, bool flat);

/// Checks an access's index count against the tensor; `what` names the accessed tensor in
/// the message ("a tensor of type ...", "a result of type ...").
LogicalResult verifyIndexCount(Operation *op, Type tensorType, bool flat, size_t numIndices,
                               llvm::StringRef what);

/// An index as `sum(coefficient * iterator) + constant`, iterators by position.
struct AffineIndex {
  llvm::MapVector<unsigned, int64_t> coefficients;
  int64_t constant = 0;
  /// The iterator when the index is exactly one iterator (`a[y]`).
  std::optional<unsigned> plainIterator() const;
};

/// Decomposes an index computed in a kernel body whose block arguments are `iterators`;
/// nothing when it is not affine in the iterators (div, mod, wrap, reads, graph values).
std::optional<AffineIndex> decomposeAffineIndex(Value index, Block &iterators);

/// The value of a graph-level index computation when it is known statically: constants,
/// static extents, extents of inferred kernels, and arith over them.
std::optional<int64_t> evaluateIndex(Value index);

/// A name for a tensor in diagnostics: "input 'x'", "parameter 'w'", "kernel 'dense'".
std::string describeTensor(Value tensor);

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_IR_SHAPERULES_H
