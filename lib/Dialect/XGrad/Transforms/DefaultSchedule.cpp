//===- DefaultSchedule.cpp - loop orders for the CPU ----------------------===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADDEFAULTSCHEDULE
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

/// The loop order with the most contiguous parallel loop innermost, or nothing when the
/// current order is already that.
static std::optional<SmallVector<unsigned>> preferredOrder(linalg::GenericOp generic) {
  unsigned numLoops = generic.getNumLoops();
  SmallVector<int> contiguity(numLoops, 0);
  for (OpOperand &operand : generic->getOpOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(&operand);
    if (map.getNumResults() == 0)
      continue;
    if (auto dim = dyn_cast<AffineDimExpr>(map.getResults().back()))
      contiguity[dim.getPosition()] += generic.isDpsInit(&operand) ? 2 : 1;
  }
  SmallVector<utils::IteratorType> types = generic.getIteratorTypesArray();
  std::optional<unsigned> best;
  for (unsigned loop = 0; loop < numLoops; ++loop)
    if (types[loop] == utils::IteratorType::parallel && contiguity[loop] > 0 &&
        (!best || contiguity[loop] > contiguity[*best]))
      best = loop;
  if (!best || *best == numLoops - 1 || contiguity[*best] <= contiguity[numLoops - 1])
    return std::nullopt;
  SmallVector<unsigned> order;
  for (unsigned loop = 0; loop < numLoops; ++loop)
    if (loop != *best)
      order.push_back(loop);
  order.push_back(*best);
  return order;
}

namespace {
struct XGradDefaultSchedulePass
    : public mlir::xgrad::impl::XGradDefaultScheduleBase<XGradDefaultSchedulePass> {
  using Base::Base;
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp generic) { generics.push_back(generic); });
    for (linalg::GenericOp generic : generics) {
      std::optional<SmallVector<unsigned>> order = preferredOrder(generic);
      if (!order)
        continue;
      rewriter.setInsertionPoint(generic);
      if (failed(linalg::interchangeGenericOp(rewriter, generic, *order)))
        return signalPassFailure();
    }
  }
};
} // namespace
