//===- ShapeRules.cpp - shape rules shared by verifiers and passes --------===//
#include "xgrad/Dialect/XGrad/IR/ShapeRules.h"
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/MathExtras.h"
#include <limits>

using namespace mlir;
using namespace mlir::xgrad;

std::optional<int64_t> mlir::xgrad::expectedIndexCount(Type tensorType, bool flat) {
  if (flat)
    return 1;
  if (auto ranked = dyn_cast<RankedTensorType>(tensorType))
    return ranked.getRank();
  return std::nullopt;
}

LogicalResult mlir::xgrad::verifyIndexCount(Operation *op, Type tensorType, bool flat,
                                            size_t numIndices, StringRef what) {
  std::optional<int64_t> expected = expectedIndexCount(tensorType, flat);
  if (!expected || *expected == int64_t(numIndices))
    return success();
  if (flat)
    return op->emitOpError() << "expects one linear index for a flat access, got "
                             << numIndices;
  return op->emitOpError() << "expects " << *expected << " indices for " << what << " "
                           << tensorType << ", got " << numIndices;
}

std::optional<unsigned> AffineIndex::plainIterator() const {
  if (constant != 0 || coefficients.size() != 1 || coefficients.front().second != 1)
    return std::nullopt;
  return coefficients.front().first;
}

static AffineIndex scaled(AffineIndex index, int64_t factor) {
  for (auto &entry : index.coefficients)
    entry.second *= factor;
  index.constant *= factor;
  return index;
}

static AffineIndex added(AffineIndex lhs, const AffineIndex &rhs, int64_t sign) {
  for (auto [iterator, coefficient] : rhs.coefficients)
    lhs.coefficients[iterator] += sign * coefficient;
  lhs.constant += sign * rhs.constant;
  lhs.coefficients.remove_if([](auto &entry) { return entry.second == 0; });
  return lhs;
}

std::optional<AffineIndex> mlir::xgrad::decomposeAffineIndex(Value index, Block &iterators) {
  if (auto arg = dyn_cast<BlockArgument>(index)) {
    if (arg.getOwner() != &iterators)
      return std::nullopt;
    AffineIndex result;
    result.coefficients[arg.getArgNumber()] = 1;
    return result;
  }
  APInt constant;
  if (matchPattern(index, m_ConstantInt(&constant))) {
    AffineIndex result;
    result.constant = constant.getSExtValue();
    return result;
  }
  Operation *op = index.getDefiningOp();
  if (!op || op->getNumOperands() != 2)
    return std::nullopt;
  std::optional<AffineIndex> lhs = decomposeAffineIndex(op->getOperand(0), iterators);
  std::optional<AffineIndex> rhs = decomposeAffineIndex(op->getOperand(1), iterators);
  if (!lhs || !rhs)
    return std::nullopt;
  if (isa<arith::AddIOp>(op))
    return added(*lhs, *rhs, 1);
  if (isa<arith::SubIOp>(op))
    return added(*lhs, *rhs, -1);
  if (isa<arith::MulIOp>(op)) {
    if (lhs->coefficients.empty())
      return scaled(*rhs, lhs->constant);
    if (rhs->coefficients.empty())
      return scaled(*lhs, rhs->constant);
  }
  return std::nullopt;
}

std::optional<int64_t> mlir::xgrad::evaluateIndex(Value index) {
  APInt constant;
  if (!index)
    return std::nullopt;
  if (matchPattern(index, m_ConstantInt(&constant)))
    return constant.getSExtValue();
  Operation *op = index.getDefiningOp();
  if (auto dim = dyn_cast_or_null<DimOp>(op)) {
    auto type = dyn_cast<RankedTensorType>(dim.getTensor().getType());
    if (type && !type.isDynamicDim(dim.getDim()))
      return type.getDimSize(dim.getDim());
    auto kernel = dim.getTensor().getDefiningOp<KernelOp>();
    if (type && kernel && kernel.getShape().size() == size_t(type.getRank()))
      return evaluateIndex(kernel.getShape()[dim.getDim()]);
    return std::nullopt;
  }
  if (auto len = dyn_cast_or_null<LenOp>(op)) {
    auto type = dyn_cast<RankedTensorType>(len.getTensor().getType());
    if (type && type.hasStaticShape())
      return type.getNumElements();
    return std::nullopt;
  }
  if (!op || op->getNumOperands() != 2 || !isa<arith::AddIOp, arith::SubIOp, arith::MulIOp,
                                               arith::DivSIOp, arith::MinSIOp>(op))
    return std::nullopt;
  std::optional<int64_t> lhs = evaluateIndex(op->getOperand(0));
  std::optional<int64_t> rhs = evaluateIndex(op->getOperand(1));
  if (!lhs || !rhs)
    return std::nullopt;
  // An index that overflows 64 bits has no value to reason with.
  int64_t result;
  if (isa<arith::AddIOp>(op))
    return llvm::AddOverflow(*lhs, *rhs, result) ? std::nullopt : std::optional(result);
  if (isa<arith::SubIOp>(op))
    return llvm::SubOverflow(*lhs, *rhs, result) ? std::nullopt : std::optional(result);
  if (isa<arith::MulIOp>(op))
    return llvm::MulOverflow(*lhs, *rhs, result) ? std::nullopt : std::optional(result);
  if (isa<arith::MinSIOp>(op))
    return std::min(*lhs, *rhs);
  if (*rhs == 0 || (*rhs == -1 && *lhs == std::numeric_limits<int64_t>::min()))
    return std::nullopt;
  return *lhs / *rhs;
}

std::string mlir::xgrad::describeTensor(Value tensor) {
  Operation *op = tensor.getDefiningOp();
  if (auto input = dyn_cast_or_null<InputOp>(op))
    return ("input '" + input.getInputName() + "'").str();
  if (auto param = dyn_cast_or_null<ParamOp>(op))
    return ("parameter '" + param.getParamName() + "'").str();
  if (auto kernel = dyn_cast_or_null<KernelOp>(op))
    if (std::optional<StringRef> name = kernel.getKernelName())
      return ("kernel '" + *name + "'").str();
  if (auto cached = dyn_cast_or_null<CachedOp>(op))
    return ("cache '" + cached.getCacheName() + "'").str();
  // After --xgrad-materialize-targets, inputs and state are function arguments.
  if (auto arg = dyn_cast<BlockArgument>(tensor))
    if (auto function = dyn_cast_or_null<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      if (StringAttr name = abi::getArgName(function, arg.getArgNumber()))
        return ((abi::getArgKind(function, arg.getArgNumber()) == abi::ArgKind::Input
                     ? "input '"
                     : "state '") +
                name.getValue() + "'")
            .str();
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "the tensor defined at " << tensor.getLoc();
  return text;
}

std::string mlir::xgrad::formatCheckMessage(StringRef message, int64_t lhs, int64_t rhs) {
  std::string text = message.str();
  if (!message.contains("{lhs}") && !message.contains("{rhs}"))
    return text + " (" + std::to_string(lhs) + " vs " + std::to_string(rhs) + ")";
  for (auto [placeholder, value] : {std::pair{"{lhs}", lhs}, std::pair{"{rhs}", rhs}})
    for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder))
      text.replace(at, 5, std::to_string(value));
  return text;
}

std::string mlir::xgrad::describeKernel(KernelOp kernel) {
  if (std::optional<StringRef> name = kernel.getKernelName())
    return ("kernel '" + *name + "'").str();
  return "the kernel";
}

std::string mlir::xgrad::describeIterator(Block &body, unsigned index) {
  if (index < body.getNumArguments())
    if (auto name = dyn_cast<NameLoc>(body.getArgument(index).getLoc()))
      return ("iterator `" + name.getName().strref() + "`").str();
  return "iterator #" + std::to_string(index);
}

//===----------------------------------------------------------------------===//
// IndexPolynomial
//===----------------------------------------------------------------------===//

IndexPolynomial::IndexPolynomial(int64_t constant) {
  if (constant != 0)
    coefficients[{}] = constant;
}

IndexPolynomial IndexPolynomial::term(Term term) {
  IndexPolynomial result;
  result.coefficients[{term}] = 1;
  return result;
}

std::optional<int64_t> IndexPolynomial::asConstant() const {
  if (coefficients.empty())
    return 0;
  if (coefficients.size() == 1 && coefficients.begin()->first.empty())
    return coefficients.begin()->second;
  return std::nullopt;
}

IndexPolynomial IndexPolynomial::operator+(const IndexPolynomial &other) const {
  IndexPolynomial result = *this;
  for (auto &[monomial, coefficient] : other.coefficients)
    if ((result.coefficients[monomial] += coefficient) == 0)
      result.coefficients.erase(monomial);
  return result;
}

IndexPolynomial IndexPolynomial::operator-(const IndexPolynomial &other) const {
  return *this + other * IndexPolynomial(-1);
}

IndexPolynomial IndexPolynomial::operator*(const IndexPolynomial &other) const {
  IndexPolynomial result;
  for (auto &[lhs, a] : coefficients)
    for (auto &[rhs, b] : other.coefficients) {
      Monomial product = lhs;
      product.insert(product.end(), rhs.begin(), rhs.end());
      llvm::sort(product);
      if ((result.coefficients[product] += a * b) == 0)
        result.coefficients.erase(product);
    }
  return result;
}

IndexPolynomial IndexPolynomial::extent(Value tensor, int64_t dim) {
  auto type = dyn_cast<RankedTensorType>(tensor.getType());
  if (type && dim < 0) {
    IndexPolynomial length(1);
    for (int64_t d = 0; d < type.getRank(); ++d)
      length = length * extent(tensor, d);
    return length;
  }
  if (type && !type.isDynamicDim(dim))
    return type.getDimSize(dim);
  // Inference gives kernels their shape as values: the extent is that value.
  auto kernel = tensor.getDefiningOp<KernelOp>();
  if (type && kernel && kernel.getShape().size() == size_t(type.getRank()))
    return of(kernel.getShape()[dim]);
  return term({tensor.getAsOpaquePointer(), dim});
}

IndexPolynomial IndexPolynomial::of(Value index) {
  APInt constant;
  if (matchPattern(index, m_ConstantInt(&constant)))
    return constant.getSExtValue();
  Operation *op = index.getDefiningOp();
  if (auto dim = dyn_cast_or_null<DimOp>(op))
    return extent(dim.getTensor(), dim.getDim());
  if (auto len = dyn_cast_or_null<LenOp>(op))
    return extent(len.getTensor(), -1);
  if (isa_and_nonnull<arith::AddIOp>(op))
    return of(op->getOperand(0)) + of(op->getOperand(1));
  if (isa_and_nonnull<arith::SubIOp>(op))
    return of(op->getOperand(0)) - of(op->getOperand(1));
  if (isa_and_nonnull<arith::MulIOp>(op))
    return of(op->getOperand(0)) * of(op->getOperand(1));
  return term({index.getAsOpaquePointer(), -2});
}

//===----------------------------------------------------------------------===//
// Bounds of kernel accesses
//===----------------------------------------------------------------------===//

std::optional<AccessRange> mlir::xgrad::accessRange(KernelOp kernel, Operation *access,
                                                    unsigned dim) {
  if (kernel.getBounds().empty())
    return std::nullopt;
  Block &body = kernel.getBody().front();
  auto read = dyn_cast<ReadOp>(access);
  auto write = dyn_cast<AccumulateOp>(access);
  bool flat = read ? read.getFlat() : write.getFlat();
  Value index = read ? read.getIndices()[dim] : write.getIndices()[dim];
  std::optional<AffineIndex> affine = decomposeAffineIndex(index, body);
  if (!affine)
    return std::nullopt;

  AccessRange range;
  // An index count that does not match the rank is the access's own verifier's error.
  if (read) {
    auto type = dyn_cast<RankedTensorType>(read.getTensor().getType());
    if (!type || (!flat && int64_t(dim) >= type.getRank()))
      return std::nullopt;
    range.extent = IndexPolynomial::extent(read.getTensor(), flat ? -1 : int64_t(dim));
  } else {
    auto type = dyn_cast<RankedTensorType>(kernel.getType());
    ValueRange shape = kernel.getShape();
    if (!type || (!type.hasStaticShape() && shape.size() != size_t(type.getRank())) ||
        (!flat && int64_t(dim) >= type.getRank()))
      return std::nullopt;
    auto extentOf = [&](int64_t d) -> IndexPolynomial {
      return type.isDynamicDim(d) ? IndexPolynomial::of(shape[d]) : type.getDimSize(d);
    };
    range.extent = IndexPolynomial(1);
    if (!flat)
      range.extent = extentOf(dim);
    else
      for (int64_t d = 0; d < type.getRank(); ++d)
        range.extent = range.extent * extentOf(d);
  }

  range.low = range.high = affine->constant;
  for (auto [iterator, coefficient] : affine->coefficients) {
    IndexPolynomial last = IndexPolynomial::of(kernel.getBounds()[iterator]) - 1;
    if (coefficient > 0) {
      range.high = range.high + last * coefficient;
      range.highIterators.push_back(iterator);
    } else {
      range.low = range.low + last * coefficient;
      range.lowIterators.push_back(iterator);
    }
  }
  return range;
}

/// Where an index reaches its extreme: "when iterator `x` reaches its bound", "when
/// iterators #0 and #2 reach their bounds", or, when only the other iterators move it,
/// "when iterator #1 is 0".
static std::string describeIterators(Block &body, ArrayRef<unsigned> toBound,
                                     ArrayRef<unsigned> toZero) {
  ArrayRef<unsigned> iterators = toBound.empty() ? toZero : toBound;
  if (iterators.empty())
    return "at a constant index";
  std::string text = "when ";
  for (auto [position, iterator] : llvm::enumerate(iterators)) {
    if (position)
      text += position + 1 == iterators.size() ? " and " : ", ";
    std::string name = describeIterator(body, iterator);
    // "iterators #0 and #1": the word once.
    text += position ? name.substr(strlen("iterator ")) : name;
  }
  if (iterators.size() > 1)
    text.insert(strlen("when iterator"), "s");
  if (toBound.empty())
    return text + (iterators.size() == 1 ? " is 0" : " are 0");
  return text + (iterators.size() == 1 ? " reaches its bound" : " reach their bounds");
}

LogicalResult mlir::xgrad::verifyKernelBounds(KernelOp kernel) {
  // A kernel with an empty loop accesses nothing.
  for (Value bound : kernel.getBounds())
    if (std::optional<int64_t> value = evaluateIndex(bound); value && *value <= 0)
      return success();
  std::string name = describeKernel(kernel);
  Block &body = kernel.getBody().front();
  auto check = [&](Operation *access, ValueRange indices, const std::string &what) -> LogicalResult {
    for (unsigned dim = 0; dim < indices.size(); ++dim) {
      std::optional<AccessRange> range = accessRange(kernel, access, dim);
      if (!range)
        continue;
      std::string where = what + " at dimension " + std::to_string(dim);
      std::optional<int64_t> past = (range->high + 1 - range->extent).asConstant();
      if (past && *past > 0) {
        InFlightDiagnostic diag = access->emitError()
                                  << name << ": " << where << " leaves its extent by " << *past
                                  << " " << describeIterators(body, range->highIterators, range->lowIterators);
        std::optional<int64_t> high = range->high.asConstant();
        std::optional<int64_t> extent = range->extent.asConstant();
        if (high && extent)
          diag << " (index " << *high << ", extent " << *extent << ")";
        return diag;
      }
      std::optional<int64_t> low = range->low.asConstant();
      if (low && *low < 0)
        return LogicalResult(access->emitError()
                             << name << ": " << where << " has the negative index " << *low
                             << " " << describeIterators(body, range->lowIterators, range->highIterators));
    }
    return success();
  };
  for (auto read : kernel.getBody().front().getOps<ReadOp>())
    if (failed(check(read, read.getIndices(), "the read of " + describeTensor(read.getTensor()))))
      return failure();
  AccumulateOp write = kernel.getAccumulate();
  return check(write, write.getIndices(), "the write");
}
