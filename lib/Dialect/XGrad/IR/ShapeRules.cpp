//===- ShapeRules.cpp - shape rules shared by verifiers and passes --------===//
#include "xgrad/Dialect/XGrad/IR/ShapeRules.h"
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

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
  if (isa<arith::AddIOp>(op))
    return *lhs + *rhs;
  if (isa<arith::SubIOp>(op))
    return *lhs - *rhs;
  if (isa<arith::MulIOp>(op))
    return *lhs * *rhs;
  if (isa<arith::MinSIOp>(op))
    return std::min(*lhs, *rhs);
  if (*rhs == 0)
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
