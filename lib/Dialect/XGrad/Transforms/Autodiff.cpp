//===- Autodiff.cpp - reverse-mode differentiation of graphs --------------===//
//
// Each kernel `out[w(i)] ++= f(a[r(i)], ...)` contributes, per read, one gradient kernel
// over the same iterators: `grad(a)[r(i)] ++= grad(out)[w(i)] * df/da`. The derivative
// comes from a reverse sweep over a copy of the body, using each op's
// DifferentiableOpInterface rule. Contributions to one tensor chain through `init`, so every
// use adds its share. The output is ordinary xgrad IR: it can be differentiated again.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/IR/DerivativeRules.h"
#include "xgrad/Dialect/XGrad/IR/ShapeRules.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADAUTODIFF
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;
using namespace mlir::xgrad;

/// Values gradients flow through: Scalars and arrays of Scalars.
static bool isDifferentiable(Type type) {
  if (auto array = dyn_cast<ArrayType>(type))
    return isa<FloatType>(array.getElementType());
  return isa<FloatType>(type);
}

/// The sum of two adjoints of one value (elementwise for an array; the reads fold).
static Value addAdjoints(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto array = dyn_cast<ArrayType>(lhs.getType());
  if (!array)
    return arith::AddFOp::create(b, loc, lhs, rhs);
  SmallVector<Value> sums;
  for (int64_t j = 0; j < array.getLength(); ++j) {
    Value position = arith::ConstantIndexOp::create(b, loc, j);
    sums.push_back(arith::AddFOp::create(b, loc, ArrayReadOp::create(b, loc, lhs, position),
                                         ArrayReadOp::create(b, loc, rhs, position)));
  }
  return ArrayOp::create(b, loc, array, sums);
}

namespace {

class Differentiator {
public:
  Differentiator(GraphOp graph, Operation *at) : graph(graph), builder(at) {}

  /// Derives the gradient of `loss` with respect to every tensor it depends on through
  /// the `sources`; returns failure after emitting a diagnostic.
  LogicalResult run(Value loss, ArrayRef<Value> sources);
  /// The gradient of `value`, or null where it is zero.
  Value gradientOf(Value value) const { return gradients.lookup(value); }

private:
  Type unrankedLike(Value tensor) {
    return UnrankedTensorType::get(cast<TensorType>(tensor.getType()).getElementType());
  }
  /// A kernel `{it} ++= 1.0 | it` shaped like `tensor`.
  Value ones(Value tensor);
  /// Adds `gradient` into the accumulated gradient of `value`.
  void accumulate(Value value, Value gradient);
  /// The gradient kernel of one read; false (and nothing built) when it is zero.
  FailureOr<bool> differentiateRead(KernelOp kernel, ReadOp read, Value resultGradient);
  LogicalResult differentiateKernel(KernelOp kernel);

  GraphOp graph;
  OpBuilder builder;
  llvm::DenseSet<Value> dependent;
  llvm::DenseMap<Value, Value> gradients;
};

} // namespace

/// The name a derived kernel uses for a tensor: "w" for parameter `w`, "dense" for kernel
/// `dense`.
static std::string nameOf(Value tensor) {
  Operation *op = tensor.getDefiningOp();
  if (auto input = dyn_cast_or_null<InputOp>(op))
    return input.getInputName().str();
  if (auto param = dyn_cast_or_null<ParamOp>(op))
    return param.getParamName().str();
  if (auto cached = dyn_cast_or_null<CachedOp>(op))
    return cached.getCacheName().str();
  if (auto kernel = dyn_cast_or_null<KernelOp>(op); kernel && kernel.getKernelName())
    return kernel.getKernelName()->str();
  return "value";
}

/// A kernel `{it} ++= value | it` shaped like `tensor`, named `name`.
static KernelOp constantLike(OpBuilder &builder, Value tensor, double value, StringRef name) {
  Location loc = tensor.getLoc();
  Type element = cast<TensorType>(tensor.getType()).getElementType();
  auto kernel = KernelOp::create(builder, loc, UnrankedTensorType::get(element),
                                 builder.getStringAttr(name), Value(), ValueRange{}, tensor,
                                 ValueRange{});
  OpBuilder::InsertionGuard guard(builder);
  Block *body = builder.createBlock(&kernel.getBody(), {}, {builder.getIndexType()}, {loc});
  Value constant = arith::ConstantOp::create(builder, loc, builder.getFloatAttr(element, value));
  AccumulateOp::create(builder, loc, constant, /*flat=*/true, /*checked=*/false, /*max=*/false,
                       ValueRange{body->getArgument(0)});
  return kernel;
}

Value Differentiator::ones(Value tensor) {
  KernelOp kernel = constantLike(builder, tensor, 1.0, nameOf(tensor) + ".grad.seed");
  builder.setInsertionPointAfter(kernel);
  return kernel;
}

void Differentiator::accumulate(Value value, Value gradient) {
  Value &existing = gradients[value];
  if (!existing) {
    existing = gradient;
    return;
  }
  Location loc = value.getLoc();
  auto sum = KernelOp::create(builder, loc, unrankedLike(value), StringAttr(), existing,
                              ValueRange{}, Value(), ValueRange{});
  sum.setKernelName(nameOf(value) + ".grad.sum");
  Block *body = builder.createBlock(&sum.getBody(), {}, {builder.getIndexType()}, {loc});
  OpBuilder inner = OpBuilder::atBlockEnd(body);
  Value read = ReadOp::create(inner, loc, gradient, /*flat=*/true, /*checked=*/false,
                              ValueRange{body->getArgument(0)});
  AccumulateOp::create(inner, loc, read, /*flat=*/true, /*checked=*/false, /*max=*/false,
                       ValueRange{body->getArgument(0)});
  builder.setInsertionPointAfter(sum);
  existing = sum;
}

FailureOr<bool> Differentiator::differentiateRead(KernelOp kernel, ReadOp read,
                                                  Value resultGradient) {
  Location loc = read.getLoc();
  Value tensor = read.getTensor();
  Value existing = gradients.lookup(tensor);
  OpBuilder::InsertPoint outside = builder.saveInsertionPoint();
  auto gradKernel = KernelOp::create(builder, loc, unrankedLike(tensor), StringAttr(), existing,
                                     ValueRange{}, existing ? Value() : tensor,
                                     kernel.getBounds());
  // `dense.grad.w`: the gradient of `w` through kernel `dense`.
  std::string name = "grad." + nameOf(tensor);
  if (std::optional<StringRef> forward = kernel.getKernelName())
    name = forward->str() + "." + name;
  gradKernel.setKernelName(name);
  Block &forwardBody = kernel.getBody().front();
  Block *body = builder.createBlock(&gradKernel.getBody(), {},
                                    forwardBody.getArgumentTypes(),
                                    SmallVector<Location>(forwardBody.getNumArguments(), loc));
  OpBuilder inner = OpBuilder::atBlockEnd(body);
  IRMapping mapping;
  mapping.map(forwardBody.getArguments(), body->getArguments());
  SmallVector<Operation *> forward;
  for (Operation &op : forwardBody)
    if (!isa<AccumulateOp>(op))
      forward.push_back(inner.clone(op, mapping));

  // The reverse sweep, seeded with the gradient of the result at the written element.
  AccumulateOp write = kernel.getAccumulate();
  SmallVector<Value> writeIndices;
  for (Value index : write.getIndices())
    writeIndices.push_back(mapping.lookupOrDefault(index));
  Value seed = ReadOp::create(inner, loc, resultGradient, write.getFlat(), write.getChecked(),
                              writeIndices);
  if (write.getMax()) {
    // A maximum passes its gradient to the values that equal it.
    Value maximum = ReadOp::create(inner, loc, kernel.getResult(), write.getFlat(),
                                   write.getChecked(), writeIndices);
    Value chosen = arith::CmpFOp::create(inner, loc, arith::CmpFPredicate::OEQ,
                                         mapping.lookupOrDefault(write.getValue()), maximum);
    Value zero = arith::ConstantOp::create(inner, loc, inner.getFloatAttr(seed.getType(), 0.0));
    seed = arith::SelectOp::create(inner, loc, chosen, seed, zero);
  }
  llvm::DenseMap<Value, Value> adjoints;
  adjoints[mapping.lookupOrDefault(write.getValue())] = seed;
  for (Operation *op : llvm::reverse(forward)) {
    if (op->getNumResults() != 1 || isa<ReadOp>(op))
      continue;
    Value adjoint = adjoints.lookup(op->getResult(0));
    if (!adjoint)
      continue;
    auto rule = dyn_cast<DifferentiableOpInterface>(op);
    if (!rule) {
      if (llvm::none_of(op->getOperandTypes(), isDifferentiable))
        continue; // Nothing differentiable flows through it (to_scalar, constants).
      InFlightDiagnostic diag = kernel.emitOpError()
                                << "cannot be differentiated: '" << op->getName()
                                << "' has no derivative rule (DifferentiableOpInterface)";
      gradKernel.erase();
      builder.restoreInsertionPoint(outside);
      return diag;
    }
    SmallVector<Value> contributions = rule.backpropagate(inner, adjoint);
    for (auto [operand, contribution] : llvm::zip(op->getOperands(), contributions)) {
      if (!contribution || !isDifferentiable(operand.getType()))
        continue;
      Value &total = adjoints[operand];
      total = total ? addAdjoints(inner, loc, total, contribution) : contribution;
    }
  }

  Value readAdjoint = adjoints.lookup(mapping.lookup(read.getResult()));
  if (!readAdjoint) {
    // The result does not depend on this read's value (an index, a comparison): its
    // gradient is zero and no kernel is built.
    gradKernel.erase();
    builder.restoreInsertionPoint(outside);
    return false;
  }
  SmallVector<Value> readIndices;
  for (Value index : read.getIndices())
    readIndices.push_back(mapping.lookupOrDefault(index));
  AccumulateOp::create(inner, loc, readAdjoint, read.getFlat(), read.getChecked(),
                       /*max=*/false, readIndices);
  builder.setInsertionPointAfter(gradKernel);
  gradients[tensor] = gradKernel;
  return true;
}

LogicalResult Differentiator::differentiateKernel(KernelOp kernel) {
  Value resultGradient = gradients.lookup(kernel.getResult());
  if (!resultGradient)
    return success();
  if (kernel.getBounds().empty())
    return kernel.emitOpError("has no inferred bounds: run --xgrad-infer-shapes before "
                              "--xgrad-autodiff");
  // out = init + sum(...): the init receives the result's gradient unchanged.
  if (Value init = kernel.getInit(); init && dependent.contains(init)) {
    if (kernel.getAccumulate().getMax())
      return kernel.emitOpError("cannot be differentiated with respect to its init tensor: "
                                "a maximum over an init is not supported");
    accumulate(init, resultGradient);
  }

  llvm::DenseSet<Value> covered;
  if (!kernel.getGrad().empty()) {
    Block &custom = kernel.getGrad().front();
    IRMapping mapping;
    mapping.map(custom.getArgument(0), kernel.getResult());
    mapping.map(custom.getArgument(1), resultGradient);
    for (Operation &op : custom.without_terminator())
      builder.clone(op, mapping);
    auto yield = cast<GradYieldOp>(custom.getTerminator());
    for (auto [gradient, wrt] : llvm::zip(yield.getGrads(), yield.getWrt())) {
      covered.insert(wrt);
      if (dependent.contains(wrt))
        accumulate(wrt, mapping.lookupOrDefault(gradient));
    }
  }
  for (auto read : kernel.getBody().front().getOps<ReadOp>()) {
    if (!dependent.contains(read.getTensor()) || covered.contains(read.getTensor()))
      continue;
    if (failed(differentiateRead(kernel, read, resultGradient)))
      return failure();
  }
  return success();
}

LogicalResult Differentiator::run(Value loss, ArrayRef<Value> sources) {
  Block &graphBody = graph.getBody().front();
  dependent.insert(sources.begin(), sources.end());
  // Forward: what depends on a source, through reads, inits and updates.
  for (Operation &op : graphBody) {
    if (&op == builder.getInsertionPoint().getNodePtr())
      break;
    if (auto kernel = dyn_cast<KernelOp>(op)) {
      bool depends = kernel.getInit() && dependent.contains(kernel.getInit());
      kernel.getBody().walk([&](ReadOp read) { depends |= dependent.contains(read.getTensor()); });
      if (depends)
        dependent.insert(kernel.getResult());
    } else if (auto update = dyn_cast<UpdateOp>(op)) {
      if (dependent.contains(update.getValue()))
        dependent.insert(update.getResult());
    }
  }
  if (!dependent.contains(loss))
    return success();
  // Backward, in reverse order: every kernel the loss depends on through a source.
  gradients[loss] = ones(loss);
  SmallVector<Operation *> order;
  for (Operation &op : graphBody) {
    if (&op == builder.getInsertionPoint().getNodePtr())
      break;
    order.push_back(&op);
  }
  for (Operation *op : llvm::reverse(order)) {
    if (auto update = dyn_cast<UpdateOp>(op)) {
      if (Value gradient = gradients.lookup(update.getResult()))
        accumulate(update.getValue(), gradient);
      continue;
    }
    auto kernel = dyn_cast<KernelOp>(op);
    if (kernel && dependent.contains(kernel.getResult()) &&
        failed(differentiateKernel(kernel)))
      return failure();
  }
  return success();
}

/// Instantiates the optimizer for every parameter with a gradient and replaces the
/// backprop by an `xgrad.update` of them.
static LogicalResult expandBackprop(GraphOp graph, BackpropOp backprop) {
  SmallVector<Value> params;
  for (auto param : graph.getBody().front().getOps<ParamOp>())
    params.push_back(param);
  Differentiator differentiator(graph, backprop);
  if (failed(differentiator.run(backprop.getLoss(), params)))
    return failure();

  OpBuilder builder(backprop);
  Block &optimizer = backprop.getOptimizer().front();
  SmallVector<Value> state, newValues, gradients;
  for (Value param : params) {
    Value gradient = differentiator.gradientOf(param);
    if (!gradient)
      continue;
    gradients.push_back(gradient);
    IRMapping mapping;
    mapping.map(optimizer.getArgument(0), param);
    mapping.map(optimizer.getArgument(1), gradient);
    SmallVector<Value> stateTensors;
    for (auto [index, stateName] : llvm::enumerate(backprop.getState())) {
      std::string name = (cast<StringAttr>(stateName).getValue() + "." +
                          param.getDefiningOp<ParamOp>().getParamName())
                             .str();
      Value tensor = CachedOp::create(builder, backprop.getLoc(), param.getType(),
                                      builder.getStringAttr(name));
      mapping.map(optimizer.getArgument(2 + index), tensor);
      stateTensors.push_back(tensor);
    }
    // The optimizer's kernels are named after the parameter they update: `sgd.w`.
    StringRef paramName = param.getDefiningOp<ParamOp>().getParamName();
    for (Operation &op : optimizer.without_terminator()) {
      Operation *clone = builder.clone(op, mapping);
      if (auto kernel = dyn_cast<KernelOp>(clone))
        kernel.setKernelName(
            (kernel.getKernelName().value_or("optimizer") + "." + paramName).str());
    }
    auto yield = cast<YieldOp>(optimizer.getTerminator());
    state.push_back(param);
    newValues.push_back(mapping.lookupOrDefault(yield.getValues()[0]));
    for (auto [tensor, value] : llvm::zip(stateTensors, yield.getValues().drop_front())) {
      state.push_back(tensor);
      newValues.push_back(mapping.lookupOrDefault(value));
    }
  }
  auto update = UpdateOp::create(builder, backprop.getLoc(), backprop.getLoss().getType(),
                                 backprop.getLoss(), state, newValues, gradients);
  backprop.getResult().replaceAllUsesWith(update.getResult());
  backprop.erase();
  return success();
}

static LogicalResult expandGradient(GraphOp graph, GradientOp gradientOp) {
  Differentiator differentiator(graph, gradientOp);
  if (failed(differentiator.run(gradientOp.getLoss(), {gradientOp.getWrt()})))
    return failure();
  Value gradient = differentiator.gradientOf(gradientOp.getWrt());
  if (!gradient) {
    // No dependence: the gradient is zero.
    OpBuilder builder(gradientOp);
    gradient = constantLike(builder, gradientOp.getWrt(), 0.0,
                            nameOf(gradientOp.getWrt()) + ".grad.zero");
  }
  gradientOp.getResult().replaceAllUsesWith(gradient);
  gradientOp.erase();
  return success();
}

namespace {
struct XGradAutodiffPass : public mlir::xgrad::impl::XGradAutodiffBase<XGradAutodiffPass> {
  using Base::Base;
  void runOnOperation() override {
    GraphOp graph = getOperation();
    SmallVector<Operation *> work;
    for (Operation &op : graph.getBody().front())
      if (isa<BackpropOp, GradientOp>(op))
        work.push_back(&op);
    for (Operation *op : work) {
      LogicalResult result = isa<BackpropOp>(op)
                                 ? expandBackprop(graph, cast<BackpropOp>(op))
                                 : expandGradient(graph, cast<GradientOp>(op));
      if (failed(result))
        return signalPassFailure();
    }
    graph.nameKernels();
  }
};
} // namespace
