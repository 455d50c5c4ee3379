//===- ParallelThreshold.cpp - threads only for loops with the work for them -===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

#include <cmath>

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADPARALLELTHRESHOLD
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

/// The trip count the estimate assumes for a loop whose bounds are not constants.
static constexpr int64_t kDynamicTrips = 16;

/// A static estimate of the operations one run of `region` performs: each operation once,
/// times the static trip count of every scf.for around it within the region, a vector
/// operation as its elements over 8 (one AVX2 register).
static double estimateWork(Region &region) {
  double work = 0;
  region.walk([&](Operation *op) {
    if (op->hasTrait<OpTrait::IsTerminator>() || op->getNumRegions() != 0)
      return;
    double weight = 1;
    for (Type type : op->getResultTypes())
      if (auto vector = dyn_cast<VectorType>(type))
        weight = std::max<double>(weight, vector.getNumElements() / 8.0);
    for (Operation *parent = op->getParentOp();
         parent && region.isAncestor(parent->getParentRegion()); parent = parent->getParentOp())
      if (auto loop = dyn_cast<scf::ForOp>(parent)) {
        std::optional<APInt> trips = loop.getStaticTripCount();
        weight *= trips ? double(trips->getSExtValue()) : double(kDynamicTrips);
      }
    work += weight;
  });
  return work;
}

/// The worksharing loop that is all `parallel` runs (what convert-scf-to-openmp makes of a
/// reduction-free scf.parallel), with a single-block body: a loop that can run as scf.for.
static omp::LoopNestOp soleLoop(omp::ParallelOp parallel) {
  Region &region = parallel.getRegion();
  if (!region.hasOneBlock() || region.front().getOperations().size() != 2)
    return {};
  auto wsloop = dyn_cast<omp::WsloopOp>(region.front().front());
  if (!wsloop || !wsloop.getReductionVars().empty() || !wsloop.getPrivateVars().empty())
    return {};
  auto nest = dyn_cast<omp::LoopNestOp>(wsloop.getWrappedLoop());
  if (!nest || !nest.getRegion().hasOneBlock() || nest.getLoopInclusive())
    return {};
  return nest;
}

/// The loops of `nest` as scf.for on the calling thread, at the builder's insertion point.
/// Without the memref.alloca_scope convert-scf-to-openmp wraps each body in: lowered, it
/// would split the scf.for's body into blocks (loops run serially have none either).
static void buildSequentialCopy(OpBuilder &builder, Location loc, omp::LoopNestOp nest) {
  Block &body = nest.getRegion().front();
  scf::buildLoopNest(builder, loc, nest.getLoopLowerBounds(), nest.getLoopUpperBounds(),
                     nest.getLoopSteps(), [&](OpBuilder &inner, Location, ValueRange ivs) {
                       IRMapping mapping;
                       mapping.map(body.getArguments(), ivs);
                       for (Operation &op : body.without_terminator()) {
                         auto scope = dyn_cast<memref::AllocaScopeOp>(op);
                         if (!scope || scope.getNumResults() != 0 ||
                             !scope.getBodyRegion().hasOneBlock()) {
                           inner.clone(op, mapping);
                           continue;
                         }
                         for (Operation &scoped :
                              scope.getBodyRegion().front().without_terminator())
                           inner.clone(scoped, mapping);
                       }
                     });
}

/// The trip count of `nest` when its bounds are constants.
static std::optional<int64_t> staticTrips(omp::LoopNestOp nest) {
  int64_t trips = 1;
  for (auto [lower, upper, step] : llvm::zip(nest.getLoopLowerBounds(),
                                             nest.getLoopUpperBounds(), nest.getLoopSteps())) {
    std::optional<int64_t> l = getConstantIntValue(lower), u = getConstantIntValue(upper),
                           s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return std::nullopt;
    trips *= std::max<int64_t>(0, llvm::divideCeil(*u - *l, *s));
  }
  return trips;
}

/// The trip count of `nest`, computed before `builder`'s insertion point.
static Value buildTrips(OpBuilder &builder, Location loc, omp::LoopNestOp nest) {
  Type type = nest.getLoopLowerBounds().front().getType();
  Value zero = arith::ConstantOp::create(builder, loc, builder.getIntegerAttr(type, 0));
  Value trips = arith::ConstantOp::create(builder, loc, builder.getIntegerAttr(type, 1));
  for (auto [lower, upper, step] : llvm::zip(nest.getLoopLowerBounds(),
                                             nest.getLoopUpperBounds(), nest.getLoopSteps())) {
    Value span = arith::SubIOp::create(builder, loc, upper, lower);
    Value count = arith::CeilDivSIOp::create(builder, loc, span, step);
    count = arith::MaxSIOp::create(builder, loc, count, zero);
    trips = arith::MulIOp::create(builder, loc, trips, count);
  }
  return trips;
}

namespace {
struct XGradParallelThresholdPass
    : public mlir::xgrad::impl::XGradParallelThresholdBase<XGradParallelThresholdPass> {
  using Base::Base;

  /// Decides where `parallel` runs: on its threads, on the calling thread alone, or (for a
  /// trip count known only at run time) on either by a branch around the region.
  void decide(omp::ParallelOp parallel) {
    omp::LoopNestOp nest;
    parallel.walk([&](omp::LoopNestOp found) {
      nest = found;
      return WalkResult::interrupt();
    });
    if (!nest)
      return;
    // The bounds must be known before the region starts.
    for (Value bound : nest->getOperands())
      if (parallel.getRegion().isAncestor(bound.getParentRegion()))
        return;
    double work = std::max(1.0, estimateWork(nest.getRegion()));
    // The fewest iterations whose work reaches minWork, and never one: a single iteration
    // runs on one thread anyway, after a fork (minWork 0 still puts every loop on threads).
    int64_t needed = minWork == 0
                         ? 1
                         : std::max<int64_t>(2, int64_t(std::ceil(double(minWork) / work)));
    omp::LoopNestOp copyable = soleLoop(parallel);
    OpBuilder builder(parallel);
    Location loc = parallel.getLoc();
    std::optional<int64_t> trips = staticTrips(nest);
    if (needed <= 1 || (trips && *trips >= needed))
      return;
    bool rarelyEnough = !trips && needed > int64_t(dynamicLimit);
    if ((trips || rarelyEnough) && copyable) {
      // Too little work, known now, or in all but the largest runs: plain loops, no region.
      buildSequentialCopy(builder, loc, copyable);
      parallel.erase();
      return;
    }
    Type type = nest.getLoopLowerBounds().front().getType();
    Value enough = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::sge, buildTrips(builder, loc, nest),
        arith::ConstantOp::create(builder, loc, builder.getIntegerAttr(type, needed)));
    int64_t size = 0;
    if (copyable)
      copyable.walk([&](Operation *) { ++size; });
    if (copyable && size <= int64_t(copyLimit)) {
      // Even a region on one thread costs a fork's bookkeeping, several times the work of
      // the small kernels this copy runs instead (the README XOR's training step).
      auto branch = scf::IfOp::create(builder, loc, enough, /*withElseRegion=*/true);
      parallel->moveBefore(branch.thenBlock()->getTerminator());
      builder.setInsertionPoint(branch.elseBlock()->getTerminator());
      buildSequentialCopy(builder, loc, copyable);
      return;
    }
    // One thread below the threshold. Not the `if` clause: the libomp of Debian 12 has no
    // __kmpc_fork_call_if, which LLVM 22 lowers it to; a team of one runs serialized.
    Value threads = parallel.getNumThreads();
    Value one =
        arith::ConstantOp::create(builder, loc, builder.getIntegerAttr(threads.getType(), 1));
    parallel.getNumThreadsMutable().assign(
        arith::SelectOp::create(builder, loc, enough, threads, one));
  }

  void runOnOperation() override {
    SmallVector<omp::ParallelOp> outermost;
    getOperation().walk([&](omp::ParallelOp parallel) {
      if (parallel.getNumThreads() && !parallel->getParentOfType<omp::ParallelOp>())
        outermost.push_back(parallel);
    });
    for (omp::ParallelOp parallel : outermost)
      decide(parallel);
  }
};
} // namespace
