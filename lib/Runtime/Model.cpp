//===- Model.cpp - compile a graph and run its targets --------------------===//
#include "xgrad/Runtime/Model.h"
#include "ObjectCode.h"
#include "PackedCall.h"
#include "xgrad/Runtime/CompileCache.h"
#include "xgrad/Runtime/Distributed.h"
#include "xgrad/Runtime/Initializers.h"

#include "xgrad/Dialect/XGrad/IR/ShapeRules.h"
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"

#include "mlir/Support/Timing.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/ThreadPool.h"
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <unistd.h>

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
  message = mlir::xgrad::formatCheckMessage(message, status[kLhs], status[kRhs]);
  return llvm::createStringError("run-time check failed: %s", message.c_str());
}

/// The most bytes one buffer of compiled code may take: this machine's physical memory. A
/// larger allocation would fail (or, overcommitted, be killed on first touch) anyway.
static int64_t bufferLimit() {
  static const int64_t limit = [] {
    long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && pageSize > 0 ? int64_t(pages) * pageSize : int64_t(1) << 40;
  }();
  return limit;
}

//===----------------------------------------------------------------------===//
// Linking a compiled module
//===----------------------------------------------------------------------===//

struct Model::Impl {
  /// Every target's signature and the state declarations; with every target's code when the
  /// model was made from a whole CompiledModule.
  CompiledModule interface;
  std::unique_ptr<LoadedCode> code;
  /// The library of interface.objectCode, if it has code.
  llvm::orc::JITDylib *wholeLibrary = nullptr;
  /// A lazily compiled model compiles each target from these on its first call.
  bool lazy = false;
  std::string source;
  CompileOptions options;
  /// The whole module compiled for `compiled()`, when the model is lazy.
  std::optional<CompiledModule> whole;
  /// Some target is a collective training step (compiled with `distributed`).
  bool distributed = false;

  struct LinkedTarget {
    LoadedCode::PackedFunction function;
    /// The check messages of the code the function is in.
    const std::vector<std::string> *messages;
  };
  /// A target asked for, with a lock of its own: different targets compile at once, and a
  /// target's first calls from several threads compile and link it once.
  struct TargetSlot {
    std::mutex mutex;
    std::optional<LinkedTarget> linked;
  };
  /// Guards what follows, `code` and `whole` (not the compiles themselves).
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<TargetSlot>> slots;
  std::vector<std::unique_ptr<std::vector<std::string>>> pieceMessages;

  llvm::Expected<LinkedTarget> link(const std::string &symbol, mlir::TimingScope &timing);
};

llvm::Expected<Model::Impl::LinkedTarget> Model::Impl::link(const std::string &symbol,
                                                            mlir::TimingScope &timing) {
  TargetSlot *slot;
  {
    std::lock_guard<std::mutex> lock(mutex);
    std::unique_ptr<TargetSlot> &entry = slots[symbol];
    if (!entry)
      entry = std::make_unique<TargetSlot>();
    slot = entry.get();
  }
  std::lock_guard<std::mutex> targetLock(slot->mutex);
  if (slot->linked)
    return *slot->linked;
  LinkedTarget target;
  if (wholeLibrary) {
    std::lock_guard<std::mutex> lock(mutex);
    auto function = code->lookupPacked(*wholeLibrary, symbol);
    if (!function)
      return function.takeError();
    target = {*function, &interface.checkMessages};
  } else if (lazy) {
    // Without the model's lock: another target may compile meanwhile.
    llvm::Expected<CompiledModule> piece =
        compileModuleCached(source, options, timing, CodeSelection::one(symbol));
    if (!piece)
      return piece.takeError();
    std::lock_guard<std::mutex> lock(mutex);
    mlir::TimingScope linkTiming = timing.nest("linking");
    auto library = code->add(piece->objectCode);
    if (!library)
      return library.takeError();
    auto function = code->lookupPacked(**library, symbol);
    if (!function)
      return function.takeError();
    pieceMessages.push_back(
        std::make_unique<std::vector<std::string>>(std::move(piece->checkMessages)));
    target = {*function, pieceMessages.back().get()};
  } else {
    return llvm::createStringError("the compiled module holds no code for target '%s'",
                                   symbol.c_str());
  }
  slot->linked = target;
  return target;
}

llvm::Error Model::prepare(StringRef name) {
  mlir::TimingScope untimed;
  return prepare(name, untimed);
}

llvm::Error Model::prepareTargets(llvm::ArrayRef<std::string> names) {
  // Each on a thread of its own, up to one per core: a model's targets compile apart.
  llvm::ThreadPoolStrategy strategy = llvm::hardware_concurrency(names.size());
  strategy.Limit = true;
  llvm::DefaultThreadPool pool(strategy);
  std::mutex errorsMutex;
  llvm::Error errors = llvm::Error::success();
  for (const std::string &name : names)
    pool.async([&, name] {
      if (llvm::Error error = prepare(name)) {
        std::lock_guard<std::mutex> lock(errorsMutex);
        errors = llvm::joinErrors(std::move(errors), std::move(error));
      }
    });
  pool.wait();
  return errors;
}

llvm::Error Model::prepare(StringRef name, mlir::TimingScope &timing) {
  const TargetSignature *target = findTarget(name);
  if (!target)
    return llvm::createStringError("unknown or ambiguous target '%s'", name.str().c_str());
  llvm::Expected<Impl::LinkedTarget> linked = impl->link(target->symbol, timing);
  return linked ? llvm::Error::success() : linked.takeError();
}

Model::Model() : impl(std::make_unique<Impl>()) {}
Model::~Model() = default;

llvm::Expected<const CompiledModule &> Model::compiled() {
  std::lock_guard<std::mutex> lock(impl->mutex);
  if (!impl->lazy)
    return impl->interface;
  if (!impl->whole) {
    mlir::TimingScope untimed;
    llvm::Expected<CompiledModule> whole =
        compileModuleCached(impl->source, impl->options, untimed);
    if (!whole)
      return whole.takeError();
    impl->whole = std::move(*whole);
  }
  return *impl->whole;
}

llvm::Expected<std::unique_ptr<Model>> Model::compile(StringRef source,
                                                      const CompileOptions &options) {
  mlir::TimingScope untimed;
  return compile(source, options, untimed);
}

llvm::Expected<std::unique_ptr<Model>>
Model::compile(StringRef source, const CompileOptions &options, mlir::TimingScope &timing) {
  // A lazy model's interface has no code yet, so create() cannot tell it trains with peers.
  if (options.distributed)
    if (llvm::Error error = distributed::initialize())
      return std::move(error);
  llvm::Expected<CompiledModule> compiled = compileModuleCached(
      source, options, timing, options.lazy ? CodeSelection::none() : CodeSelection::all());
  if (!compiled)
    return compiled.takeError();
  mlir::TimingScope linkTiming = timing.nest("initial state and linking");
  llvm::Expected<std::unique_ptr<Model>> model = create(std::move(*compiled));
  if (model)
    (*model)->impl->distributed |= options.distributed;
  if (model && options.lazy) {
    (*model)->impl->lazy = true;
    (*model)->impl->source = source.str();
    (*model)->impl->options = options;
    // Targets compile later, perhaps after the process changed its directory.
    llvm::SmallString<256> schedule(options.schedule);
    if (!schedule.empty() && !llvm::sys::fs::make_absolute(schedule))
      (*model)->impl->options.schedule = schedule.str().str();
  }
  return model;
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
  for (auto &[symbol, signature] : compiled.targets)
    model->impl->distributed |= signature.collective;
  // Before linking: the code's MPI calls resolve to the MPI this initialises.
  if (model->impl->distributed)
    if (llvm::Error error = distributed::initialize())
      return std::move(error);
  auto code = LoadedCode::create(compiled.usesOpenMP);
  if (!code)
    return code.takeError();
  if (!compiled.objectCode.empty()) {
    auto library = (*code)->add(compiled.objectCode);
    if (!library)
      return library.takeError();
    model->impl->wholeLibrary = *library;
  }
  model->impl->code = std::move(*code);
  model->impl->interface = std::move(compiled);
  return model;
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

std::vector<std::string> Model::targetNames() const {
  std::vector<std::string> names;
  for (auto &[symbol, signature] : impl->interface.targets)
    names.push_back(symbol);
  return names;
}

const TargetSignature *Model::findTarget(StringRef name) const {
  const std::map<std::string, TargetSignature> &targets = impl->interface.targets;
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

bool Model::isDistributed() const { return impl->distributed; }

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
  // A collective step's ranks agree that every one of them can take it before any starts:
  // a rank whose inputs are wrong would otherwise leave the others waiting in the step.
  bool collective = target->collective && distributed::size() > 1;
  auto agree = [&](llvm::Error problem) -> llvm::Error {
    if (!collective)
      return problem;
    int failures = distributed::countFailures(bool(problem));
    if (problem || failures == 0)
      return problem;
    return llvm::createStringError("%d other rank(s) could not take this step of target '%s' "
                                   "(their messages say why); every rank stops",
                                   failures, name.str().c_str());
  };
  // Inputs the target does not take are ignored: one dictionary serves every target of a
  // model (`fit` on "train" and `call` of "predict" with the same batch).
  for (const ValueSpec &spec : target->inputs)
    if (!inputs.count(spec.name))
      return agree(llvm::createStringError("target '%s' needs input '%s' (%s)",
                                           name.str().c_str(), spec.name.c_str(),
                                           shapeString(spec).c_str()));
  // A lazy target's first call compiles it: before the state lock, so that other threads'
  // calls of compiled targets go on meanwhile.
  mlir::TimingScope untimed;
  llvm::Expected<Impl::LinkedTarget> linked = impl->link(target->symbol, untimed);
  if (!linked)
    return agree(linked.takeError());
  // A target that stores state runs alone; the others may run together (they only read it).
  std::shared_lock<std::shared_mutex> reading(stateMutex, std::defer_lock);
  std::unique_lock<std::shared_mutex> writing(stateMutex, std::defer_lock);
  if (target->stateOut.empty() && !collective)
    reading.lock();
  else
    writing.lock();
  // The arguments in the order --xgrad-materialize-targets gives them: inputs and state,
  // epoch, step, status; then the target's value and the new state.
  PackedCall packed;
  auto packArguments = [&]() -> llvm::Error {
    for (auto [isState, index] : target->argumentOrder) {
      const ValueSpec &spec = isState ? target->stateIn[index] : target->inputs[index];
      TensorView tensor;
      if (isState) {
        auto it = stateTensors.find(spec.name);
        if (it == stateTensors.end())
          return llvm::createStringError("state '%s' has no value yet (a cache is read "
                                         "before any target stored it)",
                                         spec.name.c_str());
        tensor = it->second.view();
      } else {
        tensor = inputs.at(spec.name);
      }
      if (llvm::Error error = checkTensor(spec, tensor, isState ? "state" : "input"))
        return error;
      packed.addTensor(tensor);
    }
    return llvm::Error::success();
  };
  if (llvm::Error error = agree(packArguments()))
    return std::move(error);
  // Every rank starts from rank 0's state (the same seeds give the same parameters, but a
  // state loaded or set on one rank only would not be).
  if (collective && !stateShared) {
    for (auto &[stateName, tensor] : stateTensors)
      distributed::broadcastFromRankZero(tensor.data(), tensor.sizeInBytes());
    stateShared = true;
  }
  packed.addScalar(epoch);
  packed.addScalar(step);
  // Zero while every check holds.
  int64_t status[mlir::xgrad::abi::kStatusSize] = {};
  status[mlir::xgrad::abi::kAllocationLimit] = bufferLimit();
  packed.addBuffer(status, mlir::xgrad::abi::kStatusSize);
  packed.addResult(target->output.shape.size());
  for (const ValueSpec &spec : target->stateOut)
    packed.addResult(spec.shape.size());

  packed.run(linked->function);

  // After a failed check the results are placeholders: freed, never read. All or nothing: a
  // failed run leaves the state and the step count as they were.
  if (status[mlir::xgrad::abi::kFailed] != 0) {
    packed.freeResults();
    return checkFailure(status, *linked->messages);
  }
  auto takeResult = [&](size_t index, const ValueSpec &spec) {
    PackedCall::Result result = packed.result(index, elementSize(spec.elementType));
    // The result's own buffer becomes the tensor's: no allocation and no copy per call (the
    // train step returns every parameter and optimizer state).
    if (void *owned = packed.releaseResult(index)) {
      size_t size = elementSize(spec.elementType);
      for (int64_t extent : result.shape)
        size *= extent;
      return Tensor(spec.elementType, result.shape, TensorBytes::adopt(owned, size));
    }
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
