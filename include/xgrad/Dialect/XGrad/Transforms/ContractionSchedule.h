//===- ContractionSchedule.h - the default schedule of a contraction -*- C++ -*-===//
//
// The default CPU schedule of a kernel that is a matrix product, written as a transform-dialect
// named sequence (the same form a user's schedule takes): B packed into panels as wide as
// the register tile, cache tiles, a register tile of vector.contract lowered to outer-product
// FMAs with the accumulators held in registers across the reduction.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_DIALECT_XGRAD_TRANSFORMS_CONTRACTIONSCHEDULE_H
#define XGRAD_DIALECT_XGRAD_TRANSFORMS_CONTRACTIONSCHEDULE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include <optional>
#include <string>

namespace mlir::xgrad {

/// The tile sizes of one matrix product C[m, n] += A[m, k] * B[k, n] (A may be stored
/// transposed). A cache tile of 0 leaves that loop untiled; `peel*` says the dimension is
/// dynamic or not a multiple of its register tile, so its loop is split into full tiles
/// (vectorized) and a remainder.
struct ContractionTiles {
  int64_t cacheM = 0, cacheNPanels = 0, cacheK = 0;
  int64_t registerM = 8, registerN = 32, registerK = 4;
  bool peelM = false, peelK = false;
  /// A is stored [k, m]: the schedule first copies it to [m, k] (transposeOperandA).
  bool transposedA = false;
};

/// The tiles for `generic` on a machine with `vectorWidth` floats per vector register, or
/// nothing when the kernel is not a matrix product this schedule handles (the kernel then
/// keeps the loop-order schedule).
std::optional<ContractionTiles> chooseContractionTiles(linalg::GenericOp generic,
                                                       int64_t vectorWidth);

/// Rewrites the matrix product `generic`, whose A is stored [k, m], to read a transposed
/// copy [m, k] made by a `linalg.transpose` just before it.
void transposeOperandA(RewriterBase &rewriter, linalg::GenericOp generic);

/// A module holding `transform.named_sequence @<name>(%kernel: !transform.any_op
/// {transform.consumed})` that applies `tiles` to one matrix-product kernel.
std::string contractionScheduleSource(llvm::StringRef name, const ContractionTiles &tiles);

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_TRANSFORMS_CONTRACTIONSCHEDULE_H
