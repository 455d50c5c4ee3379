//===- XGradOps.cpp - xgrad operations: builders, verifiers, folders ------===//
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"
#include "xgrad/Dialect/XGrad/IR/ShapeRules.h"
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::xgrad;

#include "xgrad/Dialect/XGrad/IR/XGradEnums.cpp.inc"

/// A tensor's rank when it is ranked.
static std::optional<int64_t> rankOf(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked)
    return std::nullopt;
  return ranked.getRank();
}

//===----------------------------------------------------------------------===//
// GraphOp
//===----------------------------------------------------------------------===//

void GraphOp::build(OpBuilder &builder, OperationState &state, StringRef name) {
  state.addAttribute(mlir::SymbolTable::getSymbolAttrName(), builder.getStringAttr(name));
  state.addRegion()->emplaceBlock();
}

/// Names of one kind (inputs, parameters, ...) must be unique within a graph, because the
/// runtime finds them by name.
static LogicalResult checkUnique(llvm::StringMap<Operation *> &seen, Operation *op,
                                 StringRef kind, StringRef name) {
  if (name.empty())
    return op->emitOpError() << "expects a non-empty " << kind << " name";
  auto [it, inserted] = seen.try_emplace(name, op);
  if (inserted)
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << "duplicate " << kind << " name '" << name << "'";
  diag.attachNote(it->second->getLoc()) << "first declared here";
  return diag;
}

LogicalResult GraphOp::verify() {
  llvm::StringMap<Operation *> inputs, params, targets, caches;
  for (Operation &op : getBody().front()) {
    LogicalResult result = success();
    if (auto input = dyn_cast<InputOp>(op))
      result = checkUnique(inputs, &op, "input", input.getInputName());
    else if (auto param = dyn_cast<ParamOp>(op))
      result = checkUnique(params, &op, "parameter", param.getParamName());
    else if (auto target = dyn_cast<TargetOp>(op))
      result = checkUnique(targets, &op, "target", target.getTargetName());
    else if (auto cache = dyn_cast<CacheOp>(op))
      result = checkUnique(caches, &op, "cache", cache.getCacheName());
    if (failed(result))
      return failure();
  }
  // Parameters and caches are both model state, found by name.
  for (Operation &op : getBody().front()) {
    StringRef cacheName = isa<CacheOp>(op)    ? cast<CacheOp>(op).getCacheName()
                          : isa<CachedOp>(op) ? cast<CachedOp>(op).getCacheName()
                                              : StringRef();
    if (!cacheName.empty() && params.count(cacheName)) {
      InFlightDiagnostic diag = op.emitOpError()
                                << "uses the name '" << cacheName
                                << "' of a parameter; caches and parameters share one namespace";
      diag.attachNote(params.lookup(cacheName)->getLoc()) << "the parameter is declared here";
      return diag;
    }
  }
  return success();
}

void GraphOp::nameKernels() {
  SmallVector<KernelOp> kernels(getBody().front().getOps<KernelOp>());
  llvm::StringSet<> taken;
  SmallVector<KernelOp> renamed;
  for (KernelOp kernel : kernels)
    if (!kernel.getKernelName() || !taken.insert(*kernel.getKernelName()).second)
      renamed.push_back(kernel);
  for (KernelOp kernel : renamed) {
    std::string base = kernel.getKernelName()
                           ? kernel.getKernelName()->str()
                           : "kernel" + std::to_string(llvm::find(kernels, kernel) -
                                                       kernels.begin());
    std::string name = base;
    for (unsigned suffix = 1; !taken.insert(name).second; ++suffix)
      name = base + "." + std::to_string(suffix);
    kernel.setKernelName(name);
  }
}

//===----------------------------------------------------------------------===//
// Named values
//===----------------------------------------------------------------------===//

void InputOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), getInputName());
}

LogicalResult InputOp::verify() {
  if (getInputName().empty())
    return emitOpError("expects a non-empty input name");
  return success();
}

void ParamOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), getParamName());
}

LogicalResult ParamOp::verify() {
  auto type = dyn_cast<RankedTensorType>(getType());
  if (!type || !type.hasStaticShape())
    return emitOpError() << "expects a static shape for parameter '" << getParamName()
                         << "', got " << getType();
  ArrayRef<double> args = getInitArgs();
  size_t expected = 0;
  StringRef form = "[]";
  switch (getInit()) {
  case Initializer::zeros:
    break;
  case Initializer::constant:
    expected = 1, form = "[value]";
    break;
  case Initializer::uniform:
    expected = 2, form = "[low, high]";
    break;
  case Initializer::normal:
    expected = 2, form = "[mean, stddev]";
    break;
  }
  if (args.size() != expected)
    return emitOpError() << "initializer '" << stringifyInitializer(getInit()) << "' expects "
                         << expected << " arguments " << form << ", got " << args.size();
  if (getInit() == Initializer::uniform && !(args[0] < args[1]))
    return emitOpError() << "uniform initializer expects low < high, got [" << args[0] << ", "
                         << args[1] << "]";
  if (getInit() == Initializer::normal && !(args[1] > 0))
    return emitOpError() << "normal initializer expects stddev > 0, got " << args[1];
  return success();
}

void CachedOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getResult(), getCacheName());
}

//===----------------------------------------------------------------------===//
// BackpropOp
//===----------------------------------------------------------------------===//

LogicalResult BackpropOp::verifyRegions() {
  Block &block = getOptimizer().front();
  size_t numState = getState().size();
  if (block.getNumArguments() != 2 + numState)
    return emitOpError() << "expects the optimizer region to take (parameter, gradient"
                         << (numState ? ", one tensor per state name" : "") << "): "
                         << 2 + numState << " arguments, got " << block.getNumArguments();
  Type elementType = cast<TensorType>(getLoss().getType()).getElementType();
  for (BlockArgument arg : block.getArguments()) {
    auto type = dyn_cast<UnrankedTensorType>(arg.getType());
    if (!type || type.getElementType() != elementType)
      return emitOpError() << "expects optimizer argument #" << arg.getArgNumber()
                           << " to be " << UnrankedTensorType::get(elementType)
                           << " (the region is generic over parameter shapes), got "
                           << arg.getType();
  }
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return emitOpError("expects the optimizer region to end in 'xgrad.yield'");
  if (yield.getValues().size() != 1 + numState)
    return yield.emitOpError() << "expects the new parameter"
                               << (numState ? " and the new state values" : "") << ": "
                               << 1 + numState << " values, got " << yield.getValues().size();
  for (auto [index, value] : llvm::enumerate(yield.getValues()))
    if (cast<TensorType>(value.getType()).getElementType() != elementType)
      return yield.emitOpError() << "expects value #" << index << " to have element type "
                                 << elementType << ", got " << value.getType();
  return success();
}

LogicalResult UpdateOp::verify() {
  if (getState().size() != getNewValues().size())
    return emitOpError() << "expects one new value per state tensor, got "
                         << getNewValues().size() << " for " << getState().size();
  for (auto [state, value] : llvm::zip(getState(), getNewValues())) {
    if (!state.getDefiningOp<ParamOp>() && !state.getDefiningOp<CachedOp>())
      return emitOpError() << "expects state to be a parameter or a cached value, got "
                           << describeTensor(state);
    if (failed(verifyCompatibleShape(state.getType(), value.getType())) ||
        cast<TensorType>(state.getType()).getElementType() !=
            cast<TensorType>(value.getType()).getElementType())
      return emitOpError() << "expects the new value of " << describeTensor(state)
                           << " to have its type " << state.getType() << ", got "
                           << value.getType();
  }
  if (getGradients().empty())
    return success();
  SmallVector<Value> params;
  for (Value state : getState())
    if (state.getDefiningOp<ParamOp>())
      params.push_back(state);
  if (params.size() != getGradients().size())
    return emitOpError() << "expects one gradient per parameter it updates, got "
                         << getGradients().size() << " for " << params.size();
  for (auto [param, gradient] : llvm::zip(params, getGradients()))
    if (failed(verifyCompatibleShape(param.getType(), gradient.getType())) ||
        cast<TensorType>(param.getType()).getElementType() !=
            cast<TensorType>(gradient.getType()).getElementType())
      return emitOpError() << "expects the gradient of " << describeTensor(param)
                           << " to have its type " << param.getType() << ", got "
                           << gradient.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// KernelOp
//===----------------------------------------------------------------------===//

void KernelOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  if (std::optional<StringRef> name = getKernelName())
    setNameFn(getResult(), *name);
}

AccumulateOp KernelOp::getAccumulate() {
  return cast<AccumulateOp>(getBody().front().getTerminator());
}

LogicalResult KernelOp::verifyRegions() {
  Block &body = getBody().front();
  for (BlockArgument iterator : body.getArguments())
    if (!iterator.getType().isIndex())
      return emitOpError() << "expects iterator #" << iterator.getArgNumber()
                           << " to be of type 'index', got " << iterator.getType();
  // The terminator is an op of this dialect whose parent is a kernel: only
  // 'xgrad.accumulate' (the body) or 'xgrad.grad_yield' (the gradient region).
  if (!isa<AccumulateOp>(body.getTerminator()))
    return emitOpError("expects its body to end in 'xgrad.accumulate'");

  if (!getBounds().empty() && getBounds().size() != getNumIterators())
    return emitOpError() << "expects one bound per iterator (" << getNumIterators()
                         << "), got " << getBounds().size();
  std::optional<int64_t> rank = rankOf(getType());
  if (!getShape().empty() && rank && int64_t(getShape().size()) != *rank)
    return emitOpError() << "expects one shape value per result dimension (" << *rank
                         << "), got " << getShape().size();
  if (!getShape().empty() && getLike())
    return emitOpError("expects at most one of 'shape' (withShape) and 'like' (copyShape)");
  auto resultType = cast<TensorType>(getType());
  if (Value like = getLike()) {
    std::optional<int64_t> likeRank = rankOf(like.getType());
    if (rank && likeRank && *rank != *likeRank)
      return emitOpError() << "expects the result to have the rank of 'like' (" << *likeRank
                           << "), got " << getType();
  }
  if (Value init = getInit()) {
    auto initType = cast<TensorType>(init.getType());
    if (initType.getElementType() != resultType.getElementType() ||
        failed(verifyCompatibleShape(initType, resultType)))
      return emitOpError() << "expects the init tensor to have the result type " << getType()
                           << ", got " << initType;
  }
  if (failed(verifyKernelBounds(*this)))
    return failure();

  if (getGrad().empty())
    return success();
  if (!getGrad().hasOneBlock())
    return emitOpError("expects the custom gradient region to have one block");
  // The result is an argument because a value cannot be used inside its own op's region.
  Block &grad = getGrad().front();
  if (grad.getNumArguments() != 2 ||
      llvm::any_of(grad.getArgumentTypes(), [&](Type type) {
        auto tensor = dyn_cast<TensorType>(type);
        return !tensor || tensor.getElementType() != resultType.getElementType();
      }))
    return emitOpError() << "expects the custom gradient region to take two tensors of "
                         << resultType.getElementType()
                         << ": the kernel's result and the gradient of the result";
  if (grad.empty() || !isa<GradYieldOp>(grad.back()))
    return emitOpError("expects the custom gradient region to end in 'xgrad.grad_yield'");
  return success();
}

/// Whether two kernels compute the same tensor: everything but the name agrees.
static bool sameComputation(KernelOp a, KernelOp b) {
  if (a.getType() != b.getType() || a->getOperands() != b->getOperands() ||
      a.getProperties().operandSegmentSizes != b.getProperties().operandSegmentSizes ||
      a->getDiscardableAttrDictionary() != b->getDiscardableAttrDictionary())
    return false;
  auto flags = OperationEquivalence::IgnoreLocations;
  return OperationEquivalence::isRegionEquivalentTo(&a.getBody(), &b.getBody(), flags) &&
         OperationEquivalence::isRegionEquivalentTo(&a.getGrad(), &b.getGrad(), flags);
}

/// CSE merges identical kernels only when their names agree too; names are unique after
/// inference, so a kernel that repeats an earlier one is replaced here instead, and the
/// first kernel's name is the one that stays.
LogicalResult KernelOp::canonicalize(KernelOp op, PatternRewriter &rewriter) {
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    auto other = dyn_cast<KernelOp>(prev);
    if (!other || !sameComputation(op, other))
      continue;
    // The run-time checks of the kernel that goes guard the one that stays (they compare
    // the same extents), so that every target computing it still runs them.
    if (StringAttr name = op.getKernelNameAttr())
      for (CheckOp check : op->getBlock()->getOps<CheckOp>())
        if (check.getKernelAttr() == name)
          rewriter.modifyOpInPlace(check, [&] { check.setKernelAttr(other.getKernelNameAttr()); });
    rewriter.replaceOp(op, other.getResult());
    return success();
  }
  return failure();
}

LogicalResult AccumulateOp::verify() {
  auto kernel = cast<KernelOp>((*this)->getParentOp());
  if (getOperation()->getParentRegion() != &kernel.getBody())
    return emitOpError("expects to be in the kernel body, not its custom gradient region");
  auto resultType = cast<TensorType>(kernel.getType());
  if (getValue().getType() != resultType.getElementType())
    return emitOpError() << "expects a value of the result's element type "
                         << resultType.getElementType() << ", got " << getValue().getType();
  return verifyIndexCount(*this, resultType, getFlat(), getIndices().size(),
                          "a result of type");
}

LogicalResult GradYieldOp::verify() {
  auto kernel = cast<KernelOp>((*this)->getParentOp());
  if (getOperation()->getParentRegion() != &kernel.getGrad())
    return emitOpError("expects to be in the kernel's custom gradient region");
  if (getGrads().size() != getWrt().size())
    return emitOpError() << "expects one gradient per value, got " << getGrads().size()
                         << " gradients for " << getWrt().size() << " values";
  for (auto [grad, wrt] : llvm::zip(getGrads(), getWrt()))
    if (cast<TensorType>(grad.getType()).getElementType() !=
        cast<TensorType>(wrt.getType()).getElementType())
      return emitOpError() << "expects a gradient of type " << wrt.getType()
                           << ", got " << grad.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Reads and shape queries
//===----------------------------------------------------------------------===//

LogicalResult ReadOp::verify() {
  return verifyIndexCount(*this, getTensor().getType(), getFlat(), getIndices().size(),
                          "a tensor of type");
}

LogicalResult DimOp::verify() {
  int64_t dim = getDim();
  std::optional<int64_t> rank = rankOf(getTensor().getType());
  if (dim < 0 || (rank && dim >= *rank))
    return emitOpError() << "expects a dimension in [0, "
                         << (rank ? std::to_string(*rank) : std::string("rank")) << "), got "
                         << dim;
  return success();
}

OpFoldResult DimOp::fold(FoldAdaptor) {
  auto type = dyn_cast<RankedTensorType>(getTensor().getType());
  // An inferred kernel knows its shape: reuse the value rather than query the tensor.
  if (auto kernel = getTensor().getDefiningOp<KernelOp>();
      kernel && type && kernel.getShape().size() == size_t(type.getRank()) &&
      type.isDynamicDim(getDim()))
    return kernel.getShape()[getDim()];
  if (!type || type.isDynamicDim(getDim()))
    return {};
  return IntegerAttr::get(IndexType::get(getContext()), type.getDimSize(getDim()));
}

OpFoldResult LenOp::fold(FoldAdaptor) {
  auto type = dyn_cast<RankedTensorType>(getTensor().getType());
  if (!type || !type.hasStaticShape())
    return {};
  return IntegerAttr::get(IndexType::get(getContext()), type.getNumElements());
}

OpFoldResult RankOp::fold(FoldAdaptor) {
  std::optional<int64_t> rank = rankOf(getTensor().getType());
  if (!rank)
    return {};
  return IntegerAttr::get(IndexType::get(getContext()), *rank);
}

/// A check that holds by construction (equal operands, or known extents that satisfy it)
/// or repeats an earlier one is dropped; one that fails statically stays, so that the run
/// reports it.
LogicalResult CheckOp::canonicalize(CheckOp op, PatternRewriter &rewriter) {
  std::optional<int64_t> lhs = evaluateIndex(op.getLhs()), rhs = evaluateIndex(op.getRhs());
  bool holds = op.getLhs() == op.getRhs() ||
               (lhs && rhs && (op.getPredicate() == CheckPredicate::eq ? *lhs == *rhs
                                                                       : *lhs <= *rhs));
  // A repeated check never fails where the first one did not.
  for (Operation *prev = op->getPrevNode(); prev && !holds; prev = prev->getPrevNode()) {
    auto other = dyn_cast<CheckOp>(prev);
    holds = other && other.getPredicate() == op.getPredicate() &&
            other.getKernel() == op.getKernel() &&
            ((other.getLhs() == op.getLhs() && other.getRhs() == op.getRhs()) ||
             (op.getPredicate() == CheckPredicate::eq && other.getLhs() == op.getRhs() &&
              other.getRhs() == op.getLhs()));
  }
  if (!holds)
    return failure();
  rewriter.eraseOp(op);
  return success();
}

/// A guard nests "the rest of the function": it must be a top-level op of a function that
/// reports its checks in that status buffer.
/// Guards and collectives read the run's status: the one the function was given.
static LogicalResult verifyFunctionStatus(Operation *op, Value statusOperand, StringRef role) {
  auto function = dyn_cast_or_null<FunctionOpInterface>(op->getParentOp());
  if (!function)
    return op->emitOpError("must be directly in the body of a function");
  std::optional<unsigned> status = abi::findArg(function, abi::ArgKind::Status);
  if (!status || function.getArgument(*status) != statusOperand)
    return op->emitOpError("must ") << role << " the function's {" << abi::kStatusAttr
                                    << "} argument";
  return success();
}

LogicalResult GuardOp::verify() { return verifyFunctionStatus(*this, getStatus(), "guard on"); }

LogicalResult SumOverRanksOp::verify() {
  if (getBuffer().getType().getDimSize(0) == 0)
    return emitOpError("needs a buffer with room for the verdict, its last element");
  return verifyFunctionStatus(*this, getStatus(), "share");
}

LogicalResult AllReduceOp::verify() {
  if (getGradients().empty())
    return emitOpError("expects at least one gradient");
  for (Value gradient : getGradients())
    if (!cast<TensorType>(gradient.getType()).getElementType().isF32() &&
        !cast<TensorType>(gradient.getType()).getElementType().isF64())
      return emitOpError("reduces f32 and f64 tensors, got ") << gradient.getType();
  Type element = cast<TensorType>(getGradients().front().getType()).getElementType();
  for (Value gradient : getGradients())
    if (cast<TensorType>(gradient.getType()).getElementType() != element)
      return emitOpError("expects one element type for all gradients (they travel in one "
                         "buffer), got ")
             << element << " and " << cast<TensorType>(gradient.getType()).getElementType();
  return success();
}

#define GET_OP_CLASSES
#include "xgrad/Dialect/XGrad/IR/XGradOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Arrays
//===----------------------------------------------------------------------===//

LogicalResult ArrayOp::verify() {
  auto type = cast<ArrayType>(getType());
  if (int64_t(getElements().size()) != type.getLength())
    return emitOpError() << "builds an array of " << type.getLength() << " from "
                         << getElements().size() << " elements";
  for (auto [position, element] : llvm::enumerate(getElements()))
    if (element.getType() != type.getElementType())
      return emitOpError() << "expects elements of one type, " << type.getElementType()
                           << ", but element #" << position << " is " << element.getType();
  return success();
}

OpFoldResult ArrayLenOp::fold(FoldAdaptor) {
  return IntegerAttr::get(IndexType::get(getContext()),
                          cast<ArrayType>(getArray().getType()).getLength());
}

LogicalResult ArrayReadOp::verify() {
  APInt index;
  int64_t length = cast<ArrayType>(getArray().getType()).getLength();
  if (matchPattern(getIndex(), m_ConstantInt(&index)) &&
      (index.getSExtValue() < 0 || index.getSExtValue() >= length))
    return emitOpError() << "reads element " << index.getSExtValue() << " of an array of "
                         << length;
  return success();
}

OpFoldResult ArrayReadOp::fold(FoldAdaptor adaptor) {
  auto array = getArray().getDefiningOp<ArrayOp>();
  auto index = dyn_cast_or_null<IntegerAttr>(adaptor.getIndex());
  if (!array || !index || index.getInt() < 0 ||
      index.getInt() >= int64_t(array.getElements().size()))
    return {};
  return array.getElements()[index.getInt()];
}
