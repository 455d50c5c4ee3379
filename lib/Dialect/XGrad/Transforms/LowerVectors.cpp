//===- LowerVectors.cpp - vector ops of the schedules to LLVM-ready form --===//
//
// The lowering the contraction schedule was measured with (docs/Rationale.md): contractions
// become outer products, outer products FMAs, transfers rank 1, so that a register tile's
// accumulators are plain vector values that LLVM keeps in registers.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADLOWERVECTORS
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

namespace {
struct XGradLowerVectorsPass
    : public mlir::xgrad::impl::XGradLowerVectorsBase<XGradLowerVectorsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    bool hasVectors = func.walk([&](Operation *op) {
                            return isa<vector::VectorDialect>(op->getDialect())
                                       ? WalkResult::interrupt()
                                       : WalkResult::advance();
                          }).wasInterrupted();
    if (!hasVectors)
      return;
    linalg::hoistRedundantVectorTransfers(func);
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    // One shuffle per transpose, which LLVM lowers to x86's unpack and permute
    // instructions; element by element (EltWise), the transposing pack of a B stored [n, k]
    // made the dense layer's input gradient 18% slower (docs/Rationale.md).
    vector::populateVectorTransposeLoweringPatterns(patterns,
                                                    vector::VectorTransposeLowering::Shuffle1D);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    vector::populateVectorTransferLoweringPatterns(patterns, /*maxTransferRank=*/1);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
