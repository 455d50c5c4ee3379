//===- ContractionForms.cpp - kernels rewritten into the matrix product form -===//
//
// The contraction schedule handles one form, C[m, n] += A[m, k] * B[k, n]. Two rewrites
// bring more kernels to it: a convolution (a read at `y + ky`) becomes a product over a
// patches tensor (im2col), its loop groups collapsed to one m, n and k; a product whose
// operands or loops come in another order is rebuilt in the schedule's (A and B stored
// transposed are read as stored: the schedule takes A[k, m] and B[n, k]).
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/ContractionSchedule.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::xgrad;

/// The body is `out + a * b` (either order) on floats, and nothing else: the rewrites below
/// rebuild the body, so upstream's isContractionBody, which also accepts chains of unary
/// ops (casts, negations) between the arguments and the multiply, would lose them.
bool mlir::xgrad::isMultiplyAccumulate(linalg::GenericOp generic) {
  Block &body = generic.getRegion().front();
  if (generic.getNumDpsInputs() != 2 || generic.getNumDpsInits() != 1 ||
      body.getOperations().size() != 3)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value out = body.getArgument(2);
  Value product = add.getLhs() == out ? add.getRhs() : add.getRhs() == out ? add.getLhs() : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul)
    return false;
  Value a = body.getArgument(0), b = body.getArgument(1);
  return (mul.getLhs() == a && mul.getRhs() == b) || (mul.getLhs() == b && mul.getRhs() == a);
}

/// The loop dimensions `map` reads.
static llvm::SmallBitVector usedDims(AffineMap map) {
  llvm::SmallBitVector used(map.getNumDims());
  for (AffineExpr result : map.getResults())
    result.walk([&](AffineExpr expr) {
      if (auto dim = dyn_cast<AffineDimExpr>(expr))
        used.set(dim.getPosition());
    });
  return used;
}

/// A generic computing `init + a * b` over `loops` with the given maps (dims 0..loops-1).
static linalg::GenericOp buildMultiplyAccumulate(RewriterBase &rewriter, Location loc,
                                                 Value a, Value b, Value init,
                                                 ArrayRef<AffineMap> maps,
                                                 ArrayRef<utils::IteratorType> iterators) {
  return linalg::GenericOp::create(
      rewriter, loc, init.getType(), ValueRange{a, b}, ValueRange{init}, maps, iterators,
      [](OpBuilder &builder, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(builder, loc, args[0], args[1]);
        Value sum = arith::AddFOp::create(builder, loc, args[2], product);
        linalg::YieldOp::create(builder, loc, sum);
      });
}

/// A copy of `tensor` whose dimension i is its dimension permutation[i].
static Value permuted(RewriterBase &rewriter, Location loc, Value tensor,
                      ArrayRef<int64_t> permutation) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, tensor);
  SmallVector<OpFoldResult> permutedSizes;
  for (int64_t dim : permutation)
    permutedSizes.push_back(sizes[dim]);
  auto type = cast<RankedTensorType>(tensor.getType());
  Value empty = tensor::EmptyOp::create(rewriter, loc, permutedSizes, type.getElementType());
  return linalg::TransposeOp::create(rewriter, loc, tensor, empty, permutation)->getResult(0);
}

FailureOr<linalg::GenericOp> mlir::xgrad::toMatrixProduct(RewriterBase &rewriter,
                                                          linalg::GenericOp generic) {
  if (generic.getNumLoops() != 3 || !isMultiplyAccumulate(generic) ||
      !generic.hasPureTensorSemantics())
    return failure();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  auto dimsOf = [&](unsigned operand) -> std::optional<std::pair<unsigned, unsigned>> {
    AffineMap map = maps[operand];
    if (map.getNumResults() != 2 || !map.isProjectedPermutation())
      return std::nullopt;
    return std::make_pair(cast<AffineDimExpr>(map.getResult(0)).getPosition(),
                          cast<AffineDimExpr>(map.getResult(1)).getPosition());
  };
  auto c = dimsOf(2), first = dimsOf(0), second = dimsOf(1);
  if (!c || !first || !second || c->first == c->second)
    return failure();
  unsigned m = c->first, n = c->second, k = 3 - m - n;
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  if (iterators[k] != utils::IteratorType::reduction ||
      iterators[m] != utils::IteratorType::parallel ||
      iterators[n] != utils::IteratorType::parallel)
    return failure();
  auto holds = [](std::pair<unsigned, unsigned> dims, unsigned x, unsigned y) {
    return (dims.first == x && dims.second == y) || (dims.first == y && dims.second == x);
  };
  // A is the operand over {m, k}, B the one over {k, n}.
  bool swapped = holds(*second, m, k) && holds(*first, k, n);
  if (!swapped && !(holds(*first, m, k) && holds(*second, k, n)))
    return failure();
  auto aDims = swapped ? *second : *first, bDims = swapped ? *first : *second;
  Value a = generic.getDpsInputs()[swapped ? 1 : 0], b = generic.getDpsInputs()[swapped ? 0 : 1];
  bool canonical = !swapped && m == 0 && n == 1 && k == 2;
  if (canonical)
    return generic;

  Location loc = generic.getLoc();
  rewriter.setInsertionPoint(generic);
  // Both are read as stored: A stored [k][m] gives the register tile its columns of A
  // contiguous, B stored [n][k] is packed into panels in one copy.
  bool aStoredTransposed = aDims != std::make_pair(m, k);
  bool bStoredTransposed = bDims != std::make_pair(k, n);
  MLIRContext *context = generic.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  SmallVector<AffineMap> canonicalMaps = {
      aStoredTransposed ? AffineMap::get(3, 0, {d(2), d(0)}, context)
                        : AffineMap::get(3, 0, {d(0), d(2)}, context),
      bStoredTransposed ? AffineMap::get(3, 0, {d(1), d(2)}, context)
                        : AffineMap::get(3, 0, {d(2), d(1)}, context),
      AffineMap::get(3, 0, {d(0), d(1)}, context)};
  linalg::GenericOp product = buildMultiplyAccumulate(
      rewriter, loc, a, b, generic.getDpsInits()[0], canonicalMaps,
      {utils::IteratorType::parallel, utils::IteratorType::parallel,
       utils::IteratorType::reduction});
  product->setDiscardableAttrs(generic->getDiscardableAttrDictionary());
  rewriter.replaceOp(generic, product->getResults());
  return product;
}

std::optional<unsigned> mlir::xgrad::convolutionBatchLoop(linalg::GenericOp generic) {
  if (!isMultiplyAccumulate(generic) || !generic.hasPureTensorSemantics() ||
      generic.getNumLoops() <= 3)
    return std::nullopt;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  int image = -1;
  for (int operand : {0, 1})
    if (!maps[operand].isProjectedPermutation())
      image = image == -1 ? operand : -2;
  if (image < 0 || !maps[2].isProjectedPermutation() || maps[2].getNumResults() == 0 ||
      maps[image].getNumResults() == 0)
    return std::nullopt;
  auto batch = dyn_cast<AffineDimExpr>(maps[2].getResult(0));
  if (!batch || maps[image].getResult(0) != batch ||
      maps[1 - image].isFunctionOfDim(batch.getPosition()) ||
      generic.getIteratorTypesArray()[batch.getPosition()] != utils::IteratorType::parallel ||
      generic.getStaticLoopRanges()[batch.getPosition()] == 1)
    return std::nullopt;
  for (AffineExpr result : maps[image].getResults().drop_front())
    if (result.isFunctionOfDim(batch.getPosition()))
      return std::nullopt;
  return batch.getPosition();
}

std::pair<linalg::GenericOp, scf::ForOp>
mlir::xgrad::convolutionPerImage(RewriterBase &rewriter, linalg::GenericOp generic,
                                 unsigned batch) {
  Location loc = generic.getLoc();
  rewriter.setInsertionPoint(generic);
  Value init = generic.getDpsInits()[0];
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value images = tensor::DimOp::create(rewriter, loc, init, 0);
  linalg::GenericOp perImage;
  auto loop = scf::ForOp::create(
      rewriter, loc, zero, images, one, ValueRange{init},
      [&](OpBuilder &builder, Location loc, Value index, ValueRange iterArgs) {
        // Each operand the batch loop indexes (the image at its first dimension, the result
        // at its first) is sliced to that one image.
        auto imageSlice = [&](Value tensor) {
          auto type = cast<RankedTensorType>(tensor.getType());
          SmallVector<OpFoldResult> offsets(type.getRank(), builder.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(builder, loc, tensor);
          SmallVector<OpFoldResult> strides(type.getRank(), builder.getIndexAttr(1));
          offsets[0] = index;
          sizes[0] = builder.getIndexAttr(1);
          return tensor::ExtractSliceOp::create(builder, loc, tensor, offsets, sizes, strides);
        };
        SmallVector<Value> inputs;
        for (OpOperand *input : generic.getDpsInputOperands())
          inputs.push_back(generic.getMatchingIndexingMap(input).isFunctionOfDim(batch)
                               ? Value(imageSlice(input->get()))
                               : input->get());
        tensor::ExtractSliceOp out = imageSlice(iterArgs[0]);
        perImage = linalg::GenericOp::create(
            builder, loc, TypeRange{out.getType()}, inputs, ValueRange{out.getResult()},
            generic.getIndexingMapsArray(), generic.getIteratorTypesArray());
        IRMapping mapping;
        generic.getRegion().cloneInto(&perImage.getRegion(), mapping);
        perImage->setDiscardableAttrs(generic->getDiscardableAttrDictionary());
        Value inserted = tensor::InsertSliceOp::create(
            builder, loc, perImage.getResult(0), iterArgs[0], out.getMixedOffsets(),
            out.getMixedSizes(), out.getMixedStrides());
        scf::YieldOp::create(builder, loc, inserted);
      });
  loop->setAttr(kParallelTilesAttr, rewriter.getUnitAttr());
  rewriter.replaceOp(generic, loop->getResults());
  return std::make_pair(perImage, loop);
}

FailureOr<linalg::GenericOp> mlir::xgrad::convolutionToMatrixProduct(
    RewriterBase &rewriter, linalg::GenericOp generic,
    llvm::function_ref<int(int64_t, int64_t, int64_t)> fit) {
  if (!isMultiplyAccumulate(generic) || !generic.hasPureTensorSemantics() ||
      generic.getNumLoops() <= 3)
    return failure();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  // The image is the one input read at affine combinations of loops (y + ky).
  int image = -1;
  for (int operand : {0, 1})
    if (!maps[operand].isProjectedPermutation())
      image = image == -1 ? operand : -2;
  if (image < 0 || !maps[1 - image].isProjectedPermutation() ||
      !maps[2].isProjectedPermutation())
    return failure();
  unsigned loops = generic.getNumLoops();
  llvm::SmallBitVector inImage = usedDims(maps[image]), inOther = usedDims(maps[1 - image]),
                      inOut = usedDims(maps[2]);
  // Loop groups of the product: rows (output and image), columns (output and the other
  // operand), the reduction (both operands); a loop in all three, or in one only, is not a
  // matrix product.
  SmallVector<int64_t> rows, columns, depth;
  for (unsigned loop = 0; loop < loops; ++loop) {
    bool i = inImage[loop], o = inOther[loop], out = inOut[loop];
    if (out && i && !o)
      rows.push_back(loop);
    else if (out && o && !i)
      columns.push_back(loop);
    else if (i && o && !out)
      depth.push_back(loop);
    else
      return failure();
  }
  if (rows.empty() || columns.empty() || depth.empty())
    return failure();

  SmallVector<int64_t> staticRanges = generic.getStaticLoopRanges();
  auto extent = [&](ArrayRef<int64_t> group) {
    int64_t product = 1;
    for (int64_t loop : group) {
      if (ShapedType::isDynamic(staticRanges[loop]))
        return ShapedType::kDynamic;
      product *= staticRanges[loop];
    }
    return product;
  };
  int64_t firstOfResult = cast<AffineDimExpr>(maps[2].getResult(0)).getPosition();
  bool rowsFirst = llvm::is_contained(rows, firstOfResult);
  // A result stored columns first (a filter gradient, out[f, ky, kx, c]) whose product
  // computed rows first fits the schedule better is computed transposed, rows first:
  // patches and the other operand are then read as stored. 25 = 5 x 5 x 1 columns take no
  // vector; 72 = 3 x 3 x 8 would be split into 64 and 8, where 16 filters are one panel.
  int asStored = fit(extent(rowsFirst ? rows : columns), extent(rowsFirst ? columns : rows),
                     extent(depth));
  bool transposeResult =
      !rowsFirst && fit(extent(rows), extent(columns), extent(depth)) > asStored;
  if (!asStored && !transposeResult)
    return failure();

  MLIRContext *context = generic.getContext();
  SmallVector<int64_t> patchLoops(rows);
  patchLoops.append(depth);
  // The kernel over the patches, its loops ordered rows, columns, depth; each group is then
  // one loop (collapsing needs each group contiguous and in order in every map).
  SmallVector<int64_t> order(rows);
  order.append(columns);
  order.append(depth);
  SmallVector<AffineExpr> toNew(loops);
  for (auto [position, loop] : llvm::enumerate(order))
    toNew[loop] = getAffineDimExpr(position, context);
  SmallVector<AffineExpr> patchResults;
  for (int64_t loop : patchLoops)
    patchResults.push_back(toNew[loop]);
  SmallVector<AffineMap> newMaps(3);
  newMaps[image] = AffineMap::get(loops, 0, patchResults, context);
  newMaps[1 - image] = maps[1 - image].replaceDimsAndSymbols(toNew, {}, loops, 0);
  // The transposed result's dimension i is the original's resultOrder[i]: rows, then columns.
  SmallVector<int64_t> resultOrder;
  for (int64_t loop : llvm::concat<int64_t>(rows, columns))
    resultOrder.push_back(*maps[2].getResultPosition(getAffineDimExpr(loop, context)));
  newMaps[2] = transposeResult
                   ? AffineMap::getMultiDimIdentityMap(loops, context)
                         .getMajorSubMap(resultOrder.size())
                   : maps[2].replaceDimsAndSymbols(toNew, {}, loops, 0);
  SmallVector<ReassociationIndices> groups(3);
  int64_t next = 0;
  SmallVector<int64_t> groupSizes = {int64_t(rows.size()), int64_t(columns.size()),
                                     int64_t(depth.size())};
  for (auto [group, size] : llvm::enumerate(groupSizes))
    for (int64_t i = 0; i < size; ++i)
      groups[group].push_back(next++);
  for (AffineMap map : newMaps) {
    // Every group the map reads must appear as consecutive, increasing results.
    SmallVector<int64_t> positions;
    for (AffineExpr result : map.getResults())
      positions.push_back(cast<AffineDimExpr>(result).getPosition());
    for (const ReassociationIndices &group : groups) {
      auto first = llvm::find(positions, group.front());
      if (first == positions.end())
        continue;
      for (size_t i = 0; i < group.size(); ++i)
        if (first + i == positions.end() || first[i] != group[i])
          return failure();
    }
  }
  // Only now that the form is known: the patches tensor, one element per (rows, depth)
  // loop value, gathered from the image.
  Location loc = generic.getLoc();
  rewriter.setInsertionPoint(generic);
  SmallVector<Range> ranges =
      cast<linalg::LinalgOp>(generic.getOperation()).createLoopRanges(rewriter, loc);
  SmallVector<OpFoldResult> patchSizes;
  for (int64_t loop : patchLoops)
    patchSizes.push_back(ranges[loop].size);
  auto imageType = cast<RankedTensorType>(generic.getDpsInputs()[image].getType());
  Value empty = tensor::EmptyOp::create(rewriter, loc, patchSizes, imageType.getElementType());
  SmallVector<AffineExpr> renumber(loops, getAffineConstantExpr(0, context));
  for (auto [position, loop] : llvm::enumerate(patchLoops))
    renumber[loop] = getAffineDimExpr(position, context);
  AffineMap gather = maps[image].replaceDimsAndSymbols(renumber, {}, patchLoops.size(), 0);
  auto patches = linalg::GenericOp::create(
      rewriter, loc, empty.getType(), ValueRange{generic.getDpsInputs()[image]},
      ValueRange{empty},
      {gather, AffineMap::getMultiDimIdentityMap(patchLoops.size(), context)},
      SmallVector<utils::IteratorType>(patchLoops.size(), utils::IteratorType::parallel),
      [](OpBuilder &builder, Location loc, ValueRange args) {
        linalg::YieldOp::create(builder, loc, args[0]);
      });
  if (auto name = generic->getAttrOfType<StringAttr>(kKernelNameAttr))
    patches->setAttr(kKernelNameAttr,
                     StringAttr::get(context, name.getValue() + ".patches"));

  SmallVector<utils::IteratorType> iterators;
  for (int64_t loop : order)
    iterators.push_back(generic.getIteratorTypesArray()[loop]);
  Value inputs[2];
  inputs[image] = patches->getResult(0);
  inputs[1 - image] = generic.getDpsInputs()[1 - image];
  Value init = generic.getDpsInits()[0];
  if (transposeResult)
    init = permuted(rewriter, loc, init, resultOrder);
  linalg::GenericOp reordered =
      buildMultiplyAccumulate(rewriter, loc, inputs[0], inputs[1], init, newMaps, iterators);
  reordered->setDiscardableAttrs(generic->getDiscardableAttrDictionary());
  SmallVector<int64_t> back = invertPermutationVector(resultOrder);
  auto restored = [&](Value result) {
    rewriter.setInsertionPointAfterValue(result);
    return transposeResult ? permuted(rewriter, loc, result, back) : result;
  };
  rewriter.setInsertionPoint(reordered);
  FailureOr<linalg::CollapseResult> collapsed =
      linalg::collapseOpIterationDims(reordered, groups, rewriter);
  if (failed(collapsed)) {
    // Not expected after the checks above; the kernel then keeps its loops, reordered.
    rewriter.replaceOp(generic, restored(reordered->getResult(0)));
    return reordered;
  }
  auto product = cast<linalg::GenericOp>(collapsed->collapsedOp.getOperation());
  product->setDiscardableAttrs(reordered->getDiscardableAttrDictionary());
  rewriter.replaceOp(generic, restored(collapsed->results[0]));
  rewriter.eraseOp(reordered);
  return product;
}

/// `tensor` widened to `extent` along `dim` with zeros: a zero tensor that wide, the
/// operand copied into its leading part.
static Value zeroPadded(RewriterBase &rewriter, Location loc, Value tensor, unsigned dim,
                        int64_t extent) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, tensor);
  SmallVector<OpFoldResult> paddedSizes(sizes);
  paddedSizes[dim] = rewriter.getIndexAttr(extent);
  Value empty = tensor::EmptyOp::create(rewriter, loc, paddedSizes, type.getElementType());
  // A fill of C is the fill of the wider tensor; anything else is copied into zeros.
  if (auto fill = tensor.getDefiningOp<linalg::FillOp>())
    return linalg::FillOp::create(rewriter, loc, fill.value(), empty).getResult(0);
  Value zero = arith::ConstantOp::create(rewriter, loc,
                                         rewriter.getZeroAttr(type.getElementType()));
  Value zeros = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
  SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
  Value part = tensor::ExtractSliceOp::create(rewriter, loc, zeros, offsets, sizes, strides);
  Value copied = linalg::CopyOp::create(rewriter, loc, tensor, part).getResult(0);
  return tensor::InsertSliceOp::create(rewriter, loc, copied, zeros, offsets, sizes, strides);
}

FailureOr<linalg::GenericOp> mlir::xgrad::padProductColumns(RewriterBase &rewriter,
                                                           linalg::GenericOp generic,
                                                           unsigned loop, int64_t columns) {
  Location loc = generic.getLoc();
  AffineExpr column = rewriter.getAffineDimExpr(loop);
  // Every operand reads the column loop as a whole index of one dimension, or not at all.
  for (AffineMap map : generic.getIndexingMapsArray())
    for (AffineExpr result : map.getResults())
      if (result != column && result.isFunctionOfDim(loop))
        return failure();
  rewriter.setInsertionPoint(generic);
  SmallVector<Value> operands;
  for (OpOperand &operand : generic->getOpOperands()) {
    std::optional<unsigned> dim =
        generic.getMatchingIndexingMap(&operand).getResultPosition(column);
    operands.push_back(dim ? zeroPadded(rewriter, loc, operand.get(), *dim, columns)
                           : operand.get());
  }
  unsigned inputs = generic.getNumDpsInputs();
  ValueRange all(operands);
  auto padded = linalg::GenericOp::create(
      rewriter, loc, TypeRange{all[inputs].getType()}, all.take_front(inputs),
      all.drop_front(inputs), generic.getIndexingMapsArray(), generic.getIteratorTypesArray());
  rewriter.inlineRegionBefore(generic.getRegion(), padded.getRegion(), padded.getRegion().begin());
  padded->setDiscardableAttrs(generic->getDiscardableAttrDictionary());
  Value init = generic.getDpsInits()[0];
  auto rank = cast<RankedTensorType>(init.getType()).getRank();
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
  Value leading = tensor::ExtractSliceOp::create(rewriter, loc, padded.getResult(0), offsets,
                                                 tensor::getMixedSizes(rewriter, loc, init),
                                                 strides);
  rewriter.replaceOp(generic, leading);
  return padded;
}
