//===- Model.cpp - compile a graph and run its targets --------------------===//
#include "xgrad/Runtime/Model.h"
#include "ObjectCode.h"
#include "xgrad/Runtime/Initializers.h"

#include "xgrad/Dialect/XGrad/IR/XGradABI.h"

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
  llvm::Expected<CompiledModule> compiled = compileModule(source, options);
  if (!compiled)
    return compiled.takeError();
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

/// A memref descriptor as the LLVM lowering lays it out: allocated and aligned pointers,
/// offset, sizes, strides; every field 8 bytes.
static void appendDescriptor(std::vector<int64_t> &storage, const TensorView &tensor) {
  auto pointer = reinterpret_cast<int64_t>(tensor.data);
  storage.push_back(pointer);
  storage.push_back(pointer);
  storage.push_back(0);
  llvm::append_range(storage, tensor.shape);
  int64_t stride = 1;
  std::vector<int64_t> strides(tensor.shape.size());
  for (size_t dim = strides.size(); dim-- > 0;) {
    strides[dim] = stride;
    stride *= tensor.shape[dim];
  }
  llvm::append_range(storage, strides);
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

  // Descriptors first, so that the pointers into `storage` stay valid.
  for (const ValueSpec &spec : target->inputs)
    if (!inputs.count(spec.name))
      return llvm::createStringError("target '%s' needs input '%s' (%s)", name.str().c_str(),
                                     spec.name.c_str(), shapeString(spec).c_str());
  std::vector<int64_t> storage;
  std::vector<size_t> fieldCounts;
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
    appendDescriptor(storage, tensor);
    fieldCounts.push_back(3 + 2 * spec.shape.size());
  }
  storage.push_back(epoch);
  fieldCounts.push_back(1);
  storage.push_back(step);
  fieldCounts.push_back(1);
  // The status buffer (a memref<4xi64>): zero while every check holds.
  int64_t status[mlir::xgrad::abi::kStatusSize] = {};
  auto statusPointer = reinterpret_cast<int64_t>(&status[0]);
  for (int64_t field : {statusPointer, statusPointer, int64_t(0),
                        int64_t(mlir::xgrad::abi::kStatusSize), int64_t(1)})
    storage.push_back(field);
  fieldCounts.push_back(5);
  size_t resultFields = 3 + 2 * target->output.shape.size();
  for (const ValueSpec &spec : target->stateOut)
    resultFields += 3 + 2 * spec.shape.size();
  std::vector<int64_t> results(resultFields, 0);

  std::vector<void *> args;
  size_t offset = 0;
  for (size_t count : fieldCounts)
    for (size_t field = 0; field < count; ++field)
      args.push_back(&storage[offset++]);
  args.push_back(results.data());

  auto function = impl->code->lookupPacked(target->symbol);
  if (!function)
    return function.takeError();
  (*function)(args.data());
  bool failed = status[mlir::xgrad::abi::kFailed] != 0;

  // Copy every result out of its buffer, then free each buffer once. After a failed check
  // the results are placeholders: freed, never read.
  std::vector<void *> allocations;
  auto takeResult = [&](const ValueSpec &spec, size_t &at) {
    size_t descriptor = at;
    at += 3 + 2 * spec.shape.size();
    allocations.push_back(reinterpret_cast<void *>(results[descriptor]));
    if (failed)
      return Tensor();
    std::vector<int64_t> shape(results.begin() + descriptor + 3,
                               results.begin() + descriptor + 3 + spec.shape.size());
    Tensor tensor(spec.elementType, shape);
    auto *aligned = reinterpret_cast<uint8_t *>(results[descriptor + 1]);
    if (tensor.sizeInBytes())
      std::memcpy(tensor.data(),
                  aligned + results[descriptor + 2] * elementSize(spec.elementType),
                  tensor.sizeInBytes());
    return tensor;
  };
  size_t at = 0;
  Tensor output = takeResult(target->output, at);
  std::vector<Tensor> newState;
  for (const ValueSpec &spec : target->stateOut)
    newState.push_back(takeResult(spec, at));
  // A result is the caller's own buffer only if the lowering returned an argument uncopied;
  // never free those.
  std::vector<void *> arguments;
  for (size_t at = 0, i = 0; i + 3 < fieldCounts.size(); at += fieldCounts[i++])
    arguments.push_back(reinterpret_cast<void *>(storage[at]));
  llvm::sort(allocations);
  allocations.erase(std::unique(allocations.begin(), allocations.end()), allocations.end());
  for (void *allocation : allocations)
    if (!llvm::is_contained(arguments, allocation))
      std::free(allocation);
  // All or nothing: a failed run leaves the state and the step count as they were.
  if (failed)
    return checkFailure(status, impl->compiled.checkMessages);
  for (auto [spec, tensor] : llvm::zip(target->stateOut, newState))
    stateTensors[spec.name] = std::move(tensor);
  if (!target->stateOut.empty())
    ++step;
  return output;
}
