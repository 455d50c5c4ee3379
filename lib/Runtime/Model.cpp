//===- Model.cpp - compile a graph and run its targets --------------------===//
#include "xgrad/Runtime/Model.h"
#include "ObjectCode.h"
#include "PackedCall.h"
#include "xgrad/Runtime/CompileCache.h"
#include "xgrad/Runtime/Initializers.h"

#include "xgrad/Dialect/XGrad/IR/XGradABI.h"

#include "mlir/Support/Timing.h"
#include "llvm/ADT/STLExtras.h"
#include <cstdlib>
#include <cstring>

using namespace xgrad;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Run-time check failures
//===----------------------------------------------------------------------===//

/// The error for a failed check, from the status buffer the function filled in.
static llvm::Error checkFailure(const int64_t (&status)[mlir::xgrad::abi::kStatusSize],
                                const std::vector<std::string> &messages) {
  using namespace mlir::xgrad::abi;
  int64_t id = status[kCheckId];
  std::string message =
      id >= 0 && size_t(id) < messages.size() ? messages[id] : "unknown check";
  // A message names its operands with {lhs} and {rhs}, or gets them appended.
  std::string lhs = std::to_string(status[kLhs]), rhs = std::to_string(status[kRhs]);
  size_t at = message.find("{lhs}");
  if (at == std::string::npos)
    message += " (" + lhs + " vs " + rhs + ")";
  for (; at != std::string::npos; at = message.find("{lhs}"))
    message.replace(at, 5, lhs);
  for (at = message.find("{rhs}"); at != std::string::npos; at = message.find("{rhs}"))
    message.replace(at, 5, rhs);
  return llvm::createStringError("run-time check failed: %s", message.c_str());
}

//===----------------------------------------------------------------------===//
// Linking a compiled module
//===----------------------------------------------------------------------===//

struct Model::Impl {
  CompiledModule compiled;
  std::unique_ptr<LoadedCode> code;
};

Model::Model() : impl(std::make_unique<Impl>()) {}
Model::~Model() = default;

const CompiledModule &Model::compiled() const { return impl->compiled; }

llvm::Expected<std::unique_ptr<Model>> Model::compile(StringRef source,
                                                      const CompileOptions &options) {
  mlir::TimingScope untimed;
  return compile(source, options, untimed);
}

llvm::Expected<std::unique_ptr<Model>>
Model::compile(StringRef source, const CompileOptions &options, mlir::TimingScope &timing) {
  llvm::Expected<CompiledModule> compiled = compileModuleCached(source, options, timing);
  if (!compiled)
    return compiled.takeError();
  mlir::TimingScope linkTiming = timing.nest("linking and initial state");
  return create(std::move(*compiled));
}

llvm::Expected<std::unique_ptr<Model>> Model::create(CompiledModule compiled) {
  if (compiled.cpu != hostCPU())
    return llvm::createStringError("the module was compiled for another CPU (%s)",
                                   compiled.cpu.c_str());
  std::unique_ptr<Model> model(new Model());
  for (const StateDeclaration &decl : compiled.state) {
    const ValueSpec &spec = decl.value;
    if (llvm::is_contained(spec.shape, -1))
      continue; // A cache of dynamic shape holds nothing until a target stores it.
    std::optional<int64_t> count = checkedElementCount(spec.shape);
    if (!count || uint64_t(*count) * elementSize(spec.elementType) > (uint64_t(1) << 34))
      return llvm::createStringError("state '%s' (%s) is too large to allocate",
                                     spec.name.c_str(),
                                     typeString(spec.elementType, spec.shape).c_str());
    Tensor tensor(spec.elementType, spec.shape);
    if (llvm::Error error = initialize(tensor, decl.initializer, decl.arguments, decl.seed))
      return std::move(error);
    model->stateTensors[spec.name] = std::move(tensor);
  }
  auto code = LoadedCode::load(compiled.objectCode, compiled.usesOpenMP);
  if (!code)
    return code.takeError();
  model->impl->code = std::move(*code);
  model->impl->compiled = std::move(compiled);
  return model;
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

std::vector<std::string> Model::targetNames() const {
  std::vector<std::string> names;
  for (auto &[symbol, signature] : impl->compiled.targets)
    names.push_back(symbol);
  return names;
}

const TargetSignature *Model::findTarget(StringRef name) const {
  const std::map<std::string, TargetSignature> &targets = impl->compiled.targets;
  auto exact = targets.find(name.str());
  if (exact != targets.end())
    return &exact->second;
  const TargetSignature *found = nullptr;
  for (auto &[symbol, signature] : targets) {
    if (!StringRef(symbol).ends_with(("." + name).str()))
      continue;
    if (found)
      return nullptr; // Ambiguous: the caller must name the graph.
    found = &signature;
  }
  return found;
}

static std::string shapeString(const ValueSpec &spec) {
  std::string text;
  for (int64_t size : spec.shape)
    text += (size < 0 ? std::string("?") : std::to_string(size)) + "x";
  return text + elementTypeName(spec.elementType).str();
}

static llvm::Error checkTensor(const ValueSpec &spec, const TensorView &tensor, StringRef what) {
  bool matches = tensor.elementType == spec.elementType && tensor.shape.size() == spec.shape.size();
  for (size_t dim = 0; matches && dim < spec.shape.size(); ++dim)
    matches = spec.shape[dim] < 0 || spec.shape[dim] == tensor.shape[dim];
  if (matches)
    return llvm::Error::success();
  return llvm::createStringError("%s '%s': expected a tensor of %s, got %s", what.str().c_str(),
                                 spec.name.c_str(), shapeString(spec).c_str(),
                                 tensor.typeString().c_str());
}

llvm::Expected<Tensor> Model::call(StringRef name, const std::map<std::string, Tensor> &inputs) {
  std::map<std::string, TensorView> views;
  for (auto &[inputName, tensor] : inputs)
    views.emplace(inputName, tensor.view());
  return callOnViews(name, views);
}

llvm::Expected<Tensor> Model::callOnViews(StringRef name,
                                          const std::map<std::string, TensorView> &inputs) {
  const TargetSignature *target = findTarget(name);
  if (!target) {
    std::string known;
    for (const std::string &symbol : targetNames())
      known += (known.empty() ? "" : ", ") + symbol;
    return llvm::createStringError("unknown or ambiguous target '%s' (targets: %s)",
                                   name.str().c_str(), known.c_str());
  }
  for (auto &[inputName, tensor] : inputs)
    if (llvm::none_of(target->inputs, [&, n = inputName](const ValueSpec &s) { return s.name == n; }))
      return llvm::createStringError("target '%s' has no input '%s'", name.str().c_str(),
                                     inputName.c_str());

  for (const ValueSpec &spec : target->inputs)
    if (!inputs.count(spec.name))
      return llvm::createStringError("target '%s' needs input '%s' (%s)", name.str().c_str(),
                                     spec.name.c_str(), shapeString(spec).c_str());
  // The arguments in the order --xgrad-materialize-targets gives them: inputs and state,
  // epoch, step, status; then the target's value and the new state.
  PackedCall packed;
  for (auto [isState, index] : target->argumentOrder) {
    const ValueSpec &spec = isState ? target->stateIn[index] : target->inputs[index];
    TensorView tensor;
    if (isState) {
      auto it = stateTensors.find(spec.name);
      if (it == stateTensors.end())
        return llvm::createStringError("state '%s' has no value yet (a cache is read before "
                                       "any target stored it)",
                                       spec.name.c_str());
      tensor = it->second.view();
    } else {
      tensor = inputs.at(spec.name);
    }
    if (llvm::Error error = checkTensor(spec, tensor, isState ? "state" : "input"))
      return std::move(error);
    packed.addTensor(tensor);
  }
  packed.addScalar(epoch);
  packed.addScalar(step);
  // Zero while every check holds.
  int64_t status[mlir::xgrad::abi::kStatusSize] = {};
  packed.addBuffer(status, mlir::xgrad::abi::kStatusSize);
  packed.addResult(target->output.shape.size());
  for (const ValueSpec &spec : target->stateOut)
    packed.addResult(spec.shape.size());

  auto function = impl->code->lookupPacked(target->symbol);
  if (!function)
    return function.takeError();
  packed.run(*function);

  // After a failed check the results are placeholders: freed, never read. All or nothing: a
  // failed run leaves the state and the step count as they were.
  if (status[mlir::xgrad::abi::kFailed] != 0) {
    packed.freeResults();
    return checkFailure(status, impl->compiled.checkMessages);
  }
  auto takeResult = [&](size_t index, const ValueSpec &spec) {
    PackedCall::Result result = packed.result(index, elementSize(spec.elementType));
    Tensor tensor(spec.elementType, result.shape);
    if (tensor.sizeInBytes())
      std::memcpy(tensor.data(), result.elements, tensor.sizeInBytes());
    return tensor;
  };
  // Every result is copied out before the state changes: a result may be an argument's
  // buffer, which replacing that state frees.
  Tensor output = takeResult(0, target->output);
  std::vector<Tensor> newState;
  for (auto [index, spec] : llvm::enumerate(target->stateOut))
    newState.push_back(takeResult(index + 1, spec));
  packed.freeResults();
  for (auto [spec, tensor] : llvm::zip(target->stateOut, newState))
    stateTensors[spec.name] = std::move(tensor);
  if (!target->stateOut.empty())
    ++step;
  return output;
}
