//===- Model.cpp - compile a graph and run its targets --------------------===//
#include "xgrad/Runtime/Model.h"
#include "xgrad/Conversion/Passes.h"
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Pipelines/Pipelines.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"
#include "xgrad/Runtime/Initializers.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>

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
// Compilation
//===----------------------------------------------------------------------===//

struct Model::Impl {
  mlir::MLIRContext context;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::vector<std::string> messages;
  Impl() : context(mlir::MLIRContext::Threading::DISABLED) {}
};

Model::Model() : impl(std::make_unique<Impl>()) {}
Model::~Model() = default;

static llvm::Expected<ElementType> elementTypeOf(mlir::Type type) {
  mlir::Type element = mlir::cast<mlir::TensorType>(type).getElementType();
  if (element.isF32())
    return ElementType::f32;
  if (element.isF64())
    return ElementType::f64;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << element;
  return llvm::createStringError("unsupported element type %s (xgrad runs f32 and f64)",
                                 text.c_str());
}

static llvm::Expected<ValueSpec> specOf(mlir::Type type, mlir::Attribute name) {
  auto ranked = mlir::dyn_cast<mlir::RankedTensorType>(type);
  if (!ranked)
    return llvm::createStringError("a target's value has no inferred shape");
  llvm::Expected<ElementType> element = elementTypeOf(type);
  if (!element)
    return element.takeError();
  ValueSpec spec{mlir::cast<mlir::StringAttr>(name).str(), *element, {}};
  for (int64_t size : ranked.getShape())
    spec.shape.push_back(mlir::ShapedType::isDynamic(size) ? -1 : size);
  return spec;
}

static llvm::Expected<TargetSignature> signatureOf(mlir::func::FuncOp func) {
  using mlir::xgrad::abi::ArgKind;
  TargetSignature signature;
  signature.symbol = func.getSymName().str();
  // callOnViews passes inputs and state, then epoch, step and status: the layout
  // --xgrad-materialize-targets gives every target.
  unsigned numArgs = func.getNumArguments();
  if (numArgs < 3 || mlir::xgrad::abi::getArgKind(func, numArgs - 3) != ArgKind::Epoch ||
      mlir::xgrad::abi::getArgKind(func, numArgs - 2) != ArgKind::Step ||
      mlir::xgrad::abi::getArgKind(func, numArgs - 1) != ArgKind::Status)
    return llvm::createStringError("function '%s' does not end in the epoch, step and status "
                                   "arguments of a materialized target",
                                   signature.symbol.c_str());
  for (unsigned i = 0; i + 3 < numArgs; ++i) {
    std::optional<ArgKind> kind = mlir::xgrad::abi::getArgKind(func, i);
    if (kind != ArgKind::Input && kind != ArgKind::State)
      return llvm::createStringError("argument #%u of '%s' is neither an input nor state", i,
                                     signature.symbol.c_str());
    llvm::Expected<ValueSpec> spec =
        specOf(func.getArgument(i).getType(), mlir::xgrad::abi::getArgName(func, i));
    if (!spec)
      return spec.takeError();
    std::vector<ValueSpec> &list = kind == ArgKind::Input ? signature.inputs : signature.stateIn;
    signature.argumentOrder.push_back({kind == ArgKind::State, list.size()});
    list.push_back(*spec);
  }
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    std::optional<mlir::xgrad::abi::ResultKind> kind = mlir::xgrad::abi::getResultKind(func, i);
    if (!kind)
      continue;
    llvm::Expected<ValueSpec> spec =
        specOf(func.getResultTypes()[i], mlir::xgrad::abi::getResultName(func, i));
    if (!spec)
      return spec.takeError();
    if (kind == mlir::xgrad::abi::ResultKind::Output)
      signature.output = *spec;
    else
      signature.stateOut.push_back(*spec);
  }
  return signature;
}

/// `file:line:col: error: message`, as MLIR's tools print diagnostics, with notes after it.
static void printDiagnostic(llvm::raw_ostream &os, mlir::Diagnostic &diag) {
  auto print = [&](mlir::Diagnostic &d, StringRef severity) {
    mlir::Location loc = d.getLocation();
    if (auto fused = mlir::dyn_cast<mlir::FusedLoc>(loc); fused && !fused.getLocations().empty())
      loc = fused.getLocations().front();
    if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(loc))
      os << file.getFilename().getValue() << ":" << file.getLine() << ":" << file.getColumn()
         << ": ";
    else
      os << loc << ": ";
    os << severity << ": " << d << "\n";
  };
  StringRef severity = diag.getSeverity() == mlir::DiagnosticSeverity::Error     ? "error"
                       : diag.getSeverity() == mlir::DiagnosticSeverity::Warning ? "warning"
                                                                                 : "remark";
  print(diag, severity);
  for (mlir::Diagnostic &note : diag.getNotes())
    print(note, "note");
}

/// Parses xgrad IR named `name` (for diagnostics) into `context`.
static llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
parseModel(mlir::MLIRContext &context, StringRef source, StringRef name) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    printDiagnostic(os, diag);
    return mlir::success();
  });
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(source, name), llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    return llvm::createStringError("cannot parse the model:\n%s", diagnostics.c_str());
  return module;
}

/// Runs `build` on the module, collecting diagnostics into the error.
template <typename Build>
static llvm::Error runPipeline(mlir::ModuleOp module, Build build, StringRef stage) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(module.getContext(), [&](mlir::Diagnostic &diag) {
    printDiagnostic(os, diag);
    return mlir::success();
  });
  mlir::PassManager pm(module.getContext());
  build(pm);
  if (mlir::failed(pm.run(module)))
    return llvm::createStringError("%s failed:\n%s", stage.str().c_str(), diagnostics.c_str());
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<Model>> Model::compile(StringRef source,
                                                      const CompileOptions &options) {
  static bool targetsInitialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsInitialized;

  std::unique_ptr<Model> model(new Model());
  mlir::MLIRContext &context = model->impl->context;
  mlir::DialectRegistry registry;
  mlir::xgrad::registerPipelineDialects(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerOpenMPDialectTranslation(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();

  auto parsed = parseModel(context, source, options.sourceName);
  if (!parsed)
    return parsed.takeError();
  mlir::OwningOpRef<mlir::ModuleOp> module = std::move(*parsed);

  if (llvm::Error error = runPipeline(
          *module, [](mlir::PassManager &pm) { mlir::xgrad::buildXGradToFuncsPipeline(pm); },
          "compiling the graph"))
    return std::move(error);

  for (auto func : module->getOps<mlir::func::FuncOp>()) {
    if (func.isDeclaration())
      continue;
    llvm::Expected<TargetSignature> signature = signatureOf(func);
    if (!signature)
      return signature.takeError();
    model->targets[signature->symbol] = std::move(*signature);
  }
  {
    for (const mlir::xgrad::abi::StateDeclaration &decl :
         mlir::xgrad::abi::getStateDeclarations(*module)) {
      llvm::Expected<ValueSpec> spec = specOf(decl.type, decl.name);
      if (!spec)
        return spec.takeError();
      if (llvm::is_contained(spec->shape, -1))
        continue; // A cache of dynamic shape holds nothing until a target stores it.
      std::optional<int64_t> count = checkedElementCount(spec->shape);
      if (!count || uint64_t(*count) * elementSize(spec->elementType) > (uint64_t(1) << 34))
        return llvm::createStringError("state '%s' (%s) is too large to allocate",
                                       spec->name.c_str(),
                                       typeString(spec->elementType, spec->shape).c_str());
      Tensor tensor(spec->elementType, spec->shape);
      if (llvm::Error error = initialize(tensor, decl.init.getValue(), decl.args.asArrayRef(),
                                         decl.seed.getInt()))
        return std::move(error);
      model->stateTensors[spec->name] = std::move(tensor);
    }
  }

  mlir::xgrad::XGradToLLVMOptions lowering;
  lowering.parallel = options.parallel;
  lowering.useLinalg = options.useLinalg;
  if (llvm::Error error = runPipeline(
          *module,
          [&](mlir::PassManager &pm) { mlir::xgrad::buildFuncsToLLVMPipeline(pm, lowering); },
          "lowering to LLVM"))
    return std::move(error);
  for (StringRef message : mlir::xgrad::abi::getMessages(*module))
    model->impl->messages.push_back(message.str());

  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    return machine.takeError();
  auto transformer = mlir::makeOptimizingTransformer(3, 0, machine->get());
  llvm::SmallVector<StringRef> libraries;
  std::string runnerUtils = XGRAD_MLIR_LIB_DIR "/libmlir_c_runner_utils.so";
  libraries.push_back(runnerUtils);
  if (options.parallel)
    libraries.push_back(XGRAD_OPENMP_LIBRARY);
  mlir::ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  engineOptions.sharedLibPaths = libraries;
  auto engine = mlir::ExecutionEngine::create(*module, engineOptions);
  if (!engine)
    return engine.takeError();
  model->impl->engine = std::move(*engine);
  return model;
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

std::vector<std::string> Model::targetNames() const {
  std::vector<std::string> names;
  for (auto &[symbol, signature] : targets)
    names.push_back(symbol);
  return names;
}

const TargetSignature *Model::findTarget(StringRef name) const {
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

  auto function = impl->engine->lookupPacked(target->symbol);
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
    std::memcpy(tensor.data(), aligned + results[descriptor + 2] * elementSize(spec.elementType),
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
    return checkFailure(status, impl->messages);
  for (auto [spec, tensor] : llvm::zip(target->stateOut, newState))
    stateTensors[spec.name] = std::move(tensor);
  if (!target->stateOut.empty())
    ++step;
  return output;
}

llvm::Expected<std::string> xgrad::irAfterStage(StringRef source, StringRef stage) {
  static const char *const stages[] = {"xgrad", "inferred", "functions", "linalg", "llvm"};
  auto found = llvm::find(stages, stage);
  if (found == std::end(stages))
    return llvm::createStringError(
        "unknown stage '%s' (stages: xgrad, inferred, functions, linalg, llvm)",
        stage.str().c_str());
  size_t depth = found - std::begin(stages);
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::DialectRegistry registry;
  mlir::xgrad::registerPipelineDialects(registry);
  context.appendDialectRegistry(registry);
  auto parsed = parseModel(context, source, "model");
  if (!parsed)
    return parsed.takeError();
  mlir::OwningOpRef<mlir::ModuleOp> module = std::move(*parsed);
  mlir::xgrad::XGradToLLVMOptions lowering;
  llvm::Error error = runPipeline(
      *module,
      [&](mlir::PassManager &pm) {
        if (depth >= 1)
          mlir::xgrad::buildXGradGraphPipeline(pm);
        if (depth >= 2)
          pm.addPass(mlir::xgrad::createXGradMaterializeTargets());
        if (depth == 3) {
          pm.addPass(mlir::xgrad::createConvertXGradToLinalg());
          pm.addPass(mlir::createCanonicalizerPass());
          pm.addNestedPass<mlir::func::FuncOp>(mlir::xgrad::createXGradDefaultSchedule());
        }
        if (depth == 4)
          mlir::xgrad::buildFuncsToLLVMPipeline(pm, lowering);
      },
      "lowering");
  if (error)
    return std::move(error);
  std::string text;
  llvm::raw_string_ostream out(text);
  module->print(out);
  return text;
}
