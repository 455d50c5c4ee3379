//===- ElementwiseSchedule.h - the default schedule of an elementwise kernel -*- C++ -*-===//
//
// An all-parallel kernel whose innermost loop is contiguous in every operand and short and
// static (a layer's channels, an image's features) is vectorized along that loop: LLVM fully
// unrolls such a loop and leaves it scalar (a max pooling over 8 channels ran at 0.6
// GFLOP/s). Strided reads (a pooling window's `2 * y + 1`) become strided slices first, so
// that every read is a plain loop the vectorizer takes.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_DIALECT_XGRAD_TRANSFORMS_ELEMENTWISESCHEDULE_H
#define XGRAD_DIALECT_XGRAD_TRANSFORMS_ELEMENTWISESCHEDULE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include <optional>
#include <string>

namespace mlir::xgrad {

/// A read at `scale * loop + offset`.
struct StridedRead {
  unsigned loop;
  int64_t scale, offset;
};

/// `expr` as `scale * loop + offset` with constants scale > 0 and offset >= 0, or nothing.
std::optional<StridedRead> asStridedRead(AffineExpr expr);

/// Rewrites the inputs of `generic` read at `c * loop + k` (every result one loop, scaled
/// and offset by constants, each loop at most once) into strided `tensor.extract_slice`s read
/// at the loops themselves. Returns the rewritten kernel, or `generic` when no input changed.
linalg::GenericOp readStridedInputsAsSlices(RewriterBase &rewriter, linalg::GenericOp generic);

/// The schedule (a transform named sequence `name`) vectorizing the all-parallel `generic`
/// along its innermost loop in vectors of up to 4 x `vectorWidth` floats, or nothing when
/// the kernel is not of that kind: every read a projected permutation with the innermost
/// loop, where read, last; that loop static, a multiple of 4 floats; only arith and math
/// in its body.
std::optional<std::string> elementwiseScheduleSource(llvm::StringRef name,
                                                     linalg::GenericOp generic,
                                                     int64_t vectorWidth);

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_TRANSFORMS_ELEMENTWISESCHEDULE_H
