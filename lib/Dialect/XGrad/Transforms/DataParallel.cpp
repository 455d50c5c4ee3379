//===- DataParallel.cpp - all-reduce each training step's gradients -------===//
//
// On graphs after autodiff, where `xgrad.update` still says which values are gradients:
// on the materialized functions that boundary is gone, and one rule here serves every
// target of the graph.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"


namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADDATAPARALLEL
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;
using namespace mlir::xgrad;

static LogicalResult reduceStep(UpdateOp update, bool mean) {
  ValueRange gradients = update.getGradients();
  if (gradients.empty()) {
    if (llvm::any_of(update.getState(), [](Value v) { return v.getDefiningOp<ParamOp>(); }))
      return update.emitOpError("names no gradients of the parameters it updates: run "
                                "--xgrad-data-parallel on the output of --xgrad-autodiff");
    return success();
  }
  // Already reduced (the pass ran before).
  if (gradients.front().getDefiningOp<AllReduceOp>())
    return success();
  Block &body = *update->getBlock();
  Value loss = update.getValue();
  SmallVector<Value> reduced(gradients.begin(), gradients.end());
  auto lossType = dyn_cast<RankedTensorType>(loss.getType());
  bool withLoss = lossType && lossType.hasStaticShape() &&
                  lossType.getElementType() ==
                      cast<TensorType>(gradients.front().getType()).getElementType();
  if (withLoss)
    reduced.push_back(loss);

  // Right after the last gradient kernel: everything after it reads whole gradients.
  Operation *last = nullptr;
  for (Value value : reduced)
    if (Operation *def = body.findAncestorOpInBlock(*value.getDefiningOp()))
      if (!last || last->isBeforeInBlock(def))
        last = def;
  if (!last)
    return update.emitOpError("has gradients defined outside its graph");
  Value batch;
  if (mean) {
    // The first input the loss depends on, in graph order: its first extent counts the
    // step's batch rows.
    llvm::SmallPtrSet<Operation *, 32> lossSlice = graphBackwardSlice(loss, body);
    InputOp input;
    for (auto candidate : body.getOps<InputOp>())
      if (!input && lossSlice.contains(candidate))
        input = candidate;
    if (!input)
      return update.emitOpError("has a loss that depends on no input, so it has no batch "
                                "rows to average over: use --xgrad-data-parallel="
                                "\"loss-reduction=sum\"");
    batch = input;
  }
  OpBuilder builder(last->getContext());
  builder.setInsertionPointAfter(last);
  auto allReduce = AllReduceOp::create(builder, update.getLoc(), ValueRange(reduced).getTypes(),
                                       reduced, batch);
  // Only the optimizer reads the sums: another target reading a gradient or the loss
  // keeps its own, local value and needs no collective.
  llvm::SmallPtrSet<Operation *, 32> optimizer = graphBackwardSlice(update.getNewValues(), body);
  optimizer.insert(update);
  for (auto [original, sum] : llvm::zip(reduced, allReduce.getResults()))
    original.replaceUsesWithIf(sum, [&](OpOperand &use) {
      Operation *user = body.findAncestorOpInBlock(*use.getOwner());
      return user && optimizer.contains(user) && allReduce->isBeforeInBlock(user);
    });
  return success();
}

namespace {
struct XGradDataParallelPass
    : public mlir::xgrad::impl::XGradDataParallelBase<XGradDataParallelPass> {
  using Base::Base;
  void runOnOperation() override {
    if (lossReduction != "mean" && lossReduction != "sum") {
      getOperation().emitError("--xgrad-data-parallel: loss-reduction must be 'mean' or "
                               "'sum', got '")
          << lossReduction << "'";
      return signalPassFailure();
    }
    SmallVector<UpdateOp> updates(getOperation().getBody().front().getOps<UpdateOp>());
    for (UpdateOp update : updates)
      if (failed(reduceStep(update, lossReduction == "mean")))
        return signalPassFailure();
  }
};
} // namespace
