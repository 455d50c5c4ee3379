//===- XGradToLinalg.cpp - kernels to linalg.generic or scf loops ---------===//
#include "AllReduce.h"
#include "xgrad/Conversion/Passes.h"
#include "xgrad/Dialect/XGrad/IR/ShapeRules.h"
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

namespace mlir::xgrad {
#define GEN_PASS_DEF_CONVERTXGRADTOLINALG
#include "xgrad/Conversion/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;
using namespace mlir::xgrad;

namespace {

/// Lowers the kernels and graph-level xgrad ops of one function.
class FunctionLowering {
public:
  FunctionLowering(func::FuncOp func, SmallVector<Attribute> &messages, bool useLinalg,
                   bool checkFinite)
      : func(func), messages(messages), useLinalg(useLinalg), checkFinite(checkFinite) {}

  LogicalResult run();

private:
  Value index(OpBuilder &b, Location loc, int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  /// Registers `message` and records check `id`'s failure with `lhs` and `rhs` in the
  /// status buffer, unless an earlier failure is recorded already.
  void recordFailure(OpBuilder &b, Location loc, StringRef message, Value lhs, Value rhs);
  /// `if (!condition) recordFailure(...)`; returns the scf.if.
  Operation *emitCheck(OpBuilder &b, Location loc, Value condition, StringRef message,
                       Value lhs, Value rhs);
  /// Checks that the kernel's result fits the caller's allocation limit, unless it is small
  /// enough for any machine; returns the check's scf.if, if there is one.
  Operation *checkAllocation(OpBuilder &b, Location loc, KernelOp kernel);
  /// Fails the run if `result`, the kernel's value, holds a NaN or an infinity.
  void checkFiniteResult(OpBuilder &b, Location loc, KernelOp kernel, Value result);
  /// Checks every kernel's result before anything runs, each as early as its sizes are
  /// known (most right after the inputs' dims), so that one guard covers them all.
  void checkAllocations(ArrayRef<Operation *> ops);
  Value lowerShapeQuery(Operation *op, OpBuilder &b, IRMapping &mapping);
  /// A tensor viewed as one dimension, for flat accesses.
  Value collapsed(OpBuilder &b, Location loc, Value tensor);
  /// Clones one body op of a kernel into `b`, lowering xgrad's scalar ops; reads are
  /// lowered to tensor.extract.
  LogicalResult lowerBodyOp(Operation &op, OpBuilder &b, IRMapping &mapping,
                            DenseMap<Value, Value> &flatViews);
  /// The extents of `tensor`, one per index.
  SmallVector<Value> extentsOf(OpBuilder &b, Location loc, Value tensor, size_t count) {
    SmallVector<Value> extents;
    for (size_t dim = 0; dim < count; ++dim)
      extents.push_back(tensor::DimOp::create(b, loc, tensor, dim));
    return extents;
  }
  /// `inBounds()` if every index is inside `extents`; otherwise records which is not
  /// (`what` names the access) and yields `outOfBounds()`, so the access never happens.
  Value guardIndices(OpBuilder &b, Location loc, ValueRange extents, ValueRange indices,
                     const std::string &what, Type type,
                     function_ref<Value(OpBuilder &)> inBounds,
                     function_ref<Value(OpBuilder &)> outOfBounds);
  Value extractChecked(OpBuilder &b, ReadOp read, Value tensor, ValueRange indices);
  FailureOr<Value> lowerKernelToLoops(KernelOp kernel, OpBuilder &b, Value init);
  FailureOr<Value> lowerKernelToGeneric(KernelOp kernel, OpBuilder &b, Value init);

  func::FuncOp func;
  SmallVector<Attribute> &messages;
  bool useLinalg, checkFinite;
  /// The elements of each `xgrad.array` of the kernel body being lowered.
  DenseMap<Value, SmallVector<Value>> arrays;
  Value epoch, step, status;
  /// A check ran since the last guard: the next kernel needs one.
  bool unguarded = false;
  /// Allocation checks placed ahead of the kernel being lowered: the first kernel after
  /// one of them needs a guard.
  SmallVector<Operation *> unguardedChecks;
  /// The kernel being lowered has checked accesses.
  bool kernelChecks = false;
};

} // namespace

void FunctionLowering::recordFailure(OpBuilder &b, Location loc, StringRef message,
                                     Value lhs, Value rhs) {
  int64_t id = messages.size();
  messages.push_back(b.getStringAttr(message));
  auto field = [&](OpBuilder &at, abi::StatusField which) { return index(at, loc, which); };
  auto i64 = [&](OpBuilder &at, Value value) -> Value {
    if (value.getType().isIndex())
      return arith::IndexCastOp::create(at, loc, at.getI64Type(), value);
    return value;
  };
  // OpenMP threads may fail at once: only the first to set the flag writes the rest, and
  // nobody reads the rest before the threads have joined.
  Value one = arith::ConstantIntOp::create(b, loc, 1, 64);
  Value previous = memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::ori, one, status,
                                               ValueRange{field(b, abi::kFailed)});
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, previous,
                                      arith::ConstantIntOp::create(b, loc, 0, 64));
  auto ifFirst = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
  OpBuilder then = ifFirst.getThenBodyBuilder();
  memref::StoreOp::create(then, loc, arith::ConstantIntOp::create(then, loc, id, 64), status,
                          ValueRange{field(then, abi::kCheckId)});
  memref::StoreOp::create(then, loc, i64(then, lhs), status, ValueRange{field(then, abi::kLhs)});
  memref::StoreOp::create(then, loc, i64(then, rhs), status, ValueRange{field(then, abi::kRhs)});
}

Operation *FunctionLowering::emitCheck(OpBuilder &b, Location loc, Value condition,
                                       StringRef message, Value lhs, Value rhs) {
  Value failed =
      arith::XOrIOp::create(b, loc, condition, arith::ConstantIntOp::create(b, loc, 1, 1));
  auto ifOp = scf::IfOp::create(b, loc, failed, /*withElseRegion=*/false);
  OpBuilder then = ifOp.getThenBodyBuilder();
  recordFailure(then, loc, message, lhs, rhs);
  return ifOp;
}

Operation *FunctionLowering::checkAllocation(OpBuilder &b, Location loc, KernelOp kernel) {
  auto type = cast<RankedTensorType>(kernel.getType());
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  // Static results up to 1 MiB are allocated unchecked: every machine has that.
  constexpr int64_t kAlwaysFits = int64_t(1) << 20;
  if (type.hasStaticShape() && type.getNumElements() <= kAlwaysFits / elementBytes)
    return nullptr;
  auto i64 = [&](int64_t value) -> Value { return arith::ConstantIntOp::create(b, loc, value, 64); };
  Value max = i64(std::numeric_limits<int64_t>::max());
  // The bytes, saturating at INT64_MAX: `bytes * extent` would overflow exactly when bytes
  // exceeds INT64_MAX / extent. A negative extent saturates too.
  Value bytes = i64(elementBytes);
  for (Value extent : kernel.getShape()) {
    Value size = arith::IndexCastOp::create(b, loc, b.getI64Type(), extent);
    Value divisor = arith::MaxSIOp::create(b, loc, size, i64(1));
    Value overflows = arith::OrIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, bytes,
                              arith::DivSIOp::create(b, loc, max, divisor)),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, size, i64(0)));
    bytes = arith::SelectOp::create(b, loc, overflows, max,
                                    arith::MulIOp::create(b, loc, bytes, size));
  }
  Value limit = memref::LoadOp::create(b, loc, status,
                                       ValueRange{index(b, loc, abi::kAllocationLimit)});
  Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, bytes, limit);
  return emitCheck(b, loc, fits,
                   describeKernel(kernel) + ": its result (" + llvm::formatv("{0}", type).str() +
                       ") needs {lhs} bytes, more than the {rhs} bytes one buffer may take "
                       "(this machine's memory)",
                   bytes, limit);
}

void FunctionLowering::checkFiniteResult(OpBuilder &b, Location loc, KernelOp kernel,
                                         Value result) {
  auto type = cast<RankedTensorType>(result.getType());
  // Counted by a reduction into a 0-d tensor: a linalg.generic that the schedule leaves as
  // it is and bufferization turns into one loop nest over the result.
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 64);
  Value empty = tensor::EmptyOp::create(b, loc, RankedTensorType::get({}, b.getI64Type()),
                                        ValueRange{});
  Value count = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  MLIRContext *context = b.getContext();
  SmallVector<AffineMap> maps{AffineMap::getMultiDimIdentityMap(type.getRank(), context),
                              AffineMap::get(type.getRank(), 0, context)};
  SmallVector<utils::IteratorType> iterators(type.getRank(), utils::IteratorType::reduction);
  Value counted =
      linalg::GenericOp::create(
          b, loc, count.getType(), ValueRange{result}, ValueRange{count}, maps, iterators,
          [&](OpBuilder &body, Location at, ValueRange args) {
            Value infinity = arith::ConstantOp::create(
                body, at, body.getFloatAttr(type.getElementType(), INFINITY));
            Value magnitude = math::AbsFOp::create(body, at, args[0]);
            // `olt` is false for NaN (unordered) and for both infinities.
            Value finite = arith::CmpFOp::create(body, at, arith::CmpFPredicate::OLT,
                                                 magnitude, infinity);
            Value one = arith::ExtUIOp::create(
                body, at, body.getI64Type(),
                arith::XOrIOp::create(body, at, finite,
                                      arith::ConstantIntOp::create(body, at, 1, 1)));
            linalg::YieldOp::create(body, at,
                                    ValueRange{arith::AddIOp::create(body, at, args[1], one)});
          })
          .getResult(0);
  Value nonFinite = tensor::ExtractOp::create(b, loc, counted, ValueRange{});
  Value none = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, nonFinite, zero);
  emitCheck(b, loc, none,
            describeKernel(kernel) + " of target '" + func.getSymName().str() +
                "' produced {lhs} non-finite values (NaN or infinity)",
            nonFinite, zero);
  unguarded = true;
}

void FunctionLowering::checkAllocations(ArrayRef<Operation *> ops) {
  Block &block = func.getBody().front();
  for (Operation *op : ops) {
    auto kernel = dyn_cast<KernelOp>(op);
    if (!kernel || kernel.getInit())
      continue;
    Operation *last = nullptr;
    for (Value size : kernel.getShape())
      if (Operation *def = size.getDefiningOp();
          def && def->getBlock() == &block && (!last || last->isBeforeInBlock(def)))
        last = def;
    OpBuilder b = last ? OpBuilder(&block, std::next(last->getIterator()))
                       : OpBuilder::atBlockBegin(&block);
    if (Operation *check = checkAllocation(b, kernel.getLoc(), kernel))
      unguardedChecks.push_back(check);
  }
}

Value FunctionLowering::lowerShapeQuery(Operation *op, OpBuilder &b, IRMapping &mapping) {
  Location loc = op->getLoc();
  if (auto dim = dyn_cast<DimOp>(op))
    return tensor::DimOp::create(b, loc, mapping.lookupOrDefault(dim.getTensor()), dim.getDim());
  if (auto rank = dyn_cast<RankOp>(op))
    return index(b, loc, cast<RankedTensorType>(rank.getTensor().getType()).getRank());
  auto len = cast<LenOp>(op);
  Value tensor = mapping.lookupOrDefault(len.getTensor());
  Value product = index(b, loc, 1);
  for (int64_t dim = 0; dim < cast<RankedTensorType>(tensor.getType()).getRank(); ++dim)
    product = arith::MulIOp::create(b, loc, product, tensor::DimOp::create(b, loc, tensor, dim));
  return product;
}

Value FunctionLowering::collapsed(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getRank() == 1)
    return tensor;
  ReassociationIndices all;
  for (int64_t dim = 0; dim < type.getRank(); ++dim)
    all.push_back(dim);
  return tensor::CollapseShapeOp::create(b, loc, tensor, ArrayRef<ReassociationIndices>{all});
}

/// `++=` adds; `max` keeps the larger value.
static Value combine(OpBuilder &b, Location loc, AccumulateOp write, Value old, Value value) {
  if (write.getMax())
    return arith::MaximumFOp::create(b, loc, old, value);
  return arith::AddFOp::create(b, loc, old, value);
}

/// The one-dimensional result of a flat write, in the kernel's result shape.
static Value expanded(OpBuilder &b, Location loc, RankedTensorType type, Value flat,
                      ValueRange shape) {
  if (type.getRank() == 1)
    return flat;
  // expand_shape (which fusion sees through, xgrad-fuse-elementwise) where it can be:
  // expand-strided-metadata in LLVM 22 crashes on an expand_shape group with more than one
  // dynamic extent, so that takes a tensor.reshape.
  if (type.getNumDynamicDims() <= 1) {
    SmallVector<OpFoldResult> sizes;
    for (auto [extent, size] : llvm::zip(type.getShape(), shape))
      sizes.push_back(ShapedType::isDynamic(extent) ? OpFoldResult(size)
                                                    : b.getIndexAttr(extent));
    ReassociationIndices group = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    return tensor::ExpandShapeOp::create(b, loc, type, flat, ArrayRef{group}, sizes);
  }
  Value shapeTensor = tensor::FromElementsOp::create(b, loc, shape);
  return tensor::ReshapeOp::create(b, loc, type, flat, shapeTensor).getResult();
}

Value FunctionLowering::guardIndices(OpBuilder &b, Location loc, ValueRange extents,
                                     ValueRange indices, const std::string &what, Type type,
                                     function_ref<Value(OpBuilder &)> inBounds,
                                     function_ref<Value(OpBuilder &)> outOfBounds) {
  kernelChecks = true;
  SmallVector<Value> valid;
  Value all = arith::ConstantIntOp::create(b, loc, 1, 1);
  for (auto [dim, idx] : llvm::enumerate(indices)) {
    Value nonNegative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, idx, index(b, loc, 0));
    Value below = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, extents[dim]);
    valid.push_back(arith::AndIOp::create(b, loc, nonNegative, below));
    all = arith::AndIOp::create(b, loc, all, valid.back());
  }
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, all, /*withElseRegion=*/true);
  OpBuilder then = OpBuilder::atBlockEnd(&ifOp.getThenRegion().front());
  scf::YieldOp::create(then, loc, inBounds(then));
  OpBuilder otherwise = OpBuilder::atBlockEnd(&ifOp.getElseRegion().front());
  for (auto [dim, idx] : llvm::enumerate(indices))
    emitCheck(otherwise, loc, valid[dim],
              what + " at dimension " + std::to_string(dim) +
                  " is out of bounds: index {lhs}, extent {rhs}",
              idx, extents[dim]);
  scf::YieldOp::create(otherwise, loc, outOfBounds(otherwise));
  return ifOp.getResult(0);
}

Value FunctionLowering::extractChecked(OpBuilder &b, ReadOp read, Value tensor,
                                       ValueRange indices) {
  Location loc = read.getLoc();
  if (!read.getChecked())
    return tensor::ExtractOp::create(b, loc, tensor, indices);
  Type element = cast<RankedTensorType>(tensor.getType()).getElementType();
  return guardIndices(
      b, loc, extentsOf(b, loc, tensor, indices.size()), indices,
      "the read of " + describeTensor(read.getTensor()), element,
      [&](OpBuilder &at) { return tensor::ExtractOp::create(at, loc, tensor, indices); },
      [&](OpBuilder &at) {
        return arith::ConstantOp::create(at, loc, at.getZeroAttr(element));
      });
}

LogicalResult FunctionLowering::lowerBodyOp(Operation &op, OpBuilder &b, IRMapping &mapping,
                                            DenseMap<Value, Value> &flatViews) {
  Location loc = op.getLoc();
  auto map = [&](Value value) { return mapping.lookupOrDefault(value); };
  Value result;
  if (auto read = dyn_cast<ReadOp>(op)) {
    Value tensor = map(read.getTensor());
    if (read.getFlat()) {
      Value &view = flatViews[tensor];
      if (!view) {
        // The collapse is hoisted out of the loops: it depends only on the tensor.
        OpBuilder hoist(b.getContext());
        if (Operation *def = tensor.getDefiningOp())
          hoist.setInsertionPointAfter(def);
        else
          hoist.setInsertionPointToStart(cast<BlockArgument>(tensor).getOwner());
        view = collapsed(hoist, loc, tensor);
      }
      tensor = view;
    }
    SmallVector<Value> indices;
    for (Value idx : read.getIndices())
      indices.push_back(map(idx));
    result = extractChecked(b, read, tensor, indices);
  } else if (isa<DimOp, LenOp, RankOp>(op)) {
    result = lowerShapeQuery(&op, b, mapping);
  } else if (isa<EpochOp, StepOp>(op)) {
    result = isa<EpochOp>(op) ? epoch : step;
    if (!result)
      return op.emitOpError("needs the function's {")
             << abi::kEpochAttr << "} and {" << abi::kStepAttr
             << "} arguments (run --xgrad-materialize-targets)";
  } else if (auto wrap = dyn_cast<WrapOp>(op)) {
    Value modulus = map(wrap.getRhs());
    Value rem = arith::RemSIOp::create(b, loc, map(wrap.getLhs()), modulus);
    result = arith::RemSIOp::create(b, loc, arith::AddIOp::create(b, loc, rem, modulus), modulus);
  } else if (auto toScalar = dyn_cast<ToScalarOp>(op)) {
    Value value = map(toScalar.getValue());
    if (value.getType().isIndex())
      result = arith::SIToFPOp::create(
          b, loc, toScalar.getType(),
          arith::IndexCastOp::create(b, loc, b.getI64Type(), value));
    else
      result = arith::UIToFPOp::create(b, loc, toScalar.getType(), value);
  } else if (auto toIndex = dyn_cast<ToIndexOp>(op)) {
    result = arith::IndexCastOp::create(
        b, loc, b.getIndexType(),
        arith::FPToSIOp::create(b, loc, b.getI64Type(), map(toIndex.getValue())));
  } else if (auto array = dyn_cast<ArrayOp>(op)) {
    // An array is its elements; reads select among them.
    SmallVector<Value> &elements = arrays[array.getResult()];
    elements.clear();
    for (Value element : array.getElements())
      elements.push_back(map(element));
    return success();
  } else if (auto len = dyn_cast<ArrayLenOp>(op)) {
    result = index(b, loc, cast<ArrayType>(len.getArray().getType()).getLength());
  } else if (auto read = dyn_cast<ArrayReadOp>(op)) {
    auto found = arrays.find(read.getArray());
    if (found == arrays.end())
      return op.emitOpError("reads an array that no 'xgrad.array' in the kernel built");
    ArrayRef<Value> elements = found->second;
    Value at = map(read.getIndex());
    auto select = [&](OpBuilder &in) {
      Value chosen = elements.back();
      for (int64_t j = int64_t(elements.size()) - 2; j >= 0; --j) {
        Value here = arith::CmpIOp::create(in, loc, arith::CmpIPredicate::eq, at, index(in, loc, j));
        chosen = arith::SelectOp::create(in, loc, here, elements[j], chosen);
      }
      return chosen;
    };
    APInt constant;
    if (matchPattern(at, m_ConstantInt(&constant))) {
      result = select(b); // in range: the verifier saw the constant
    } else {
      Type type = read.getType();
      Value length = index(b, loc, int64_t(elements.size()));
      std::string what = "the read of an array";
      if (auto kernel = op.getParentOfType<KernelOp>())
        what = describeKernel(kernel) + ": " + what;
      result = guardIndices(b, loc, ValueRange{length}, ValueRange{at}, what, type, select,
                            [&](OpBuilder &in) -> Value {
                              return arith::ConstantOp::create(in, loc, in.getZeroAttr(type));
                            });
    }
  } else if (op.getDialect() && isa<XGradDialect>(op.getDialect())) {
    return op.emitOpError("cannot be lowered inside a kernel body");
  } else {
    b.clone(op, mapping);
    return success();
  }
  mapping.map(op.getResult(0), result);
  return success();
}

FailureOr<Value> FunctionLowering::lowerKernelToLoops(KernelOp kernel, OpBuilder &b,
                                                      Value init) {
  Location loc = kernel.getLoc();
  AccumulateOp write = kernel.getAccumulate();
  Value result = write.getFlat() ? collapsed(b, loc, init) : init;
  SmallVector<Value> lbs(kernel.getNumIterators(), index(b, loc, 0));
  SmallVector<Value> steps(kernel.getNumIterators(), index(b, loc, 1));
  DenseMap<Value, Value> flatViews;
  LogicalResult status = success();
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, kernel.getBounds(), steps, ValueRange{result},
      [&](OpBuilder &inner, Location, ValueRange ivs, ValueRange carried) -> scf::ValueVector {
        IRMapping mapping;
        mapping.map(kernel.getIterators(), ivs);
        for (Operation &op : kernel.getBody().front())
          if (!isa<AccumulateOp>(op) && failed(lowerBodyOp(op, inner, mapping, flatViews)))
            status = failure();
        SmallVector<Value> indices;
        for (Value idx : write.getIndices())
          indices.push_back(mapping.lookupOrDefault(idx));
        Value value = mapping.lookupOrDefault(write.getValue());
        auto update = [&](OpBuilder &at) -> Value {
          Value old = tensor::ExtractOp::create(at, loc, carried[0], indices);
          Value sum = combine(at, loc, write, old, value);
          return tensor::InsertOp::create(at, loc, sum, carried[0], indices);
        };
        if (!write.getChecked())
          return {update(inner)};
        return {guardIndices(inner, loc, extentsOf(inner, loc, carried[0], indices.size()),
                             indices,
                             "the write of " + describeKernel(kernel),
                             carried[0].getType(), update,
                             [&](OpBuilder &) { return carried[0]; })};
      });
  if (failed(status))
    return failure();
  if (StringAttr name = kernel.getKernelNameAttr(); name && !nest.loops.empty())
    nest.loops.front()->setAttr(kKernelNameAttr, name);
  Value loops = nest.results.empty() ? result : nest.results[0];
  if (!write.getFlat())
    return loops;
  return expanded(b, loc, cast<RankedTensorType>(init.getType()), loops, kernel.getShape());
}

/// Whether a linalg.generic of `kernel` iterates exactly the kernel's bounds. linalg takes
/// each loop's range from the operand dimensions its iterator indexes plainly, so each of
/// them must have that iterator's bound as its extent: provably, or by an equality that a
/// check before the kernel (`facts`: lhs - rhs of each) established. A given result shape
/// can make a range shorter than a read's extent (`d[y] ++= a[y + 1] - a[y]` over `len(a) -
/// 1`); such a kernel is lowered to loops over its bounds instead.
static bool operandsSpanBounds(KernelOp kernel, ArrayRef<IndexPolynomial> facts) {
  Block &body = kernel.getBody().front();
  auto spans = [&](unsigned iterator, const IndexPolynomial &extent) {
    IndexPolynomial difference = IndexPolynomial::of(kernel.getBounds()[iterator]) - extent;
    auto zero = [](const IndexPolynomial &p) { return p.asConstant() == 0; };
    return zero(difference) || llvm::any_of(facts, [&](const IndexPolynomial &fact) {
             return zero(difference - fact) || zero(difference + fact);
           });
  };
  auto plainIterator = [&](Value index) -> std::optional<unsigned> {
    std::optional<AffineIndex> affine = decomposeAffineIndex(index, body);
    return affine ? affine->plainIterator() : std::nullopt;
  };
  for (ReadOp read : body.getOps<ReadOp>())
    for (auto [dim, index] : llvm::enumerate(read.getIndices()))
      if (std::optional<unsigned> iterator = plainIterator(index))
        if (!spans(*iterator,
                   IndexPolynomial::extent(read.getTensor(), read.getFlat() ? -1 : int64_t(dim))))
          return false;
  AccumulateOp write = kernel.getAccumulate();
  auto type = cast<RankedTensorType>(kernel.getType());
  auto resultExtent = [&](int64_t dim) -> IndexPolynomial {
    return type.isDynamicDim(dim) ? IndexPolynomial::of(kernel.getShape()[dim])
                                  : IndexPolynomial(type.getDimSize(dim));
  };
  for (auto [dim, index] : llvm::enumerate(write.getIndices())) {
    std::optional<unsigned> iterator = plainIterator(index);
    if (!iterator)
      continue;
    IndexPolynomial extent(1);
    if (!write.getFlat())
      extent = resultExtent(dim);
    else
      for (int64_t d = 0; d < type.getRank(); ++d)
        extent = extent * resultExtent(d);
    if (!spans(*iterator, extent))
      return false;
  }
  return true;
}

FailureOr<Value> FunctionLowering::lowerKernelToGeneric(KernelOp kernel, OpBuilder &b,
                                                        Value init) {
  Location loc = kernel.getLoc();
  Block &body = kernel.getBody().front();
  AccumulateOp write = kernel.getAccumulate();
  unsigned numLoops = kernel.getNumIterators();
  MLIRContext *ctx = b.getContext();

  // The write must be a projection: distinct plain iterators.
  SmallVector<AffineExpr> writeExprs;
  llvm::SmallBitVector written(numLoops), plain(numLoops);
  for (Value idx : write.getIndices()) {
    auto arg = dyn_cast<BlockArgument>(idx);
    if (!arg || arg.getOwner() != &body || written.test(arg.getArgNumber()))
      return failure();
    written.set(arg.getArgNumber());
    writeExprs.push_back(getAffineDimExpr(arg.getArgNumber(), ctx));
  }
  plain |= written;

  // Reads affine in the iterators become inputs; flat ones read the collapsed tensor.
  SmallVector<ReadOp> inputReads;
  SmallVector<AffineMap> maps;
  for (auto read : body.getOps<ReadOp>()) {
    SmallVector<AffineExpr> exprs;
    bool affine = true;
    for (Value idx : read.getIndices()) {
      std::optional<AffineIndex> decomposed = decomposeAffineIndex(idx, body);
      if (!decomposed) {
        affine = false;
        break;
      }
      AffineExpr expr = getAffineConstantExpr(decomposed->constant, ctx);
      for (auto [iterator, coefficient] : decomposed->coefficients)
        expr = expr + getAffineDimExpr(iterator, ctx) * coefficient;
      if (std::optional<unsigned> iterator = decomposed->plainIterator())
        plain.set(*iterator);
      exprs.push_back(expr);
    }
    if (!affine)
      continue;
    inputReads.push_back(read);
    maps.push_back(AffineMap::get(numLoops, 0, exprs, ctx));
  }
  // linalg derives every loop's range from a shape; an iterator that is a plain index
  // nowhere has none, so such a kernel stays a loop nest.
  if (!plain.all())
    return failure();

  SmallVector<Value> inputs;
  DenseMap<Value, Value> flatViews;
  for (ReadOp read : inputReads) {
    Value tensor = read.getTensor();
    if (read.getFlat()) {
      Value &view = flatViews[tensor];
      if (!view)
        view = collapsed(b, loc, tensor);
      tensor = view;
    }
    inputs.push_back(tensor);
  }
  Value output = write.getFlat() ? collapsed(b, loc, init) : init;
  maps.push_back(AffineMap::get(numLoops, 0, writeExprs, ctx));
  SmallVector<utils::IteratorType> iteratorTypes;
  for (unsigned loop = 0; loop < numLoops; ++loop)
    iteratorTypes.push_back(written.test(loop) ? utils::IteratorType::parallel
                                               : utils::IteratorType::reduction);

  LogicalResult status = success();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{output.getType()}, inputs, ValueRange{output}, maps, iteratorTypes,
      [&](OpBuilder &inner, Location, ValueRange args) {
        IRMapping mapping;
        for (unsigned loop = 0; loop < numLoops; ++loop)
          mapping.map(kernel.getIterators()[loop], linalg::IndexOp::create(inner, loc, loop));
        for (auto [read, arg] : llvm::zip(inputReads, args))
          mapping.map(read.getResult(), arg);
        for (Operation &op : body) {
          if (isa<AccumulateOp>(op))
            continue;
          if (auto read = dyn_cast<ReadOp>(op); read && mapping.contains(read.getResult()))
            continue;
          if (failed(lowerBodyOp(op, inner, mapping, flatViews)))
            status = failure();
        }
        Value sum = combine(inner, loc, write, args.back(),
                            mapping.lookupOrDefault(write.getValue()));
        linalg::YieldOp::create(inner, loc, sum);
      });
  if (failed(status))
    return failure();
  if (StringAttr name = kernel.getKernelNameAttr())
    generic->setAttr(kKernelNameAttr, name);
  Value result = generic.getResult(0);
  if (!write.getFlat())
    return result;
  return expanded(b, loc, cast<RankedTensorType>(init.getType()), result, kernel.getShape());
}

LogicalResult FunctionLowering::run() {
  auto argument = [&](abi::ArgKind kind) -> Value {
    std::optional<unsigned> index = abi::findArg(func, kind);
    return index ? func.getArgument(*index) : Value();
  };
  epoch = argument(abi::ArgKind::Epoch);
  step = argument(abi::ArgKind::Step);
  status = argument(abi::ArgKind::Status);
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    if (op.getDialect() && isa<XGradDialect>(op.getDialect()))
      ops.push_back(&op);
  bool hasChecks = llvm::any_of(ops, [](Operation *op) {
    if (isa<CheckOp>(op))
      return true;
    auto kernel = dyn_cast<KernelOp>(op);
    return kernel && (kernel.getAccumulate().getChecked() ||
                      llvm::any_of(kernel.getBody().getOps<ReadOp>(),
                                   [](ReadOp read) { return read.getChecked(); }));
  });
  // Decided while the function is still xgrad IR, whose extents the polynomials follow.
  llvm::SmallPtrSet<Operation *, 8> genericKernels;
  SmallVector<IndexPolynomial> facts;
  for (Operation *op : ops) {
    if (auto check = dyn_cast<CheckOp>(op); check && check.getPredicate() == CheckPredicate::eq)
      facts.push_back(IndexPolynomial::of(check.getLhs()) - IndexPolynomial::of(check.getRhs()));
    auto kernel = dyn_cast<KernelOp>(op);
    if (useLinalg && kernel && !kernel.getBounds().empty() &&
        isa<RankedTensorType>(kernel.getType()) && operandsSpanBounds(kernel, facts))
      genericKernels.insert(kernel);
  }
  if (hasChecks && !status)
    return func.emitOpError("has run-time checks but no {") << abi::kStatusAttr
           << "} argument to report them in (run --xgrad-materialize-targets)";
  // A kernel's result is checked before it is allocated: a size from the inputs (the outer
  // product of a long vector) can exceed any memory.
  if (status)
    checkAllocations(ops);
  for (Operation *op : ops) {
    OpBuilder b(op);
    Location loc = op->getLoc();
    if (auto check = dyn_cast<CheckOp>(op)) {
      auto predicate = check.getPredicate() == CheckPredicate::eq ? arith::CmpIPredicate::eq
                                                                  : arith::CmpIPredicate::sle;
      emitCheck(b, loc, arith::CmpIOp::create(b, loc, predicate, check.getLhs(), check.getRhs()),
                check.getMessage(), check.getLhs(), check.getRhs());
      unguarded = true;
      op->erase();
      continue;
    }
    if (auto allReduce = dyn_cast<AllReduceOp>(op)) {
      if (!status)
        return op->emitOpError("needs the function's {")
               << abi::kStatusAttr << "} argument to share verdicts (run "
               << "--xgrad-materialize-targets)";
      // Its buffer is packed under the guards before it; the collective and the guard
      // after it are its own.
      if (unguarded)
        GuardOp::create(b, loc, status);
      if (failed(lowerAllReduce(allReduce, status, b)))
        return failure();
      unguarded = false;
      continue;
    }
    if (isa<DimOp, LenOp, RankOp>(op)) {
      IRMapping mapping;
      op->getResult(0).replaceAllUsesWith(lowerShapeQuery(op, b, mapping));
      op->erase();
      continue;
    }
    auto kernel = dyn_cast<KernelOp>(op);
    if (!kernel)
      return op->emitOpError("cannot be lowered: it should have been removed by an earlier "
                             "pass (run --xgrad-materialize-targets first)");
    if (kernel.getBounds().empty())
      return kernel.emitOpError("has no inferred bounds: run --xgrad-infer-shapes first");
    // Kernels may rely on what the checks before them established (equal extents): they
    // run only while every check has held.
    if (llvm::any_of(unguardedChecks,
                     [&](Operation *check) { return check->isBeforeInBlock(kernel); })) {
      unguarded = true;
      llvm::erase_if(unguardedChecks,
                     [&](Operation *check) { return check->isBeforeInBlock(kernel); });
    }
    // --xgrad-expand-guards nests what follows in `if (no check failed)`, after
    // bufferization.
    if (unguarded) {
      GuardOp::create(b, loc, status);
      unguarded = false;
    }
    kernelChecks = false;
    auto type = cast<RankedTensorType>(kernel.getType());
    Value init = kernel.getInit();
    if (!init) {
      SmallVector<Value> dynamicSizes;
      for (auto [dim, size] : llvm::enumerate(kernel.getShape()))
        if (type.isDynamicDim(dim))
          dynamicSizes.push_back(size);
      Value empty = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
      // A sum starts from zero, a maximum from -inf.
      double start = kernel.getAccumulate().getMax() ? -INFINITY : 0.0;
      Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(type.getElementType(), start));
      init = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
    }
    FailureOr<Value> lowered = failure();
    if (genericKernels.contains(kernel))
      lowered = lowerKernelToGeneric(kernel, b, init);
    if (failed(lowered))
      lowered = lowerKernelToLoops(kernel, b, init);
    if (failed(lowered))
      return failure();
    kernel.getResult().replaceAllUsesWith(*lowered);
    if (checkFinite && status && isa<FloatType>(type.getElementType()))
      checkFiniteResult(b, loc, kernel, *lowered);
    kernel.erase();
    unguarded |= kernelChecks;
  }
  return success();
}

namespace {
struct ConvertXGradToLinalgPass
    : public mlir::xgrad::impl::ConvertXGradToLinalgBase<ConvertXGradToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Attribute> messages;
    for (StringRef message : abi::getMessages(module))
      messages.push_back(StringAttr::get(&getContext(), message));
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isDeclaration() &&
          failed(FunctionLowering(func, messages, useLinalg, checkFinite).run()))
        return signalPassFailure();
    abi::setMessages(module, messages);
  }
};
} // namespace
