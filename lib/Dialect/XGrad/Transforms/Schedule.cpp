//===- Schedule.cpp - apply each kernel's schedule ------------------------===//
//
// Every kernel gets one schedule: the user's named sequence of the kernel's name when the
// schedule library has one, else the default: the contraction schedule for matrix products
// and for convolutions rewritten as products, a forward convolution one image at a time
// (ContractionSchedule.h); else a loop order with a contiguous innermost loop, vectorized
// along it when it is short and static (ElementwiseSchedule.h) and left to LLVM otherwise.
// Schedules are transform-dialect IR applied by the transform interpreter.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/ContractionSchedule.h"
#include "xgrad/Dialect/XGrad/Transforms/ElementwiseSchedule.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"
#include "xgrad/Dialect/XGrad/Transforms/ScheduleLibrary.h"

#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Func/TransformOps/FuncTransformOps.h"
#include "mlir/Dialect/Linalg/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/TransformOps/DialectExtension.h"
#include "mlir/Dialect/Linalg/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/TransformOps/SCFTransformOps.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/TransformOps/TensorTransformOps.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Transform/IR/TransformOps.h"
#include "mlir/Dialect/Transform/LoopExtension/LoopExtension.h"
#include "mlir/Dialect/Vector/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/TransformOps/VectorTransformOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/TargetParser/Host.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADSCHEDULE
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

/// The attribute the contraction schedule marks its register-tile loops with.
static constexpr llvm::StringLiteral kRegisterTilesAttr = "xgrad.register_tiles";

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

int64_t mlir::xgrad::hostVectorWidth() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 16;
  if (features.lookup("avx"))
    return 8;
  return 4;
}

void mlir::xgrad::registerScheduleExtensions(DialectRegistry &registry) {
  registry.insert<transform::TransformDialect, ub::UBDialect, vector::VectorDialect>();
  func::registerTransformDialectExtension(registry);
  transform::registerLoopExtension(registry);
  linalg::registerTransformDialectExtension(registry);
  scf::registerTransformDialectExtension(registry);
  tensor::registerTransformDialectExtension(registry);
  vector::registerTransformDialectExtension(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  tensor::registerTilingInterfaceExternalModels(registry);
  affine::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerValueBoundsOpInterfaceExternalModels(registry);
  linalg::registerValueBoundsOpInterfaceExternalModels(registry);
  scf::registerValueBoundsOpInterfaceExternalModels(registry);
  tensor::registerValueBoundsOpInterfaceExternalModels(registry);
  vector::registerValueBoundsOpInterfaceExternalModels(registry);
  linalg::registerSubsetOpInterfaceExternalModels(registry);
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
}

namespace {
/// The `linalg.copy` a packed result's unpack lowers to (of the result reshaped, or of its
/// leading rows when they are dynamic, into a `tensor.empty` or into the slice of C a split
/// product computes) is the tensor itself: bufferized, it would copy the whole result, though
/// that was computed in place (a convolution's 18 MB at 1000 images, 2 ms).
struct ForwardUnpackCopy : OpRewritePattern<linalg::CopyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::CopyOp copy, PatternRewriter &rewriter) const override {
    if (!copy.hasPureTensorSemantics() || copy.getInputs().size() != 1 ||
        copy.getInputs()[0].getType() != copy.getResultTypes()[0])
      return failure();
    Value source = copy.getInputs()[0];
    if (auto slice = source.getDefiningOp<tensor::ExtractSliceOp>();
        slice && slice.hasZeroOffset() && slice.hasUnitStride())
      source = slice.getSource();
    if (!copy.getOutputs()[0].getDefiningOp<tensor::EmptyOp>() &&
        !source.getDefiningOp<tensor::CollapseShapeOp>())
      return failure();
    rewriter.replaceOp(copy, copy.getInputs()[0]);
    return success();
  }
};

struct XGradSchedulePass : public mlir::xgrad::impl::XGradScheduleBase<XGradSchedulePass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    if (library.empty())
      return success();
    FailureOr<OwningOpRef<ModuleOp>> parsed = mlir::xgrad::readScheduleLibrary(context, library);
    if (failed(parsed))
      return failure();
    userLibrary = std::make_shared<OwningOpRef<ModuleOp>>(std::move(*parsed));
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<std::string> kernels;
    SmallVector<linalg::GenericOp> unnamed;
    func.walk([&](linalg::GenericOp generic) {
      if (auto name = generic->getAttrOfType<StringAttr>(mlir::xgrad::kKernelNameAttr))
        kernels.push_back(name.str());
      else
        unnamed.push_back(generic);
    });
    int64_t width = vectorWidth > 0 ? int64_t(vectorWidth) : mlir::xgrad::hostVectorWidth();
    // Generics without a kernel name (written by hand, or by another pass) get the default
    // schedule first, while every one of them is still there.
    for (linalg::GenericOp generic : unnamed)
      if (failed(scheduleKernel(generic, "", width)))
        return signalPassFailure();
    for (const std::string &kernel : kernels)
      if (linalg::GenericOp generic = findKernel(func, kernel))
        if (failed(scheduleKernel(generic, kernel, width)))
          return signalPassFailure();

    func.walk([](scf::ForOp loop) { loop->removeAttr(kRegisterTilesAttr); });
    RewritePatternSet cleanup(&getContext());
    cleanup.add<ForwardUnpackCopy>(&getContext());
    if (failed(applyPatternsGreedily(func, std::move(cleanup))))
      return signalPassFailure();
  }

  /// The first generic of `kernel`: a schedule applied earlier may have cloned ops of its
  /// own kernel, never of one scheduled later.
  static linalg::GenericOp findKernel(func::FuncOp func, llvm::StringRef kernel) {
    linalg::GenericOp found;
    func.walk([&](linalg::GenericOp generic) {
      auto name = generic->getAttrOfType<StringAttr>(mlir::xgrad::kKernelNameAttr);
      if (name && name.getValue() == kernel) {
        found = generic;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return found;
  }

  /// Applies the schedule of `generic`, whose kernel name is `kernel` (empty: none).
  LogicalResult scheduleKernel(linalg::GenericOp generic, llvm::StringRef kernel,
                               int64_t width) {
    if (userLibrary && !kernel.empty()) {
      ModuleOp library = userLibrary->get();
      if (auto sequence = library.lookupSymbol<transform::NamedSequenceOp>(kernel))
        return apply(generic, kernel, sequence, library, "the schedule library's");
    }
    IRRewriter rewriter(&getContext());
    // A convolution over a batch gathers the patches of one image at a time, in cache, and
    // multiplies them there: the whole batch's patches are KH x KW times the images.
    if (std::optional<unsigned> batch = mlir::xgrad::convolutionBatchLoop(generic))
      generic = mlir::xgrad::convolutionPerImage(rewriter, generic, *batch).first;
    FailureOr<linalg::GenericOp> overPatches =
        mlir::xgrad::convolutionToMatrixProduct(
            rewriter, generic, [&](int64_t m, int64_t n, int64_t k) {
              return mlir::xgrad::contractionFit(m, n, k, width);
            });
    if (succeeded(overPatches))
      generic = *overPatches;
    // Columns that two vectors do not divide: the part they do and the rest are scheduled
    // apart, each with the widest register tile that fits it; a narrow rest no vector
    // divides is padded to one that does.
    if (std::optional<mlir::xgrad::ProductColumns> split =
            mlir::xgrad::chooseColumnSplit(generic, width)) {
      rewriter.setInsertionPoint(generic);
      auto [head, rest] =
          linalg::splitOp(rewriter, cast<TilingInterface>(generic.getOperation()), split->loop,
                          rewriter.getIndexAttr(split->columns));
      if (failed(scheduleKernel(cast<linalg::GenericOp>(head.getOperation()), kernel, width)))
        return failure();
      return scheduleKernel(cast<linalg::GenericOp>(rest.getOperation()), kernel, width);
    }
    if (std::optional<mlir::xgrad::ProductColumns> padding =
            mlir::xgrad::chooseColumnPadding(generic, width)) {
      FailureOr<linalg::GenericOp> padded =
          mlir::xgrad::padProductColumns(rewriter, generic, padding->loop, padding->columns);
      if (succeeded(padded))
        generic = *padded;
    }
    if (std::optional<mlir::xgrad::ContractionTiles> tiles =
            mlir::xgrad::chooseContractionTiles(generic, width)) {
      FailureOr<linalg::GenericOp> product = mlir::xgrad::toMatrixProduct(rewriter, generic);
      if (failed(product))
        return success(); // Not a product of this form: the kernel keeps its loops.
      generic = *product;
      SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
      tiles->transposedA = maps[0].getResult(0) == getAffineDimExpr(2, &getContext());
      tiles->transposedB = maps[1].getResult(0) == getAffineDimExpr(1, &getContext());
      return applyDefault(generic, kernel, "contraction",
                          mlir::xgrad::contractionScheduleSource("contraction", *tiles));
    }
    generic = mlir::xgrad::readStridedInputsAsSlices(rewriter, generic);
    if (std::optional<SmallVector<unsigned>> order = preferredOrder(generic)) {
      rewriter.setInsertionPoint(generic);
      FailureOr<linalg::GenericOp> interchanged =
          linalg::interchangeGenericOp(rewriter, generic, *order);
      if (failed(interchanged))
        return failure();
      generic = *interchanged;
    }
    std::optional<std::string> source =
        mlir::xgrad::elementwiseScheduleSource("elementwise", generic, width);
    if (!source)
      return success(); // Loops in that order, for LLVM to vectorize.
    return applyDefault(generic, kernel, "elementwise", *source);
  }

  /// Applies the default schedule `source`, whose named sequence is `@<name>`.
  LogicalResult applyDefault(linalg::GenericOp generic, llvm::StringRef kernel,
                             llvm::StringRef name, llvm::StringRef source) {
    OwningOpRef<ModuleOp> schedule = parseSourceString<ModuleOp>(source, &getContext());
    if (!schedule)
      return generic.emitError() << "internal error: the " << name
                                 << " schedule does not parse";
    auto sequence = schedule->lookupSymbol<transform::NamedSequenceOp>(name);
    return apply(generic, kernel, sequence, *schedule, ("the default " + name).str());
  }

  LogicalResult apply(linalg::GenericOp generic, llvm::StringRef kernel,
                      transform::NamedSequenceOp sequence, ModuleOp library,
                      llvm::StringRef which) {
    Location loc = generic.getLoc();
    if (succeeded(transform::applyTransformNamedSequence(generic, sequence, library,
                                                         transform::TransformOptions())))
      return success();
    return emitError(loc) << "kernel '" << (kernel.empty() ? "(unnamed)" : kernel) << "': "
                          << which << " schedule @"
                          << sequence.getSymName() << " failed to apply";
  }

  std::shared_ptr<OwningOpRef<ModuleOp>> userLibrary;
};
} // namespace
