//===- OuterParallel.cpp - only outermost loops run in parallel -----------===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADOUTERPARALLEL
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

/// Clones the body of `parallel` at the builder's insertion point, inside scf.for loops over
/// its dimensions from `first` on; `mapping` already maps the induction variables before.
static void buildSerialLoops(OpBuilder &builder, scf::ParallelOp parallel, unsigned first,
                             IRMapping &mapping) {
  Block &body = *parallel.getBody();
  scf::buildLoopNest(builder, parallel.getLoc(), parallel.getLowerBound().drop_front(first),
                     parallel.getUpperBound().drop_front(first),
                     parallel.getStep().drop_front(first),
                     [&](OpBuilder &inner, Location, ValueRange ivs) {
                       mapping.map(body.getArguments().drop_front(first), ivs);
                       for (Operation &op : body.without_terminator())
                         inner.clone(op, mapping);
                     });
}

/// Replaces a reduction-free scf.parallel by a nest of scf.for with the same body.
static LogicalResult sequentialize(scf::ParallelOp parallel) {
  if (parallel.getNumReductions() != 0)
    return parallel.emitOpError("has reductions; xgrad lowers reductions to scf.for");
  OpBuilder builder(parallel);
  IRMapping mapping;
  buildSerialLoops(builder, parallel, 0, mapping);
  parallel.erase();
  return success();
}

/// Iterations the leading dimensions of a parallel loop need before the rest stay serial.
static constexpr int64_t kSharedIterations = 16;

/// The leading dimensions of `parallel` that threads split: the fewest with at least
/// kSharedIterations iterations together (a dynamic extent counts as enough).
static unsigned sharedDimensions(scf::ParallelOp parallel) {
  int64_t iterations = 1;
  unsigned dimensions = 0;
  for (auto [lower, upper, step] : llvm::zip(parallel.getLowerBound(),
                                             parallel.getUpperBound(), parallel.getStep())) {
    if (iterations >= kSharedIterations)
      break;
    ++dimensions;
    std::optional<int64_t> l = getConstantIntValue(lower), u = getConstantIntValue(upper),
                           s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      break;
    iterations *= std::max<int64_t>(0, llvm::divideCeil(*u - *l, *s));
  }
  return std::max(1u, dimensions);
}

/// Keeps the first `shared` dimensions of a reduction-free scf.parallel parallel and runs
/// the others as scf.for inside them. OpenMP collapses a multi-dimensional loop into one
/// and recovers every index by division in each iteration: the 6-d im2col copies of the
/// CNN's filter gradients ran several times slower that way than as loops.
static void keepLeadingParallel(scf::ParallelOp parallel, unsigned shared) {
  OpBuilder builder(parallel);
  Location loc = parallel.getLoc();
  auto outer = scf::ParallelOp::create(builder, loc, parallel.getLowerBound().take_front(shared),
                                       parallel.getUpperBound().take_front(shared),
                                       parallel.getStep().take_front(shared));
  builder.setInsertionPoint(outer.getBody()->getTerminator());
  IRMapping mapping;
  mapping.map(parallel.getBody()->getArguments().take_front(shared), outer.getInductionVars());
  buildSerialLoops(builder, parallel, shared, mapping);
  parallel.erase();
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
    SmallVector<std::pair<scf::ParallelOp, unsigned>> outermost;
    getOperation().walk([&](scf::ParallelOp parallel) {
      unsigned shared = sharedDimensions(parallel);
      if (parallel.getNumReductions() == 0 && shared < parallel.getNumLoops())
        outermost.emplace_back(parallel, shared);
    });
    for (auto [parallel, shared] : outermost)
      keepLeadingParallel(parallel, shared);
  }
};
} // namespace
