//===- ElementwiseSchedule.cpp - the default schedule of an elementwise kernel -===//
//
// See ElementwiseSchedule.h; the measurements are in docs/Rationale.md ("Elementwise
// kernels are vectorized along their innermost loop").
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/ElementwiseSchedule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

std::optional<mlir::xgrad::StridedRead> mlir::xgrad::asStridedRead(AffineExpr expr) {
  int64_t offset = 0, scale = 1;
  if (auto sum = dyn_cast<AffineBinaryOpExpr>(expr);
      sum && sum.getKind() == AffineExprKind::Add) {
    auto constant = dyn_cast<AffineConstantExpr>(sum.getRHS());
    if (!constant || constant.getValue() < 0)
      return std::nullopt;
    offset = constant.getValue();
    expr = sum.getLHS();
  }
  if (auto product = dyn_cast<AffineBinaryOpExpr>(expr);
      product && product.getKind() == AffineExprKind::Mul) {
    auto constant = dyn_cast<AffineConstantExpr>(product.getRHS());
    if (!constant || constant.getValue() <= 0)
      return std::nullopt;
    scale = constant.getValue();
    expr = product.getLHS();
  }
  auto loop = dyn_cast<AffineDimExpr>(expr);
  if (!loop)
    return std::nullopt;
  return StridedRead{loop.getPosition(), scale, offset};
}

linalg::GenericOp mlir::xgrad::readStridedInputsAsSlices(RewriterBase &rewriter,
                                                         linalg::GenericOp generic) {
  if (!generic.hasPureTensorSemantics() || !generic.getShapesToLoopsMap())
    return generic;
  MLIRContext *context = generic.getContext();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  SmallVector<std::optional<SmallVector<mlir::xgrad::StridedRead>>> reads;
  bool any = false;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = maps[input->getOperandNumber()];
    reads.emplace_back();
    if (map.isProjectedPermutation())
      continue;
    SmallVector<mlir::xgrad::StridedRead> strided;
    llvm::SmallBitVector seen(map.getNumDims());
    for (AffineExpr result : map.getResults()) {
      std::optional<mlir::xgrad::StridedRead> read = mlir::xgrad::asStridedRead(result);
      if (!read || seen.test(read->loop))
        break;
      seen.set(read->loop);
      strided.push_back(*read);
    }
    if (strided.size() != map.getNumResults())
      continue;
    reads.back() = std::move(strided);
    any = true;
  }
  if (!any)
    return generic;

  Location loc = generic.getLoc();
  rewriter.setInsertionPoint(generic);
  SmallVector<Range> ranges =
      cast<linalg::LinalgOp>(generic.getOperation()).createLoopRanges(rewriter, loc);
  SmallVector<Value> inputs;
  for (auto [input, strided] : llvm::zip(generic.getDpsInputOperands(), reads)) {
    if (!strided) {
      inputs.push_back(input->get());
      continue;
    }
    // The slice holds exactly the elements the loops read: `offset + scale * i` for i in
    // the loop's range (in bounds, as the kernel's reads were).
    SmallVector<OpFoldResult> offsets, sizes, strides;
    SmallVector<AffineExpr> results;
    for (const mlir::xgrad::StridedRead &read : *strided) {
      offsets.push_back(rewriter.getIndexAttr(read.offset));
      sizes.push_back(ranges[read.loop].size);
      strides.push_back(rewriter.getIndexAttr(read.scale));
      results.push_back(getAffineDimExpr(read.loop, context));
    }
    inputs.push_back(
        tensor::ExtractSliceOp::create(rewriter, loc, input->get(), offsets, sizes, strides));
    maps[input->getOperandNumber()] = AffineMap::get(generic.getNumLoops(), 0, results, context);
  }
  auto rewritten = linalg::GenericOp::create(rewriter, loc, generic.getResultTypes(), inputs,
                                             generic.getDpsInits(), maps,
                                             generic.getIteratorTypesArray());
  rewriter.inlineRegionBefore(generic.getRegion(), rewritten.getRegion(),
                              rewritten.getRegion().begin());
  rewritten->setDiscardableAttrs(generic->getDiscardableAttrDictionary());
  rewriter.replaceOp(generic, rewritten->getResults());
  return rewritten;
}

std::optional<std::string> mlir::xgrad::elementwiseScheduleSource(llvm::StringRef name,
                                                                  linalg::GenericOp generic,
                                                                  int64_t vectorWidth) {
  unsigned loops = generic.getNumLoops();
  if (loops < 2 || !generic.hasPureTensorSemantics() ||
      generic.getNumParallelLoops() != loops)
    return std::nullopt;
  unsigned innermost = loops - 1;
  for (AffineMap map : generic.getIndexingMapsArray()) {
    if (!map.isProjectedPermutation())
      return std::nullopt;
    std::optional<unsigned> position =
        map.getResultPosition(getAffineDimExpr(innermost, generic.getContext()));
    if (position && *position != map.getNumResults() - 1)
      return std::nullopt;
  }
  for (Operation &op : generic.getRegion().front().without_terminator())
    if (!isa<arith::ArithDialect, math::MathDialect>(op.getDialect()))
      return std::nullopt;
  int64_t extent = generic.getStaticLoopRanges()[innermost];
  // No vector has a zero extent.
  if (ShapedType::isDynamic(extent) || extent <= 0 || extent % 4 != 0)
    return std::nullopt;
  // The widest multiple of the vector (up to four registers) dividing the loop; a loop
  // shorter than a register is one vector. The outermost loop's tiles are disjoint: the
  // threads share it (xgrad-outer-parallel), as they shared the kernel's loops before.
  int64_t width = extent;
  if (extent > vectorWidth) {
    width = 0;
    for (int64_t size = 4 * vectorWidth; size >= vectorWidth && !width; size -= vectorWidth)
      if (extent % size == 0)
        width = size;
    if (!width)
      return std::nullopt;
  }
  std::string sizes, results;
  for (unsigned loop = 0; loop < innermost; ++loop) {
    sizes += "1, ";
    results += ", !transform.any_op";
  }
  sizes += std::to_string(width == extent ? 0 : width);
  if (width != extent)
    results += ", !transform.any_op";
  return llvm::formatv(R"(module attributes {{transform.with_named_sequence} {{
  transform.named_sequence @{0}(%kernel: !transform.any_op {{transform.consumed}) {{
    %tile, %loops:{1} = transform.structured.tile_using_for %kernel tile_sizes [{2}]
      : (!transform.any_op) -> (!transform.any_op{3})
    transform.structured.vectorize %tile : !transform.any_op
    transform.annotate %loops#0 "xgrad.parallel_tiles" : !transform.any_op
    transform.yield
  }
}
)",
                       name, width == extent ? innermost : loops, sizes, results)
      .str();
}
