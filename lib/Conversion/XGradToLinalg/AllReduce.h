//===- AllReduce.h - lowering of xgrad.all_reduce ---------------*- C++ -*-===//
#ifndef XGRAD_LIB_CONVERSION_XGRADTOLINALG_ALLREDUCE_H
#define XGRAD_LIB_CONVERSION_XGRADTOLINALG_ALLREDUCE_H

#include "mlir/IR/Builders.h"

namespace mlir::xgrad {
class AllReduceOp;

/// Replaces `op` by its gradients packed into one buffer, weighted by this rank's batch
/// rows (for a mean), `xgrad.sum_over_ranks` on it, a guard on `status`, and the sums
/// unpacked (divided by all ranks' rows). Inserts at `b`'s insertion point, before `op`.
LogicalResult lowerAllReduce(AllReduceOp op, Value status, OpBuilder &b);
} // namespace mlir::xgrad

#endif // XGRAD_LIB_CONVERSION_XGRADTOLINALG_ALLREDUCE_H
