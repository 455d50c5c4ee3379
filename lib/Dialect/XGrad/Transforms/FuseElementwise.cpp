//===- FuseElementwise.cpp - elementwise kernels computed in their reader -===//
//
// An elementwise kernel whose result one other kernel reads, each element once (through one
// input, or the few strided inputs of a pooling window), is computed inside that kernel
// (upstream linalg::fuseElementwiseOps): no temporary to allocate, one pass over memory
// instead of two, and less IR for LLVM to compile. One whose result is also read later (an
// optimizer's moment, returned as state and read by the parameter's update) is computed in
// its elementwise reader, which writes that result too. Flattened kernels (flat
// reads `x{i}`) first take their neighbours' shape by upstream reshape propagation. Kernels
// a user schedule names are left apart, so that schedule applies to the kernel it was
// written for. A kernel accumulating into a caller's tensor reads it as an input instead,
// so that bufferization does not copy the caller's read-only buffer first.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/ElementwiseSchedule.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"
#include "xgrad/Dialect/XGrad/Transforms/ScheduleLibrary.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Dialect/Transform/IR/TransformOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADFUSEELEMENTWISE
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

namespace {
/// The kernels a fusion may touch: every loop parallel, tensors, and no user schedule.
struct Fusable {
  const llvm::StringSet<> &scheduled;

  bool operator()(linalg::GenericOp generic) const {
    return generic && generic.hasPureTensorSemantics() &&
           generic.getNumParallelLoops() == generic.getNumLoops() && !isScheduled(generic);
  }

  /// Whether the schedule library names the kernel of `op`.
  bool isScheduled(Operation *op) const {
    auto name = op->getAttrOfType<StringAttr>(mlir::xgrad::kKernelNameAttr);
    return name && scheduled.contains(name.getValue());
  }
};

/// Whether each group of `reshape` (a collapse_shape or expand_shape) has at most one
/// dynamic extent: the expand_shape ops of a propagation through it would otherwise crash
/// expand-strided-metadata in LLVM 22 (XGradToLinalg takes tensor.reshape for those).
static bool expandsOneDynamicExtentPerGroup(Operation *reshape) {
  RankedTensorType expanded;
  SmallVector<ReassociationIndices> groups;
  if (auto collapse = dyn_cast_or_null<tensor::CollapseShapeOp>(reshape)) {
    expanded = collapse.getSrcType();
    groups = collapse.getReassociationIndices();
  } else if (auto expand = dyn_cast_or_null<tensor::ExpandShapeOp>(reshape)) {
    expanded = expand.getResultType();
    groups = expand.getReassociationIndices();
  } else {
    return false;
  }
  return llvm::all_of(groups, [&](const ReassociationIndices &group) {
    return llvm::count_if(group, [&](int64_t dim) { return expanded.isDynamicDim(dim); }) <= 1;
  });
}

/// An elementwise kernel `out[i] ++= v` whose tensor starts as zeros is `out[i] = v`: each
/// element is written once. Its init becomes a `tensor.empty`, so that no fill is written
/// and read back, and the kernel no longer reads its output (which fusion would otherwise
/// carry along as an input). `0 + v` and `v` differ only in the sign of a zero.
struct WriteOnceIntoZeros : OpRewritePattern<linalg::GenericOp> {
  WriteOnceIntoZeros(MLIRContext *context, Fusable fusable)
      : OpRewritePattern(context), fusable(fusable) {}

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    if (!fusable(generic) || generic.getNumDpsInits() != 1)
      return failure();
    OpOperand *init = generic.getDpsInitOperand(0);
    if (!generic.getMatchingIndexingMap(init).isPermutation())
      return failure();
    auto fill = init->get().getDefiningOp<linalg::FillOp>();
    auto zero = fill ? fill.getInputs()[0].getDefiningOp<arith::ConstantFloatOp>()
                     : arith::ConstantFloatOp();
    if (!zero || !zero.value().isPosZero())
      return failure();
    Block &body = generic.getRegion().front();
    BlockArgument out = generic.getMatchingBlockArgument(init);
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    auto sum = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
    if (!sum || !out.hasOneUse() || !sum->hasOneUse())
      return failure();
    // `out` has one use, so it is one operand of the sum and the other is the value.
    if (sum.getLhs() != out && sum.getRhs() != out)
      return failure();
    Value value = sum.getLhs() == out ? sum.getRhs() : sum.getLhs();
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, generic.getLoc(), fill.getResult(0));
    Value empty = tensor::EmptyOp::create(rewriter, generic.getLoc(), sizes,
                                          getElementTypeOrSelf(init->get().getType()));
    rewriter.modifyOpInPlace(generic, [&] {
      yield->setOperand(0, value);
      init->set(empty);
    });
    rewriter.eraseOp(sum);
    return success();
  }

  Fusable fusable;
};

/// `producer` reading what it accumulates into (a bias added into a product's result) as an
/// input instead, into a new tensor: fused, its result would otherwise still be written
/// (upstream fusion keeps a result whose init the payload reads). Only the inits `which`
/// accepts move; returns the rewritten kernel, or `producer` when none moved.
static linalg::GenericOp readInitsAsInputs(RewriterBase &rewriter, linalg::GenericOp producer,
                                           llvm::function_ref<bool(OpOperand &)> which) {
  SmallVector<OpOperand *> moved;
  for (OpOperand &init : producer.getDpsInitsMutable())
    if (!producer.getMatchingBlockArgument(&init).use_empty() && which(init))
      moved.push_back(&init);
  if (moved.empty())
    return producer;
  Location loc = producer.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(producer);
  SmallVector<Value> inputs = producer.getDpsInputs(), inits = producer.getDpsInits();
  SmallVector<AffineMap> maps = producer.getIndexingMapsArray();
  unsigned numInputs = producer.getNumDpsInputs();
  for (OpOperand *init : moved) {
    inputs.push_back(init->get());
    maps.insert(maps.begin() + inputs.size() - 1, producer.getMatchingIndexingMap(init));
    unsigned index = init->getOperandNumber() - numInputs;
    inits[index] = tensor::EmptyOp::create(rewriter, loc,
                                           tensor::getMixedSizes(rewriter, loc, init->get()),
                                           getElementTypeOrSelf(init->get().getType()));
  }
  auto reading = linalg::GenericOp::create(rewriter, loc, producer.getResultTypes(), inputs,
                                           inits, maps, producer.getIteratorTypesArray());
  rewriter.inlineRegionBefore(producer.getRegion(), reading.getRegion(),
                              reading.getRegion().begin());
  Block &body = reading.getRegion().front();
  for (auto [position, init] : llvm::enumerate(moved)) {
    BlockArgument out = body.getArgument(init->getOperandNumber() + position);
    BlockArgument asInput = body.insertArgument(numInputs + position, out.getType(), loc);
    rewriter.replaceAllUsesWith(out, asInput);
  }
  reading->setDiscardableAttrs(producer->getDiscardableAttrDictionary());
  rewriter.replaceOp(producer, reading->getResults());
  return reading;
}

static linalg::GenericOp readInitAsInput(RewriterBase &rewriter, linalg::GenericOp producer) {
  return readInitsAsInputs(rewriter, producer, [](OpOperand &) { return true; });
}

/// Whether `value` is an argument the caller owns (inputs and state): bufferization may not
/// write it, so a kernel accumulating into it would first copy all of it into a new buffer.
static bool isCallerOwned(Value value) {
  auto argument = dyn_cast<BlockArgument>(value);
  auto function = argument ? dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp())
                           : FunctionOpInterface();
  if (!function || argument.getOwner() != &function.getFunctionBody().front())
    return false;
  auto writable = function.getArgAttrOfType<BoolAttr>(
      argument.getArgNumber(), bufferization::BufferizationDialect::kWritableAttrName);
  return writable && !writable.getValue();
}

/// An elementwise kernel accumulating into the caller's tensor (an optimizer's
/// `m[i] ++= ...`, a parameter's update) reads it as an input into a new tensor instead: one
/// pass over memory, where bufferization's copy of the read-only argument made two. The
/// caller's buffers stay as they were until the call succeeds (all or nothing).
struct ReadCallerOwnedInit : OpRewritePattern<linalg::GenericOp> {
  ReadCallerOwnedInit(MLIRContext *context, Fusable fusable)
      : OpRewritePattern(context), fusable(fusable) {}

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    if (!fusable(generic))
      return failure();
    linalg::GenericOp reading = readInitsAsInputs(
        rewriter, generic, [](OpOperand &init) { return isCallerOwned(init.get()); });
    return success(reading != generic);
  }

  Fusable fusable;
};

/// Whether the kernel reading through `map` reads no element twice: every result is one
/// loop, scaled and offset by constants (`2 * y + 1`, a pooling window's), and every loop
/// appears in one. A broadcast, or a product's operand, misses a loop.
static bool readsEachElementAtMostOnce(AffineMap map) {
  llvm::SmallBitVector loops(map.getNumDims());
  for (AffineExpr result : map.getResults()) {
    std::optional<mlir::xgrad::StridedRead> read = mlir::xgrad::asStridedRead(result);
    if (!read)
      return false;
    loops.set(read->loop);
  }
  return loops.all();
}

/// The most inputs of one kernel an elementwise kernel is fused into: each recomputes it
/// where it reads (a 2 x 2 pooling window reads its producer four times, each element once).
constexpr unsigned kMaxFusedReads = 4;

/// Whether `producer` is computed where `consumer` reads it, without computing any of its
/// elements more than kMaxFusedReads times: the consumer is its only reader, through at most
/// that many inputs, each reading no element twice (one input: a permutation, or the
/// strided reads of a window).
static bool fusesIntoReads(linalg::GenericOp producer, linalg::GenericOp consumer) {
  unsigned reads = 0;
  for (OpOperand &use : producer->getUses()) {
    if (use.getOwner() != consumer.getOperation() || !consumer.isDpsInput(&use) ||
        ++reads > kMaxFusedReads)
      return false;
    AffineMap map = consumer.getMatchingIndexingMap(&use);
    if (!map.isPermutation() && !readsEachElementAtMostOnce(map))
      return false;
  }
  return reads != 0;
}

/// Whether `producer`, whose result other kernels read too, is computed inside the
/// elementwise `consumer` and its result written from there: the consumer reads it through
/// one input, each element once, and comes before every other reader (which then reads the
/// fused kernel's result). An optimizer's update of a moment, read by the parameter's update
/// and returned as state, is one pass with it instead of a write and a read back.
static bool fusesKeepingResult(linalg::GenericOp producer, linalg::GenericOp consumer,
                               const Fusable &fusable) {
  if (!fusable(consumer) || producer->getBlock() != consumer->getBlock())
    return false;
  unsigned reads = 0;
  for (OpOperand &use : producer->getUses()) {
    Operation *user = consumer->getBlock()->findAncestorOpInBlock(*use.getOwner());
    if (use.getOwner() == consumer.getOperation()) {
      if (!consumer.isDpsInput(&use) || !consumer.getMatchingIndexingMap(&use).isPermutation())
        return false;
      ++reads;
    } else if (!user || !consumer->isBeforeInBlock(user)) {
      return false;
    }
  }
  return reads == 1;
}

/// The producer of one of a kernel's inputs, when it is elementwise and the kernel reads each
/// of its elements a bounded number of times (fusesIntoReads), is computed inside the kernel;
/// so is one other kernels read too, its result then written by the fused kernel
/// (fusesKeepingResult).
struct FuseIntoReader : OpRewritePattern<linalg::GenericOp> {
  FuseIntoReader(MLIRContext *context, Fusable fusable)
      : OpRewritePattern(context), fusable(fusable) {}

  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    if (!consumer.hasPureTensorSemantics() || fusable.isScheduled(consumer))
      return failure();
    auto name = consumer->getAttrOfType<StringAttr>(mlir::xgrad::kKernelNameAttr);
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
      // A broadcast or a product's operand would recompute it for each element it is read.
      if (!fusable(producer) ||
          !(fusesIntoReads(producer, consumer) ||
            fusesKeepingResult(producer, consumer, fusable)) ||
          !linalg::areElementwiseOpsFusable(operand))
        continue;
      StringAttr kernel =
          name ? name : producer->getAttrOfType<StringAttr>(mlir::xgrad::kKernelNameAttr);
      linalg::GenericOp reading = readInitAsInput(rewriter, producer);
      bool rewritten = reading != producer;
      producer = reading;
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, operand);
      if (failed(fused)) {
        if (rewritten)
          return success(); // The producer was rewritten all the same.
        continue;
      }
      if (kernel)
        fused->fusedOp->setAttr(mlir::xgrad::kKernelNameAttr, kernel);
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceUsesWithIf(original, replacement, [&](OpOperand &use) {
          return use.getOwner() != producer.getOperation();
        });
      rewriter.eraseOp(consumer);
      return success();
    }
    return failure();
  }

  Fusable fusable;
};

/// Upstream rewrites make new generics without the old one's attributes: a generic that
/// replaces a named kernel (through the reshapes of a propagation) takes its name.
struct KeepKernelNames : RewriterBase::Listener {
  void notifyOperationReplaced(Operation *op, ValueRange replacement) override {
    auto name = op->getAttrOfType<StringAttr>(mlir::xgrad::kKernelNameAttr);
    if (!name || !isa<linalg::GenericOp>(op))
      return;
    for (Value value : replacement) {
      Operation *producer = value.getDefiningOp();
      while (producer && isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(producer))
        producer = producer->getOperand(0).getDefiningOp();
      if (isa_and_nonnull<linalg::GenericOp>(producer) &&
          !producer->hasAttr(mlir::xgrad::kKernelNameAttr))
        producer->setAttr(mlir::xgrad::kKernelNameAttr, name);
    }
  }
};

struct XGradFuseElementwisePass
    : public mlir::xgrad::impl::XGradFuseElementwiseBase<XGradFuseElementwisePass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    if (library.empty())
      return success();
    FailureOr<OwningOpRef<ModuleOp>> parsed = mlir::xgrad::readScheduleLibrary(context, library);
    if (failed(parsed))
      return failure();
    (*parsed)->walk([&](transform::NamedSequenceOp sequence) {
      scheduled.insert(sequence.getSymName());
    });
    return success();
  }

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    Fusable fusable{scheduled};
    // Every kernel written once is rewritten first: a fused kernel keeps the sums of zeros
    // of its parts as they were, and the result would depend on the order of the rewrites.
    RewritePatternSet writeOnce(context);
    writeOnce.add<WriteOnceIntoZeros>(context, fusable);
    linalg::FillOp::getCanonicalizationPatterns(writeOnce, context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(writeOnce))))
      return signalPassFailure();
    RewritePatternSet patterns(context);
    // After propagation, a flattened update reads the caller's tensor itself, not a reshape.
    patterns.add<FuseIntoReader, ReadCallerOwnedInit>(context, fusable);
    // A flattened elementwise kernel between two reshapes takes the shape of the tensors it
    // reads and writes, so that the kernels around it can be fused with it.
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, [fusable](OpOperand *operand) {
      // The generic reads a collapsed tensor, or an expand_shape reads the generic's result.
      auto generic = dyn_cast<linalg::GenericOp>(operand->getOwner());
      Operation *reshape = generic ? operand->get().getDefiningOp() : operand->getOwner();
      if (!generic)
        generic = operand->get().getDefiningOp<linalg::GenericOp>();
      return fusable(generic) && expandsOneDynamicExtentPerGroup(reshape);
    });
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::EmptyOp::getCanonicalizationPatterns(patterns, context);
    tensor::DimOp::getCanonicalizationPatterns(patterns, context);
    linalg::FillOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    // A tensor a fused kernel reads twice (a state read and accumulated into) is read once.
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    KeepKernelNames names;
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     GreedyRewriteConfig().setListener(&names))))
      return signalPassFailure();
  }

  llvm::StringSet<> scheduled;
};
} // namespace
