//===- Compiler.cpp - xgrad IR to a CompiledModule ------------------------===//
#include "xgrad/Runtime/Compiler.h"
#include "ObjectCode.h"
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"
#include "xgrad/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/SourceMgr.h"

using namespace xgrad;
using llvm::StringRef;
using mlir::xgrad::Stage;

//===----------------------------------------------------------------------===//
// Reading the ABI off the materialized functions
//===----------------------------------------------------------------------===//

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
  signature.collective =
      func.walk([](mlir::xgrad::AllReduceOp) { return mlir::WalkResult::interrupt(); })
          .wasInterrupted();
  return signature;
}

static llvm::Error readStateDeclarations(mlir::ModuleOp module, CompiledModule &compiled) {
  for (const mlir::xgrad::abi::StateDeclaration &decl :
       mlir::xgrad::abi::getStateDeclarations(module)) {
    llvm::Expected<ValueSpec> spec = specOf(decl.type, decl.name);
    if (!spec)
      return spec.takeError();
    StateDeclaration state;
    state.value = std::move(*spec);
    state.initializer = decl.init.str();
    llvm::append_range(state.arguments, decl.args.asArrayRef());
    state.seed = decl.seed.getInt();
    compiled.state.push_back(std::move(state));
  }
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Parsing and running the pipeline
//===----------------------------------------------------------------------===//

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

/// A context with exactly the dialects and translations the pipeline needs.
static void prepareContext(mlir::MLIRContext &context) {
  mlir::DialectRegistry registry;
  mlir::xgrad::registerPipelineDialects(registry);
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::registerOpenMPDialectTranslation(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
}

/// Parses xgrad IR named `name` (for diagnostics) into `context`.
static llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
parseModel(mlir::MLIRContext &context, StringRef source, StringRef name) {
  // Diagnostics point at the line that wrote the op (the front ends' locations); a generic-form
  // dump of it would only show IR the user of a front end never wrote.
  context.printOpOnDiagnostic(false);
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

/// The start of every compilation: valid options, the pipeline's dialects, the parsed source.
static llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
parseForPipeline(mlir::MLIRContext &context, StringRef source, const CompileOptions &options) {
  if (llvm::Error error = options.validate())
    return std::move(error);
  prepareContext(context);
  return parseModel(context, source, options.sourceName);
}

/// Runs the stages after `from` up to `until`, collecting diagnostics into the error.
static llvm::Error runStages(mlir::ModuleOp module, const CompileOptions &options, Stage from,
                             Stage until, mlir::TimingScope &timing) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  mlir::ScopedDiagnosticHandler handler(module.getContext(), [&](mlir::Diagnostic &diag) {
    printDiagnostic(os, diag);
    return mlir::success();
  });
  mlir::PassManager pm(module.getContext());
  mlir::xgrad::buildXGradPipeline(pm, options, from, until);
  if (timing)
    pm.enableTiming(timing);
  if (mlir::failed(pm.run(module)))
    return llvm::createStringError("%s failed:\n%s",
                                   from < Stage::functions ? "compiling the graph"
                                                           : "lowering to LLVM",
                                   diagnostics.c_str());
  return llvm::Error::success();
}

llvm::Expected<CompiledModule> xgrad::compileModule(StringRef source,
                                                    const CompileOptions &options) {
  mlir::TimingScope untimed;
  return compileModule(source, options, untimed);
}

std::string CodeSelection::describe() const {
  switch (kind) {
  case allTargets:
    return "all targets";
  case oneTarget:
    return "target " + target;
  case noCode:
    return "interface";
  }
  llvm_unreachable("a kind of selection");
}

llvm::Expected<CompiledModule> xgrad::compileModule(StringRef source,
                                                    const CompileOptions &options,
                                                    mlir::TimingScope &timing,
                                                    const CodeSelection &selection) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::TimingScope parseTiming = timing.nest("parse");
  auto parsed = parseForPipeline(context, source, options);
  parseTiming.stop();
  if (!parsed)
    return parsed.takeError();
  mlir::ModuleOp module = parsed->get();

  // The ABI is read off the materialized functions, while they still have tensor types.
  mlir::TimingScope graphTiming = timing.nest("graph to functions");
  if (llvm::Error error = runStages(module, options, Stage::xgrad, Stage::functions, graphTiming))
    return std::move(error);
  graphTiming.stop();
  CompiledModule compiled;
  for (auto func : module.getOps<mlir::func::FuncOp>()) {
    if (func.isDeclaration())
      continue;
    llvm::Expected<TargetSignature> signature = signatureOf(func);
    if (!signature)
      return signature.takeError();
    compiled.targets[signature->symbol] = std::move(*signature);
  }
  if (llvm::Error error = readStateDeclarations(module, compiled))
    return std::move(error);
  compiled.usesOpenMP = options.parallel();
  compiled.cpu = hostCPU();
  if (selection.kind == CodeSelection::noCode)
    return compiled;
  if (selection.kind == CodeSelection::oneTarget) {
    auto kept = compiled.targets.find(selection.target);
    if (kept == compiled.targets.end())
      return llvm::createStringError("the model has no target '%s'", selection.target.c_str());
    TargetSignature signature = std::move(kept->second);
    compiled.targets = {{selection.target, std::move(signature)}};
    for (auto func : llvm::make_early_inc_range(module.getOps<mlir::func::FuncOp>()))
      if (!func.isDeclaration() && func.getSymName() != selection.target)
        func.erase();
  }

  mlir::TimingScope lowerTiming = timing.nest("functions to the LLVM dialect");
  if (llvm::Error error = runStages(module, options, Stage::functions, Stage::llvm, lowerTiming))
    return std::move(error);
  lowerTiming.stop();
  for (StringRef message : mlir::xgrad::abi::getMessages(module))
    compiled.checkMessages.push_back(message.str());

  llvm::Expected<std::string> object = generateObjectCode(module, options, timing);
  if (!object)
    return object.takeError();
  compiled.objectCode = std::move(*object);
  return compiled;
}

llvm::Expected<std::string> xgrad::irAfterStage(StringRef source, StringRef stageName,
                                                const CompileOptions &options) {
  std::optional<Stage> stage = mlir::xgrad::parseStage(stageName);
  if (!stage)
    return llvm::createStringError("unknown stage '%s' (stages: %s)", stageName.str().c_str(),
                                   mlir::xgrad::stageNames().c_str());
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  auto parsed = parseForPipeline(context, source, options);
  if (!parsed)
    return parsed.takeError();
  mlir::ModuleOp module = parsed->get();
  mlir::TimingScope untimed;
  if (llvm::Error error = runStages(module, options, Stage::xgrad, *stage, untimed))
    return std::move(error);
  std::string text;
  llvm::raw_string_ostream out(text);
  module.print(out);
  out << "\n"; // As mlir-opt tools end their output.
  return text;
}

int64_t xgrad::hostVectorWidth() { return mlir::xgrad::hostVectorWidth(); }
