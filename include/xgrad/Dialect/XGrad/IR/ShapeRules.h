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
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir::xgrad {

class KernelOp;

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
/// The message of a failed `xgrad.check` with its operands' values: "{lhs}" and "{rhs}"
/// replaced, or " (lhs vs rhs)" appended when the message names neither.
std::string formatCheckMessage(llvm::StringRef message, int64_t lhs, int64_t rhs);
/// "kernel 'dense'", or "the kernel" for one without a name: how every message names one.
std::string describeKernel(KernelOp kernel);
/// "iterator `y`" for an iterator a front end named (a NameLoc on the block argument:
/// Python's `Iter("y")`), else "iterator #0" by position.
std::string describeIterator(Block &body, unsigned index);

/// A graph-level index computation as a polynomial over what the rules cannot look through
/// (a dynamic extent, a function argument, a division), so that `n + 1` and `n` compare
/// even when `n` is only known at run time.
class IndexPolynomial {
public:
  /// A value, or a tensor's extent (tensor, dimension; -1 for its length).
  using Term = std::pair<const void *, int64_t>;
  using Monomial = std::vector<Term>;

  IndexPolynomial(int64_t constant = 0);
  /// Follows constants, static extents, extents of kernels with a shape, and `addi`, `subi`,
  /// `muli`; anything else is one term.
  static IndexPolynomial of(Value index);
  /// The extent of dimension `dim` of `tensor` (-1: its number of elements).
  static IndexPolynomial extent(Value tensor, int64_t dim);

  std::optional<int64_t> asConstant() const;
  IndexPolynomial operator+(const IndexPolynomial &other) const;
  IndexPolynomial operator-(const IndexPolynomial &other) const;
  IndexPolynomial operator*(const IndexPolynomial &other) const;

private:
  static IndexPolynomial term(Term term);
  /// Coefficients by monomial; the empty monomial holds the constant. No zero entries.
  std::map<Monomial, int64_t> coefficients;
};

class KernelOp;

/// The values one dimension of an access (a read or the write) of a kernel takes over the
/// kernel's bounds, and the extent it must stay inside.
struct AccessRange {
  IndexPolynomial low, high, extent;
  /// The iterators that carry the index to its lowest and highest value.
  llvm::SmallVector<unsigned> lowIterators, highIterators;
};

/// The range of dimension `dim` of `access`, or nothing when the kernel has no bounds, the
/// index is not affine in the iterators, or the extent is unknown.
std::optional<AccessRange> accessRange(KernelOp kernel, Operation *access, unsigned dim);

/// Rejects every access of a kernel with bounds that provably leaves its tensor or the
/// result, naming the tensor, the dimension and the iterators.
LogicalResult verifyKernelBounds(KernelOp kernel);

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_IR_SHAPERULES_H
