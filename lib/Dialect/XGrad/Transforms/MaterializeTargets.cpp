//===- MaterializeTargets.cpp - one func.func per target ------------------===//
#include "xgrad/Dialect/XGrad/IR/ShapeRules.h"
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADMATERIALIZETARGETS
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;
using namespace mlir::xgrad;

llvm::SmallPtrSet<Operation *, 32> mlir::xgrad::graphBackwardSlice(ValueRange roots,
                                                                   Block &body) {
  llvm::SmallPtrSet<Operation *, 32> slice;
  SmallVector<Value> worklist(roots.begin(), roots.end());
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val().getDefiningOp();
    if (!op || op->getBlock() != &body || !slice.insert(op).second)
      continue;
    llvm::append_range(worklist, op->getOperands());
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    llvm::append_range(worklist, captured);
  }
  return slice;
}

/// The state a graph declares (parameters and caches), in graph order.
static SmallVector<abi::StateDeclaration> stateDeclarations(GraphOp graph) {
  Builder b(graph.getContext());
  SmallVector<abi::StateDeclaration> decls;
  llvm::StringSet<> caches;
  for (Operation &op : graph.getBody().front()) {
    if (auto param = dyn_cast<ParamOp>(op)) {
      decls.push_back({param.getParamNameAttr(), cast<TensorType>(param.getType()),
                       b.getStringAttr(stringifyInitializer(param.getInit())),
                       param.getInitArgsAttr(), param.getSeedAttr()});
    } else if (auto cached = dyn_cast<CachedOp>(op)) {
      if (!caches.insert(cached.getCacheName()).second)
        continue;
      decls.push_back({cached.getCacheNameAttr(), cast<TensorType>(cached.getType()),
                       b.getStringAttr(stringifyInitializer(Initializer::zeros)),
                       b.getDenseF64ArrayAttr({}), b.getI64IntegerAttr(0)});
    }
  }
  return decls;
}

static LogicalResult materialize(GraphOp graph, TargetOp target, OpBuilder &builder) {
  Block &body = graph.getBody().front();
  llvm::SmallPtrSet<Operation *, 32> needed = graphBackwardSlice(target.getValue(), body);
  // Caches of computed values are stored whenever the target computes the value; a
  // run-time check of a kernel runs whenever the target computes the kernel, and one of no
  // kernel whenever the target computes everything it compares. A check of a kernel the
  // graph no longer has (removed as dead, by canonicalization) guards nothing.
  llvm::StringMap<Operation *> kernels;
  for (KernelOp kernel : body.getOps<KernelOp>())
    if (std::optional<StringRef> name = kernel.getKernelName())
      kernels[*name] = kernel;
  bool grew = true;
  while (grew) {
    grew = false;
    for (Operation &op : body) {
      if (needed.contains(&op) || !isa<CacheOp, CheckOp>(op))
        continue;
      llvm::SmallPtrSet<Operation *, 32> slice =
          graphBackwardSlice(op.getOperands(), body);
      auto check = dyn_cast<CheckOp>(op);
      bool covered = !check ? needed.contains(op.getOperand(0).getDefiningOp())
                     : check.getKernel() ? needed.contains(kernels.lookup(*check.getKernel()))
                                         : llvm::all_of(slice, [&](Operation *dep) {
                                             return needed.contains(dep) ||
                                                    !isa<KernelOp, InputOp, CachedOp>(dep);
                                           });
      if (!covered)
        continue;
      needed.insert(&op);
      needed.insert(slice.begin(), slice.end());
      grew = true;
    }
  }

  SmallVector<Type> argTypes, resultTypes;
  SmallVector<Value> stateArgs;
  SmallVector<Attribute> argAttrs, resultAttrs;
  SmallVector<std::pair<Value, StringAttr>> stateResults;
  MLIRContext *context = builder.getContext();
  auto arg = [&](abi::ArgKind kind) {
    return builder.getDictionaryAttr(abi::getArgAttr(context, kind));
  };
  auto result = [&](abi::ResultKind kind, StringAttr name) {
    return builder.getDictionaryAttr(abi::getResultAttr(context, kind, name));
  };
  // Inputs and state belong to the caller: bufferization must not update them in place, so
  // that a run stopped by a failed check leaves them as they were.
  auto callerOwned = [&](abi::ArgKind kind, StringAttr name) {
    return builder.getDictionaryAttr(
        {abi::getArgAttr(context, kind, name),
         builder.getNamedAttr("bufferization.writable", builder.getBoolAttr(false))});
  };
  for (Operation &op : body) {
    if (!needed.contains(&op))
      continue;
    if (auto kernel = dyn_cast<KernelOp>(op); kernel && kernel.getBounds().empty())
      return kernel.emitOpError("has no inferred bounds: run --xgrad-infer-shapes first");
    if (isa<BackpropOp, GradientOp>(op))
      return op.emitOpError("must be expanded by --xgrad-autodiff before targets are "
                            "materialized");
    if (auto input = dyn_cast<InputOp>(op)) {
      argTypes.push_back(input.getType());
      argAttrs.push_back(callerOwned(abi::ArgKind::Input, input.getInputNameAttr()));
      stateArgs.push_back(input);
    } else if (isa<ParamOp, CachedOp>(op)) {
      StringAttr name = isa<ParamOp>(op) ? cast<ParamOp>(op).getParamNameAttr()
                                          : cast<CachedOp>(op).getCacheNameAttr();
      argTypes.push_back(op.getResult(0).getType());
      argAttrs.push_back(callerOwned(abi::ArgKind::State, name));
      stateArgs.push_back(op.getResult(0));
    } else if (auto cache = dyn_cast<CacheOp>(op)) {
      stateResults.push_back({cache.getValue(), cache.getCacheNameAttr()});
    } else if (auto update = dyn_cast<UpdateOp>(op)) {
      for (auto [state, value] : llvm::zip(update.getState(), update.getNewValues())) {
        StringAttr name = state.getDefiningOp<ParamOp>()
                              ? state.getDefiningOp<ParamOp>().getParamNameAttr()
                              : state.getDefiningOp<CachedOp>().getCacheNameAttr();
        stateResults.push_back({value, name});
      }
    }
  }
  argTypes.push_back(builder.getIndexType());
  argAttrs.push_back(arg(abi::ArgKind::Epoch));
  argTypes.push_back(builder.getIndexType());
  argAttrs.push_back(arg(abi::ArgKind::Step));
  // Failed run-time checks report here; every target has it, checks or not, so that the
  // runtime calls all targets alike.
  argTypes.push_back(abi::getStatusType(context));
  argAttrs.push_back(arg(abi::ArgKind::Status));
  resultTypes.push_back(target.getValue().getType());
  resultAttrs.push_back(result(abi::ResultKind::Output, target.getTargetNameAttr()));
  for (auto [value, name] : stateResults) {
    resultTypes.push_back(value.getType());
    resultAttrs.push_back(result(abi::ResultKind::State, name));
  }

  std::string symbol = (graph.getSymName() + "." + target.getTargetName()).str();
  auto func = func::FuncOp::create(builder, target.getLoc(), symbol,
                                   builder.getFunctionType(argTypes, resultTypes));
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);
  func->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  Block *entry = func.addEntryBlock();
  IRMapping mapping;
  for (auto [value, arg] : llvm::zip(stateArgs, entry->getArguments()))
    mapping.map(value, arg);
  OpBuilder inner = OpBuilder::atBlockEnd(entry);
  for (Operation &op : body) {
    if (!needed.contains(&op) || isa<InputOp, ParamOp, CachedOp, CacheOp>(op))
      continue;
    if (auto update = dyn_cast<UpdateOp>(op)) {
      mapping.map(update.getResult(), mapping.lookup(update.getValue()));
      continue;
    }
    inner.clone(op, mapping);
  }
  SmallVector<Value> results{mapping.lookup(target.getValue())};
  for (auto [value, name] : stateResults)
    results.push_back(mapping.lookup(value));
  func::ReturnOp::create(inner, target.getLoc(), results);
  return success();
}

namespace {
struct XGradMaterializeTargetsPass
    : public mlir::xgrad::impl::XGradMaterializeTargetsBase<XGradMaterializeTargetsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (GraphOp graph : llvm::make_early_inc_range(module.getOps<GraphOp>())) {
      OpBuilder builder(graph);
      abi::setStateDeclarations(module, graph.getSymName(), stateDeclarations(graph));
      for (TargetOp target : graph.getBody().front().getOps<TargetOp>())
        if (failed(materialize(graph, target, builder)))
          return signalPassFailure();
      graph.erase();
    }
  }
};
} // namespace
