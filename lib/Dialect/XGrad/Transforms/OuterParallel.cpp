//===- OuterParallel.cpp - only outermost loops run in parallel -----------===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADOUTERPARALLEL
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

/// Replaces a reduction-free scf.parallel by a nest of scf.for with the same body.
static LogicalResult sequentialize(scf::ParallelOp parallel) {
  if (parallel.getNumReductions() != 0)
    return parallel.emitOpError("has reductions; xgrad lowers reductions to scf.for");
  OpBuilder builder(parallel);
  Block &body = *parallel.getBody();
  scf::buildLoopNest(builder, parallel.getLoc(), parallel.getLowerBound(),
                     parallel.getUpperBound(), parallel.getStep(),
                     [&](OpBuilder &inner, Location, ValueRange ivs) {
                       IRMapping mapping;
                       mapping.map(body.getArguments(), ivs);
                       for (Operation &op : body.without_terminator())
                         inner.clone(op, mapping);
                     });
  parallel.erase();
  return success();
}

/// A loop the schedule marked as over disjoint output tiles becomes an scf.parallel.
static void parallelize(scf::ForOp loop) {
  OpBuilder builder(loop);
  auto parallel = scf::ParallelOp::create(builder, loop.getLoc(), loop.getLowerBound(),
                                          loop.getUpperBound(), loop.getStep());
  IRMapping mapping;
  mapping.map(loop.getInductionVar(), parallel.getInductionVars()[0]);
  builder.setInsertionPoint(parallel.getBody()->getTerminator());
  for (Operation &op : loop.getBody()->without_terminator())
    builder.clone(op, mapping);
  loop.erase();
}

namespace {
struct XGradOuterParallelPass
    : public mlir::xgrad::impl::XGradOuterParallelBase<XGradOuterParallelPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<scf::ForOp> tiles;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->hasAttr(mlir::xgrad::kParallelTilesAttr) && loop.getNumRegionIterArgs() == 0)
        tiles.push_back(loop);
    });
    for (scf::ForOp loop : tiles)
      parallelize(loop);
    SmallVector<scf::ParallelOp> nested;
    getOperation().walk([&](scf::ParallelOp parallel) {
      if (parallel->getParentOfType<LoopLikeOpInterface>())
        nested.push_back(parallel);
    });
    // The walk is post-order: inner loops come first, and are rewritten in place before
    // the loop around them clones its body.
    for (scf::ParallelOp parallel : nested)
      if (failed(sequentialize(parallel)))
        return signalPassFailure();
  }
};
} // namespace
