//===- InferShapes.cpp - iterator ranges and result shapes ----------------===//
//
// Exprgrad infers loop ranges from how tensors are indexed but checks nothing; upstream
// MLIR refuses to infer them at all. This pass infers them and then proves every access in
// bounds, or emits a run-time check where it can't (see docs/Rationale.md).
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/IR/ShapeRules.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"
#include <limits>

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADINFERSHAPES
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;
using namespace mlir::xgrad;

namespace {

/// One read or the write of a kernel: the tensor (null for the write before its shape is
/// known) and its indices.
struct Access {
  Operation *op;
  Value tensor;
  bool flat;
  SmallVector<Value> indices;
  std::string describe() const {
    return (isa<AccumulateOp>(op) ? "the write" : "the read of " + describeTensor(tensor));
  }
};

/// Where an iterator's range comes from.
struct Range {
  Value extent;
  std::string source;
  Operation *access = nullptr;
  /// The tensor a flat read took the range from: a flat write at that iterator copies its
  /// shape (Exprgrad's `result{it} ++= a{it} | it`).
  Value flatSource;
};

static std::optional<int64_t> constantOf(Value value) { return evaluateIndex(value); }

class KernelInference {
public:
  KernelInference(KernelOp kernel, bool explain)
      : kernel(kernel), body(kernel.getBody().front()), builder(kernel), explain(explain),
        ranges(kernel.getNumIterators()) {}

  LogicalResult run();
  /// Guards a kernel that arrives with its bounds and shape: every access the verifier
  /// could not prove inside, and no earlier check in the graph covers, gets a check.
  LogicalResult recheck();

private:
  std::string kernelName() { return describeKernel(kernel); }
  std::string iteratorName(unsigned index) { return describeIterator(body, index); }
  /// Where a named iterator was declared, for a note; null when the IR does not say.
  std::optional<Location> iteratorDeclaration(unsigned index) {
    auto name = dyn_cast<NameLoc>(body.getArgument(index).getLoc());
    if (!name || isa<UnknownLoc>(name.getChildLoc()))
      return std::nullopt;
    return name.getChildLoc();
  }
  /// What a user of each front end writes for 'shape(...)' and 'like(...)'.
  static constexpr const char *withShape =
      "'shape(...)' (`with_shape` in Python, `withShape` in C++)";
  static constexpr const char *copyShape =
      "'like(...)' (`copy_shape` in Python, `copyShape` in C++)";
  Value constant(int64_t value) {
    return arith::ConstantIndexOp::create(builder, kernel.getLoc(), value);
  }
  /// Extents are memoized so that two accesses of one dimension share one value and need
  /// no check that they agree.
  Value extentOf(Value tensor, int64_t dim) {
    Value &extent = extents[{tensor, dim}];
    if (!extent)
      extent = builder.createOrFold<DimOp>(kernel.getLoc(), tensor, dim);
    return extent;
  }
  /// The number of elements of the result, once its shape is known.
  Value resultLength() {
    if (cachedResultLength)
      return cachedResultLength;
    Value length = constant(1);
    for (Value size : resultShape)
      length = builder.createOrFold<arith::MulIOp>(kernel.getLoc(), length, size);
    return cachedResultLength = length;
  }
  /// The product of the extents, so that lengths of tensors of one shape are one value.
  Value lengthOf(Value tensor) {
    Value &extent = extents[{tensor, -1}];
    if (extent)
      return extent;
    auto type = dyn_cast<RankedTensorType>(tensor.getType());
    if (!type)
      return extent = builder.createOrFold<LenOp>(kernel.getLoc(), tensor);
    Value length = constant(1);
    for (int64_t dim = 0; dim < type.getRank(); ++dim)
      length = builder.createOrFold<arith::MulIOp>(kernel.getLoc(), length, extentOf(tensor, dim));
    return extents[{tensor, -1}] = length;
  }
  Value add(Value a, Value b) {
    return builder.createOrFold<arith::AddIOp>(kernel.getLoc(), a, b);
  }
  Value sub(Value a, Value b) {
    return builder.createOrFold<arith::SubIOp>(kernel.getLoc(), a, b);
  }
  Value mul(Value a, int64_t b) {
    return builder.createOrFold<arith::MulIOp>(kernel.getLoc(), a, constant(b));
  }
  Value div(Value a, Value b) {
    return builder.createOrFold<arith::DivSIOp>(kernel.getLoc(), a, b);
  }

  LogicalResult collectAccesses();
  LogicalResult rangesFromPlainIndices();
  LogicalResult rangesFromAffineIndices();
  LogicalResult inferResultShape();
  LogicalResult checkBounds();
  std::optional<std::pair<Value, Value>> interval(Value index);
  LogicalResult checkAtMost(Value lhs, Value rhs, Operation *access, const Twine &what);

  KernelOp kernel;
  Block &body;
  OpBuilder builder;
  bool explain;
  SmallVector<Access> accesses;
  SmallVector<std::optional<Range>> ranges;
  /// Accessed dimensions already proven equal to an iterator's range.
  llvm::DenseSet<std::pair<Operation *, unsigned>> provenDims;
  SmallVector<Value> resultShape;
  std::string shapeSource;
  /// A shape derived from the write itself needs no check that the write fits it.
  bool shapeFromWrite = false;
  llvm::DenseMap<Value, std::optional<std::pair<Value, Value>>> intervals;
  llvm::DenseMap<std::pair<Value, int64_t>, Value> extents;
  Value cachedResultLength;
};

} // namespace

LogicalResult KernelInference::collectAccesses() {
  for (Operation &op : body) {
    if (auto read = dyn_cast<ReadOp>(op)) {
      if (!isa<RankedTensorType>(read.getTensor().getType()))
        return read.emitOpError() << "reads " << describeTensor(read.getTensor())
                                  << ", whose rank is unknown: infer or declare its shape first";
      // The tensor may have become ranked since the read was verified.
      if (failed(verifyIndexCount(read, read.getTensor().getType(), read.getFlat(),
                                  read.getIndices().size(), "a tensor of type")))
        return failure();
      accesses.push_back({read, read.getTensor(), read.getFlat(),
                          SmallVector<Value>(read.getIndices())});
    }
  }
  AccumulateOp write = kernel.getAccumulate();
  accesses.push_back({write, Value(), write.getFlat(), SmallVector<Value>(write.getIndices())});
  return success();
}

LogicalResult KernelInference::rangesFromPlainIndices() {
  // The write counts as a source only when the result's shape is given, and then it comes
  // first: like explicit bounds, a given shape sets the range of each iterator written at a
  // plain index, and a read of a longer extent at that iterator only has to stay inside
  // (`d[y] ++= a[y + 1] - a[y]` over `shape(len(a) - 1)`; its gradient writes `a`'s shape
  // over those bounds). Otherwise plain-index extents must agree (a matmul's inner one).
  SmallVector<Access *> ordered;
  for (Access &access : accesses)
    if (isa<AccumulateOp>(access.op) && !resultShape.empty())
      ordered.insert(ordered.begin(), &access);
    else if (!isa<AccumulateOp>(access.op))
      ordered.push_back(&access);
  for (Access *accessPtr : ordered) {
    Access &access = *accessPtr;
    bool isWrite = isa<AccumulateOp>(access.op);
    for (auto [dim, index] : llvm::enumerate(access.indices)) {
      auto iterator = dyn_cast<BlockArgument>(index);
      if (!iterator || iterator.getOwner() != &body)
        continue;
      Value extent;
      if (access.flat)
        extent = isWrite ? resultLength() : lengthOf(access.tensor);
      else
        extent = isWrite ? resultShape[dim] : extentOf(access.tensor, dim);
      std::string tensorName = isWrite ? "the result" : describeTensor(access.tensor);
      std::string source = access.flat ? "the length of " + tensorName
                                       : "dimension " + std::to_string(dim) + " of " + tensorName;
      std::optional<Range> &range = ranges[iterator.getArgNumber()];
      // A range the kernel was given (its bounds, or its shape at the write) holds; the
      // access at a plain index only has to stay inside its extent (checkBounds).
      if (range && range->access != access.op &&
          (range->access == kernel.getOperation() || isa<AccumulateOp>(range->access)))
        continue;
      provenDims.insert({access.op, unsigned(dim)});
      if (!range) {
        range = Range{extent, source, access.op,
                      access.flat && !isWrite ? access.tensor : Value()};
        continue;
      }
      if (range->extent == extent)
        continue;
      std::optional<int64_t> known = constantOf(range->extent), other = constantOf(extent);
      std::optional<int64_t> difference =
          (IndexPolynomial::of(range->extent) - IndexPolynomial::of(extent)).asConstant();
      if (difference && *difference == 0)
        continue;
      if (difference && !(known && other)) {
        InFlightDiagnostic diag = access.op->emitError()
                                  << kernelName() << ": iterator #" << iterator.getArgNumber()
                                  << " has an extent from " << range->source << " that differs by "
                                  << *difference << " from the one from " << source;
        diag.attachNote(range->access->getLoc()) << "the first extent comes from here";
        return diag;
      }
      if (known && other) {
        if (*known == *other)
          continue;
        InFlightDiagnostic diag = access.op->emitError()
                                  << kernelName() << ": " << iteratorName(iterator.getArgNumber())
                                  << " has extent " << *known << " from " << range->source
                                  << " but " << *other << " from " << source;
        diag.attachNote(range->access->getLoc()) << "the first extent comes from here";
        return diag;
      }
      std::string message = kernelName() + ": " + iteratorName(iterator.getArgNumber()) +
                            " has one extent from " +
                            range->source + " and another from " + source;
      CheckOp::create(builder, access.op->getLoc(), CheckPredicate::eq, range->extent, extent,
                      builder.getStringAttr(message), kernel.getKernelNameAttr());
    }
  }
  return success();
}

LogicalResult KernelInference::rangesFromAffineIndices() {
  // `c * i + rest` stays inside an extent E for i < (E - 1 - max(rest)) / c + 1; each such
  // access bounds i and the range is the smallest bound, so that every access is in bounds.
  bool progress = true;
  while (progress) {
    progress = false;
    for (unsigned iterator = 0; iterator < ranges.size(); ++iterator) {
      if (ranges[iterator])
        continue;
      Value bound;
      std::string sources;
      Operation *first = nullptr;
      for (Access &access : accesses) {
        if (!access.tensor)
          continue;
        for (auto [dim, index] : llvm::enumerate(access.indices)) {
          std::optional<AffineIndex> affine = decomposeAffineIndex(index, body);
          if (!affine || !affine->coefficients.count(iterator) ||
              affine->coefficients.lookup(iterator) <= 0)
            continue;
          Value restMax = constant(affine->constant);
          bool othersKnown = true;
          for (auto [other, coefficient] : affine->coefficients) {
            if (other == iterator)
              continue;
            if (!ranges[other]) {
              othersKnown = false;
              break;
            }
            if (coefficient > 0)
              restMax = add(restMax, mul(sub(ranges[other]->extent, constant(1)), coefficient));
          }
          if (!othersKnown)
            continue;
          Value extent = access.flat ? lengthOf(access.tensor) : extentOf(access.tensor, dim);
          Value candidate =
              add(div(sub(sub(extent, constant(1)), restMax),
                      constant(affine->coefficients.lookup(iterator))),
                  constant(1));
          bound = bound ? builder.createOrFold<arith::MinSIOp>(kernel.getLoc(), bound, candidate)
                        : candidate;
          sources += (sources.empty() ? "" : ", ") + access.describe() + " at dimension " +
                     std::to_string(dim);
          // The range is at most this access's bound, so the access stays in bounds.
          provenDims.insert({access.op, unsigned(dim)});
          first = first ? first : access.op;
        }
      }
      if (!bound)
        continue;
      ranges[iterator] = Range{bound, "solving " + sources, first, Value()};
      progress = true;
    }
  }
  for (auto [iterator, range] : llvm::enumerate(ranges)) {
    if (range)
      continue;
    InFlightDiagnostic diag = kernel.emitOpError()
                              << "cannot infer the range of " << iteratorName(iterator)
                              << (kernel.getKernelName() ? " of " + kernelName() : "")
                              << ": it is not a plain index of any access, and no affine index "
                                 "expression determines it";
    if (std::optional<Location> declared = iteratorDeclaration(iterator))
      diag.attachNote(*declared) << iteratorName(iterator) << " is declared here";
    for (Access &access : accesses)
      diag.attachNote(access.op->getLoc()) << "considered " << access.describe();
    diag.attachNote() << "give the result an explicit shape with " << withShape;
    return diag;
  }
  return success();
}

LogicalResult KernelInference::inferResultShape() {
  AccumulateOp write = kernel.getAccumulate();
  if (!resultShape.empty())
    return success();
  if (write.getFlat()) {
    auto iterator = dyn_cast<BlockArgument>(write.getIndices()[0]);
    Value source = iterator && iterator.getOwner() == &body
                       ? ranges[iterator.getArgNumber()]->flatSource
                       : Value();
    auto sourceType = source ? dyn_cast<RankedTensorType>(source.getType()) : nullptr;
    if (!sourceType)
      return write.emitOpError()
             << "cannot infer the result shape of " << kernelName()
             << " from a flat write: its index is not an iterator ranging over a flat read of "
                "a ranked tensor; give the result an explicit shape with "
             << withShape << " or " << copyShape;
    for (int64_t dim = 0; dim < sourceType.getRank(); ++dim)
      resultShape.push_back(extentOf(source, dim));
    shapeSource = "the shape of " + describeTensor(source) + " (flat write over its elements)";
    shapeFromWrite = true;
    return success();
  }
  for (auto [dim, index] : llvm::enumerate(write.getIndices())) {
    std::optional<std::pair<Value, Value>> bounds = interval(index);
    if (!bounds)
      return write.emitOpError()
             << "cannot infer dimension " << dim << " of the result of " << kernelName()
             << ": its write index is not bounded by the iterators; give the result an explicit "
                "shape with "
             << withShape;
    std::optional<int64_t> high = constantOf(bounds->second);
    if (high && *high == std::numeric_limits<int64_t>::max())
      return write.emitOpError()
             << "cannot infer dimension " << dim << " of the result of " << kernelName()
             << ": its largest write index is " << *high
             << ", so its extent would overflow a 64-bit integer";
    resultShape.push_back(add(bounds->second, constant(1)));
  }
  shapeSource = "the write indices";
  shapeFromWrite = true;
  return success();
}

std::optional<std::pair<Value, Value>> KernelInference::interval(Value index) {
  auto cached = intervals.find(index);
  if (cached != intervals.end())
    return cached->second;
  std::optional<std::pair<Value, Value>> result;
  auto both = [&](Value value) { return std::make_pair(value, value); };
  if (auto arg = dyn_cast<BlockArgument>(index)) {
    if (arg.getOwner() == &body)
      result = {constant(0), sub(ranges[arg.getArgNumber()]->extent, constant(1))};
  } else if (!kernel->isAncestor(index.getDefiningOp())) {
    result = both(index);
  } else if (std::optional<int64_t> value = constantOf(index)) {
    result = both(constant(*value));
  } else if (auto dim = index.getDefiningOp<DimOp>()) {
    result = both(extentOf(dim.getTensor(), dim.getDim()));
  } else if (auto len = index.getDefiningOp<LenOp>()) {
    result = both(lengthOf(len.getTensor()));
  } else if (auto wrap = index.getDefiningOp<WrapOp>()) {
    std::optional<std::pair<Value, Value>> modulus = interval(wrap.getRhs());
    if (modulus && modulus->first == modulus->second)
      result = {constant(0), sub(modulus->first, constant(1))};
  } else if (Operation *op = index.getDefiningOp(); op && op->getNumOperands() == 2) {
    std::optional<std::pair<Value, Value>> lhs = interval(op->getOperand(0));
    std::optional<std::pair<Value, Value>> rhs = interval(op->getOperand(1));
    std::optional<int64_t> factor = rhs ? constantOf(rhs->first) : std::nullopt;
    if (!rhs || rhs->first != rhs->second)
      factor = std::nullopt;
    if (lhs && rhs && isa<arith::AddIOp>(op)) {
      result = {add(lhs->first, rhs->first), add(lhs->second, rhs->second)};
    } else if (lhs && rhs && isa<arith::SubIOp>(op)) {
      result = {sub(lhs->first, rhs->second), sub(lhs->second, rhs->first)};
    } else if (lhs && factor && isa<arith::MulIOp>(op)) {
      result = *factor >= 0 ? std::make_pair(mul(lhs->first, *factor), mul(lhs->second, *factor))
                            : std::make_pair(mul(lhs->second, *factor), mul(lhs->first, *factor));
    } else if (lhs && factor && *factor > 0 && isa<arith::DivSIOp>(op)) {
      // Division truncating towards zero is monotonic for a positive divisor.
      result = {div(lhs->first, rhs->first), div(lhs->second, rhs->first)};
    } else if (lhs && rhs && isa<arith::MinSIOp, arith::MaxSIOp>(op)) {
      // Both are monotonic in each operand.
      auto pick = [&](Value a, Value b) -> Value {
        if (isa<arith::MinSIOp>(op))
          return builder.createOrFold<arith::MinSIOp>(kernel.getLoc(), a, b);
        return builder.createOrFold<arith::MaxSIOp>(kernel.getLoc(), a, b);
      };
      result = {pick(lhs->first, rhs->first), pick(lhs->second, rhs->second)};
    } else if (lhs && factor && *factor > 0 && isa<arith::RemSIOp>(op)) {
      std::optional<int64_t> low = constantOf(lhs->first);
      result = {constant(low && *low >= 0 ? 0 : 1 - *factor), constant(*factor - 1)};
    }
  }
  intervals[index] = result;
  return result;
}

/// Requires lhs <= rhs: a static error when both are known and it fails, a run-time check
/// when either is not known.
LogicalResult KernelInference::checkAtMost(Value lhs, Value rhs, Operation *access,
                                           const Twine &what) {
  std::optional<int64_t> left = constantOf(lhs), right = constantOf(rhs);
  if (left && right) {
    if (*left <= *right)
      return success();
    return access->emitError() << kernelName() << ": " << what << " (" << *left << " > "
                               << *right << ")";
  }
  if (lhs == rhs)
    return success();
  // Extents may be dynamic and still compare: `n + 1 <= n` never holds.
  if (std::optional<int64_t> difference =
          (IndexPolynomial::of(lhs) - IndexPolynomial::of(rhs)).asConstant()) {
    if (*difference <= 0)
      return success();
    return access->emitError() << kernelName() << ": " << what << " (by " << *difference << ")";
  }
  CheckOp::create(builder, access->getLoc(), CheckPredicate::le, lhs, rhs,
                  builder.getStringAttr(kernelName() + ": " + what.str()),
                  kernel.getKernelNameAttr());
  return success();
}

LogicalResult KernelInference::checkBounds() {
  for (Access &access : accesses) {
    if (!access.tensor && shapeFromWrite)
      continue;
    for (auto [dim, index] : llvm::enumerate(access.indices)) {
      if (provenDims.contains({access.op, unsigned(dim)}))
        continue;
      std::optional<std::pair<Value, Value>> bounds = interval(index);
      if (!bounds) {
        access.op->setAttr("checked", builder.getUnitAttr());
        continue;
      }
      Value extent;
      if (access.flat)
        extent = access.tensor ? lengthOf(access.tensor) : nullptr;
      else
        extent = access.tensor ? extentOf(access.tensor, dim) : resultShape[dim];
      if (!extent)
        extent = resultLength();
      std::string where = access.describe() + " at dimension " + std::to_string(dim);
      if (failed(checkAtMost(constant(0), bounds->first, access.op,
                             where + " can have a negative index")) ||
          failed(checkAtMost(add(bounds->second, constant(1)), extent, access.op,
                             where + " can index past its extent")))
        return failure();
    }
  }
  return success();
}

/// Whether `lhs <= rhs` follows from the polynomials alone or from one of the `facts`
/// (each `lhs - rhs` of an earlier check, and whether it was an equality).
static bool provenAtMost(const IndexPolynomial &lhs, const IndexPolynomial &rhs,
                         ArrayRef<std::pair<IndexPolynomial, bool>> facts) {
  IndexPolynomial difference = lhs - rhs;
  auto atMostZero = [](const IndexPolynomial &p) {
    std::optional<int64_t> value = p.asConstant();
    return value && *value <= 0;
  };
  if (atMostZero(difference))
    return true;
  return llvm::any_of(facts, [&](const std::pair<IndexPolynomial, bool> &fact) {
    return atMostZero(difference - fact.first) ||
           (fact.second && atMostZero(difference + fact.first));
  });
}

LogicalResult KernelInference::recheck() {
  for (auto [iterator, bound] : llvm::enumerate(kernel.getBounds()))
    ranges[iterator] = Range{bound, "the kernel's bounds", kernel, Value()};
  resultShape.assign(kernel.getShape().begin(), kernel.getShape().end());
  if (failed(collectAccesses()))
    return failure();
  // The checks before the kernel in the graph that run whenever it does: its own, and those
  // of no kernel (which run in every target that computes what they compare).
  SmallVector<std::pair<IndexPolynomial, bool>> facts;
  for (Operation *op = kernel->getPrevNode(); op; op = op->getPrevNode())
    if (auto check = dyn_cast<CheckOp>(op);
        check && (!check.getKernel() || check.getKernelAttr() == kernel.getKernelNameAttr()))
      facts.push_back({IndexPolynomial::of(check.getLhs()) - IndexPolynomial::of(check.getRhs()),
                       check.getPredicate() == CheckPredicate::eq});
  for (Access &access : accesses) {
    for (unsigned dim = 0; dim < access.indices.size(); ++dim) {
      std::optional<AccessRange> range = accessRange(kernel, access.op, dim);
      if (range && provenAtMost(range->high + 1, range->extent, facts) &&
          provenAtMost(0, range->low, facts))
        provenDims.insert({access.op, dim});
    }
  }
  return checkBounds();
}

LogicalResult KernelInference::run() {
  if (Value like = kernel.getLike()) {
    auto type = dyn_cast<RankedTensorType>(like.getType());
    if (!type)
      return kernel.emitOpError() << "copies the shape of " << describeTensor(like)
                                  << ", whose rank is unknown";
    for (int64_t dim = 0; dim < type.getRank(); ++dim)
      resultShape.push_back(extentOf(like, dim));
    shapeSource = copyShape + (" of " + describeTensor(like));
  } else if (!kernel.getShape().empty()) {
    resultShape.assign(kernel.getShape().begin(), kernel.getShape().end());
    shapeSource = withShape;
  } else if (Value init = kernel.getInit()) {
    auto type = dyn_cast<RankedTensorType>(init.getType());
    if (!type)
      return kernel.emitOpError() << "adds to " << describeTensor(init)
                                  << ", whose rank is unknown";
    for (int64_t dim = 0; dim < type.getRank(); ++dim)
      resultShape.push_back(extentOf(init, dim));
    shapeSource = "the init tensor " + describeTensor(init);
  }
  // Bounds given explicitly (by autodiff, or by hand) are the first source of each range.
  for (auto [iterator, bound] : llvm::enumerate(kernel.getBounds()))
    ranges[iterator] = Range{bound, "the kernel's bounds", kernel, Value()};
  AccumulateOp write = kernel.getAccumulate();
  if (!resultShape.empty() && failed(verifyIndexCount(write, RankedTensorType::get(
                                                                 SmallVector<int64_t>(
                                                                     resultShape.size(),
                                                                     ShapedType::kDynamic),
                                                                 builder.getF32Type()),
                                                      write.getFlat(), write.getIndices().size(),
                                                      "a result of type")))
    return failure();

  if (failed(collectAccesses()) || failed(rangesFromPlainIndices()) ||
      failed(rangesFromAffineIndices()) || failed(inferResultShape()) || failed(checkBounds()))
    return failure();

  SmallVector<int64_t> staticShape;
  for (Value size : resultShape)
    staticShape.push_back(constantOf(size).value_or(ShapedType::kDynamic));
  // A constant index near INT64_MAX makes an extent wrap around; a product of extents can
  // too. Either is no size a tensor can have (a large one is checked when it is allocated).
  int64_t elements = 1;
  for (auto [dim, size] : llvm::enumerate(staticShape)) {
    if (size == ShapedType::kDynamic)
      continue;
    if (size < 0 || llvm::MulOverflow(elements, size, elements))
      return kernel.emitOpError()
             << "cannot have a result of " << (size < 0 ? "that size" : "that many elements")
             << ": dimension " << dim << " of " << kernelName() << " from " << shapeSource
             << (size < 0 ? " overflows (its largest index is at the end of the index range)"
                          : " makes the element count overflow a 64-bit integer");
  }
  Type elementType = cast<TensorType>(kernel.getType()).getElementType();
  auto resultType = RankedTensorType::get(staticShape, elementType);
  if (Value init = kernel.getInit())
    resultType = cast<RankedTensorType>(init.getType());
  if (auto declared = dyn_cast<RankedTensorType>(kernel.getType());
      declared && failed(verifyCompatibleShape(declared, resultType)))
    return kernel.emitOpError() << "declares the result type " << declared << " but its shape is "
                                << resultType << " from " << shapeSource;

  SmallVector<Value> bounds;
  for (std::optional<Range> &range : ranges)
    bounds.push_back(range->extent);
  kernel.getBoundsMutable().assign(bounds);
  kernel.getLikeMutable().clear();
  kernel.getShapeMutable().assign(resultShape);
  kernel.getResult().setType(resultType);

  if (explain) {
    for (auto [iterator, range] : llvm::enumerate(ranges)) {
      std::optional<int64_t> value = constantOf(range->extent);
      emitRemark(kernel.getLoc()) << iteratorName(iterator) << " ranges over "
                          << (value ? std::to_string(*value) : std::string("a dynamic extent"))
                          << " from " << range->source;
    }
    emitRemark(kernel.getLoc()) << "result " << resultType << " from " << shapeSource;
  }
  return success();
}

namespace {
struct XGradInferShapesPass
    : public mlir::xgrad::impl::XGradInferShapesBase<XGradInferShapesPass> {
  using Base::Base;
  void runOnOperation() override {
    GraphOp graph = getOperation();
    // Named first, so that messages and checks name every kernel.
    graph.nameKernels();
    for (Operation &op : llvm::make_early_inc_range(graph.getBody().front())) {
      if (auto input = dyn_cast<InputOp>(op); input && !isa<RankedTensorType>(input.getType())) {
        input.emitOpError() << "needs a ranked type for shape inference, got " << input.getType();
        return signalPassFailure();
      }
      // A check that fails whatever the inputs is an error now, in its own words.
      if (auto check = dyn_cast<CheckOp>(op)) {
        std::optional<int64_t> lhs = evaluateIndex(check.getLhs());
        std::optional<int64_t> rhs = evaluateIndex(check.getRhs());
        if (lhs && rhs &&
            !(check.getPredicate() == CheckPredicate::eq ? *lhs == *rhs : *lhs <= *rhs)) {
          check.emitError(formatCheckMessage(check.getMessage(), *lhs, *rhs));
          return signalPassFailure();
        }
        continue;
      }
      auto kernel = dyn_cast<KernelOp>(op);
      if (!kernel)
        continue;
      // Bounds and a shape given explicitly (or inferred by an earlier run) are not trusted.
      bool complete = !kernel.getBounds().empty() && !kernel.getShape().empty() &&
                      isa<RankedTensorType>(kernel.getType());
      KernelInference inference(kernel, explain);
      if (failed(complete ? inference.recheck() : inference.run()))
        return signalPassFailure();
    }
    // Ops whose result type follows an operand's.
    graph.walk([](Operation *op) {
      if (auto backprop = dyn_cast<BackpropOp>(op))
        backprop.getResult().setType(backprop.getLoss().getType());
      else if (auto gradient = dyn_cast<GradientOp>(op))
        gradient.getResult().setType(gradient.getWrt().getType());
    });
  }
};
} // namespace
