//===- AllReduce.cpp - xgrad.all_reduce to one buffer summed over ranks ---===//
//
// The gradients travel packed in one flat buffer: one collective per step, whatever the
// number of parameters (per-parameter all-reduces pay MPI's latency once each).
//
//===----------------------------------------------------------------------===//
#include "AllReduce.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::xgrad;

/// `result[i] = body(source[i])` over a 1-D tensor.
static Value mapElements(OpBuilder &b, Location loc, Value source,
                         function_ref<Value(OpBuilder &, Location, Value)> body) {
  auto type = cast<RankedTensorType>(source.getType());
  AffineMap identity = b.getMultiDimIdentityMap(1);
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{source}, ValueRange{init},
      ArrayRef<AffineMap>{identity, identity}, ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc, body(nested, nestedLoc, args[0]));
      });
  return generic.getResult(0);
}

/// Reassociation of all of `rank` dimensions into one (none for a scalar tensor).
static SmallVector<ReassociationIndices> intoOne(int64_t rank) {
  if (rank == 0)
    return {};
  ReassociationIndices all;
  for (int64_t d = 0; d < rank; ++d)
    all.push_back(d);
  return {all};
}

LogicalResult mlir::xgrad::lowerAllReduce(AllReduceOp op, Value status, OpBuilder &b) {
  Location loc = op.getLoc();
  auto elementType = cast<FloatType>(
      cast<TensorType>(op.getGradients().front().getType()).getElementType());
  SmallVector<int64_t> offsets, sizes;
  int64_t total = 0;
  for (Value gradient : op.getGradients()) {
    auto type = dyn_cast<RankedTensorType>(gradient.getType());
    if (!type || !type.hasStaticShape())
      return op.emitOpError("needs gradients of static shape (they are packed into one "
                            "buffer), got ")
             << gradient.getType();
    offsets.push_back(total);
    sizes.push_back(type.getNumElements());
    total += type.getNumElements();
  }
  // After the gradients: this rank's weight (its batch rows; unused for a sum), then the
  // verdict, which sum_over_ranks writes.
  int64_t weightAt = total, length = total + 2;
  auto flatType = RankedTensorType::get({length}, elementType);
  auto bufferType = MemRefType::get({length}, elementType);
  auto constant = [&](double value) -> Value {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(elementType, value));
  };
  auto indexConstant = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(b, loc, value);
  };

  // Allocated before any guard: a rank whose checks failed still takes part, with this
  // buffer, in the collective every other rank runs.
  auto func = op->getParentOfType<func::FuncOp>();
  OpBuilder atEntry = OpBuilder::atBlockBegin(&func.getBody().front());
  Value buffer = memref::AllocOp::create(atEntry, loc, bufferType);

  Value flat = tensor::EmptyOp::create(b, loc, flatType.getShape(), elementType);
  flat = linalg::FillOp::create(b, loc, constant(0.0), flat).getResult(0);
  for (auto [gradient, offset, size] : llvm::zip(op.getGradients(), offsets, sizes)) {
    auto type = cast<RankedTensorType>(gradient.getType());
    auto vectorType = RankedTensorType::get({size}, elementType);
    Value vector = gradient;
    if (type.getRank() == 0)
      vector = tensor::ExpandShapeOp::create(b, loc, vectorType, gradient, intoOne(0));
    else if (type.getRank() > 1)
      vector = tensor::CollapseShapeOp::create(b, loc, gradient, intoOne(type.getRank()));
    flat = tensor::InsertSliceOp::create(b, loc, vector, flat,
                                         ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
                                         ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
                                         ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }
  Value weight;
  if (Value batch = op.getBatch()) {
    Value rows = tensor::DimOp::create(b, loc, batch, 0);
    Value rows64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), rows);
    weight = arith::SIToFPOp::create(b, loc, elementType, rows64);
    // A rank without rows has a mean of nothing (0/0, NaN): it contributes zero, not NaN.
    Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, weight, constant(0.0));
    flat = mapElements(b, loc, flat, [&](OpBuilder &nb, Location nl, Value element) -> Value {
      Value weighted = arith::MulFOp::create(nb, nl, element, weight);
      return arith::SelectOp::create(nb, nl, empty, constant(0.0), weighted);
    });
    flat = tensor::InsertOp::create(b, loc, weight, flat, ValueRange{indexConstant(weightAt)});
  }
  auto materialize = bufferization::MaterializeInDestinationOp::create(b, loc, flat, buffer);
  materialize.setRestrict(true);
  materialize.setWritable(true);
  SumOverRanksOp::create(b, loc, buffer, status);
  // What follows needs every rank's gradients: it runs only when no rank failed.
  GuardOp::create(b, loc, status);
  Value sums = bufferization::ToTensorOp::create(b, loc, flatType, buffer, /*restrict=*/true,
                                                 /*writable=*/true);
  if (op.getBatch()) {
    Value rows = tensor::ExtractOp::create(b, loc, sums, ValueRange{indexConstant(weightAt)});
    sums = mapElements(b, loc, sums, [&](OpBuilder &nb, Location nl, Value element) -> Value {
      return arith::DivFOp::create(nb, nl, element, rows);
    });
  }
  for (auto [result, offset, size] : llvm::zip(op.getResults(), offsets, sizes)) {
    auto type = cast<RankedTensorType>(result.getType());
    Value piece = tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({size}, elementType), sums, ValueRange{}, ValueRange{},
        ValueRange{}, b.getDenseI64ArrayAttr({offset}), b.getDenseI64ArrayAttr({size}),
        b.getDenseI64ArrayAttr({1}));
    if (type.getRank() == 0)
      piece = tensor::CollapseShapeOp::create(b, loc, type, piece, intoOne(0));
    else if (type.getRank() > 1)
      piece = tensor::ExpandShapeOp::create(b, loc, type, piece, intoOne(type.getRank()));
    result.replaceAllUsesWith(piece);
  }
  op.erase();
  return success();
}
