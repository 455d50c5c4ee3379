//===- ParallelThreshold.cpp - threads only for loops with the work for them -===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

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

namespace {
struct XGradParallelThresholdPass
    : public mlir::xgrad::impl::XGradParallelThresholdBase<XGradParallelThresholdPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([&](omp::ParallelOp parallel) {
      if (!parallel.getNumThreads() || parallel->getParentOfType<omp::ParallelOp>())
        return;
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
      OpBuilder builder(parallel);
      Location loc = parallel.getLoc();
      Type type = nest.getLoopLowerBounds().front().getType();
      auto constant = [&](int64_t value) -> Value {
        return arith::ConstantOp::create(builder, loc, builder.getIntegerAttr(type, value));
      };
      Value zero = constant(0), trips = constant(1);
      for (auto [lower, upper, step] : llvm::zip(nest.getLoopLowerBounds(),
                                                 nest.getLoopUpperBounds(),
                                                 nest.getLoopSteps())) {
        Value span = arith::SubIOp::create(builder, loc, upper, lower);
        Value count = arith::CeilDivSIOp::create(builder, loc, span, step);
        count = arith::MaxSIOp::create(builder, loc, count, zero);
        trips = arith::MulIOp::create(builder, loc, trips, count);
      }
      double work = std::max(1.0, estimateWork(nest.getRegion()));
      // The fewest iterations whose work reaches minWork.
      int64_t needed = std::max<int64_t>(1, int64_t(std::ceil(double(minWork) / work)));
      Value enough = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::sge, trips,
                                           constant(needed));
      // One thread below the threshold. Not the `if` clause: the libomp of Debian 12 has no
      // __kmpc_fork_call_if, which LLVM 22 lowers it to; a team of one runs serialized.
      Value threads = parallel.getNumThreads();
      Value one = arith::ConstantOp::create(builder, loc,
                                            builder.getIntegerAttr(threads.getType(), 1));
      parallel.getNumThreadsMutable().assign(
          arith::SelectOp::create(builder, loc, enough, threads, one));
    });
  }
};
} // namespace
