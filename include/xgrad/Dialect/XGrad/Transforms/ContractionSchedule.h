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
#include "mlir/Dialect/SCF/IR/SCF.h"
#include <optional>
#include <string>

namespace mlir::xgrad {

/// The tile sizes of one matrix product C[m, n] += A[m, k] * B[k, n]. A cache tile of 0
/// leaves that loop untiled; `peelM` says the rows are dynamic or not a multiple of the
/// register tile (blocks of cacheM rows, then one-row tiles for the rest), `peelK` that the
/// reduction is dynamic (its last partial step stays a scalar loop).
struct ContractionTiles {
  int64_t cacheM = 0, cacheNPanels = 0, cacheK = 0;
  int64_t registerM = 8, registerN = 32, registerK = 4;
  /// Reduction steps each vectorized copy of B's packing moves (1: one row of a panel).
  int64_t copyDepth = 1;
  /// B is stored [N][K] (toMatrixProduct's B[n, k]): its packing into panels transposes it,
  /// in vectorized blocks of copyDepth x registerN.
  bool transposedB = false;
  /// A is stored [K][M] (toMatrixProduct's A[k, m]): the register tile reads it as stored.
  bool transposedA = false;
  bool peelM = false, peelK = false;
};

/// The tiles for the matrix product `generic` (3 loops, any operand order and layout: see
/// toMatrixProduct; M and N are the result's dimensions) on a machine with `vectorWidth`
/// floats per vector register, or nothing when the kernel is not a matrix product this schedule handles (the kernel then
/// keeps the loop-order schedule).
std::optional<ContractionTiles> chooseContractionTiles(linalg::GenericOp generic,
                                                       int64_t vectorWidth);
/// The same from the product's extents M x N x K (ShapedType::kDynamic when not static).
std::optional<ContractionTiles> chooseContractionTiles(int64_t extentM, int64_t extentN,
                                                       int64_t extentK, int64_t vectorWidth);

/// A column count of a matrix product whose columns are loop `loop` of the kernel: where to
/// split them, or how many to pad them to, so that the register tiles are whole vectors.
struct ProductColumns {
  unsigned loop;
  int64_t columns;
};
/// The split of the product `generic` whose static N is not a multiple of two vectors (1000
/// columns: 992 in 8 x 32 tiles and 8 more, instead of 16 x 8 tiles of half-width vectors
/// throughout), or nothing when the columns need none.
std::optional<ProductColumns> chooseColumnSplit(linalg::GenericOp generic, int64_t vectorWidth);
/// The columns to pad the product `generic` to (`columns`) when its static N, narrower than
/// two vectors, is no multiple of 4 floats (10 columns: 16), or nothing.
std::optional<ProductColumns> chooseColumnPadding(linalg::GenericOp generic, int64_t vectorWidth);

/// Pads the product's columns (loop `loop`) to `columns` with zeros: B and C are copied into
/// zero tensors that wide (C's fill is refilled wider), the product computes the padded
/// columns too, and its users read the leading columns. Returns the padded product.
FailureOr<linalg::GenericOp> padProductColumns(RewriterBase &rewriter, linalg::GenericOp generic,
                                               unsigned loop, int64_t columns);

/// The body of `generic` is `out + a * b` on floats, with two inputs.
bool isMultiplyAccumulate(linalg::GenericOp generic);

/// Rewrites a matrix product with 3 loops (C[m, n] from operands over {m, k} and {k, n}, in
/// either order and layout) into C[m, n] += A * B with loops (m, n, k), A read as A[m, k]
/// or A[k, m] and B as B[k, n] or B[n, k], as they are stored. Returns `generic` itself
/// when it already has that form.
FailureOr<linalg::GenericOp> toMatrixProduct(RewriterBase &rewriter, linalg::GenericOp generic);

/// The batch loop of a convolution-like kernel (see convolutionToMatrixProduct): the
/// output's first dimension when it is a parallel loop the image reads as its own first
/// dimension and the filters do not read, and its extent is not 1. Nothing otherwise.
std::optional<unsigned> convolutionBatchLoop(linalg::GenericOp generic);

/// Computes the convolution `generic` one image at a time: an scf.for over its batch loop
/// (marked for the threads: images are disjoint rows of the result) around a copy of the
/// kernel on that image's slices, whose batch extent is 1. Returns the copy, and the loop.
std::pair<linalg::GenericOp, scf::ForOp>
convolutionPerImage(RewriterBase &rewriter, linalg::GenericOp generic, unsigned batch);

/// Rewrites a convolution-like kernel (one operand read at sums of loops such as `y + ky`,
/// the other and the result at plain loops; no loop shared by all three) into a product over
/// a patches tensor (im2col: a `<kernel>.patches` generic gathers the image), its row,
/// column and reduction loop groups collapsed to one loop each.
/// `fit(M, N, K)` rates a product of those extents (the result's first and second
/// dimension, the reduction; ShapedType::kDynamic when not static): nothing changes when it
/// is 0 for the result as stored and for its transpose, which is taken when it rates higher.
FailureOr<linalg::GenericOp>
convolutionToMatrixProduct(RewriterBase &rewriter, linalg::GenericOp generic,
                           llvm::function_ref<int(int64_t, int64_t, int64_t)> fit);

/// How well the contraction schedule takes a product of M x N x K: 0 not at all, 1 with its
/// columns split (chooseColumnSplit), 2 in whole register tiles.
int contractionFit(int64_t extentM, int64_t extentN, int64_t extentK, int64_t vectorWidth);

/// A module holding `transform.named_sequence @<name>(%kernel: !transform.any_op
/// {transform.consumed})` that applies `tiles` to one matrix-product kernel.
std::string contractionScheduleSource(llvm::StringRef name, const ContractionTiles &tiles);

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_TRANSFORMS_CONTRACTIONSCHEDULE_H
