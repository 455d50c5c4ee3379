//===- ObjectCode.cpp - generate and load the object code of a model ------===//
//
// MLIR's ExecutionEngine generates the code (it adds the packed entry points and runs LLVM's
// optimizer for the host CPU) and hands back the object it compiled; an LLJIT of our own
// links that object, freshly generated or read from a CompiledModule, so both run the same
// way.
//
//===----------------------------------------------------------------------===//
#include "ObjectCode.h"
#include "BufferPool.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"
#include "llvm/ExecutionEngine/JITEventListener.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h"
#include "llvm/ExecutionEngine/SectionMemoryManager.h"
#include "llvm/Object/SymbolSize.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"

#include <dlfcn.h>
#include <unistd.h>

using namespace xgrad;
using llvm::StringRef;

/// MLIR's C runner utilities (memrefCopy and the like), which compiled code calls: the copy
/// next to the MLIR libraries this process has loaded, so that an installed xgrad finds them
/// wherever LLVM is; the directory LLVM had when xgrad was built only if that has none.
static const std::string &runnerUtilsLibrary() {
  static const std::string path = [] {
    const char *name = "libmlir_c_runner_utils.so";
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&mlir::ExecutionEngine::create), &info) &&
        info.dli_fname) {
      llvm::SmallString<256> candidate(llvm::sys::path::parent_path(info.dli_fname));
      llvm::sys::path::append(candidate, name);
      if (llvm::sys::fs::exists(candidate))
        return std::string(candidate);
    }
    return (llvm::Twine(XGRAD_MLIR_LIB_DIR) + "/" + name).str();
  }();
  return path;
}

static void initializeNativeTarget() {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
}

static llvm::CodeGenOptLevel codeGenOptLevel(unsigned level) {
  switch (level) {
  case 0:
    return llvm::CodeGenOptLevel::None;
  case 1:
    return llvm::CodeGenOptLevel::Less;
  case 2:
    return llvm::CodeGenOptLevel::Default;
  default:
    return llvm::CodeGenOptLevel::Aggressive;
  }
}

llvm::Expected<std::string> xgrad::generateObjectCode(mlir::ModuleOp module,
                                                      const CompileOptions &options,
                                                      mlir::TimingScope &timing) {
  initializeNativeTarget();
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    return machine.takeError();
  mlir::ExecutionEngineOptions engineOptions;
  auto optimize = mlir::makeOptimizingTransformer(options.optLevel, 0, machine->get());
  mlir::TimingScope translateTiming = timing.nest("translation to LLVM IR");
  auto timedOptimize = [&](llvm::Module *llvmModule) {
    translateTiming.stop();
    mlir::TimingScope optimizeTiming = timing.nest("LLVM optimiser");
    return optimize(llvmModule);
  };
  engineOptions.transformer = timedOptimize;
  engineOptions.jitCodeGenOptLevel = codeGenOptLevel(options.optLevel);
  engineOptions.enableObjectDump = true;
  // The engine links what it compiles, so it needs the same libraries as the loader.
  llvm::SmallVector<StringRef> libraries{runnerUtilsLibrary()};
  if (options.parallel())
    libraries.push_back(XGRAD_OPENMP_LIBRARY);
  engineOptions.sharedLibPaths = libraries;
  auto engine = mlir::ExecutionEngine::create(module, engineOptions);
  if (!engine)
    return engine.takeError();
  mlir::TimingScope codeGenTiming = timing.nest("LLVM code generation");
  // The engine compiles the whole module on the first lookup, and only then has an object.
  for (auto func : module.getOps<mlir::LLVM::LLVMFuncOp>()) {
    if (func.isExternal())
      continue;
    auto found = (*engine)->lookup(func.getName());
    if (!found)
      return found.takeError();
    break;
  }
  codeGenTiming.stop();
  llvm::SmallString<128> path;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile("xgrad", "o", path))
    return llvm::createStringError(error, "cannot create a temporary object file");
  llvm::FileRemover remover(path);
  (*engine)->dumpToObjectFile(path);
  auto object = llvm::MemoryBuffer::getFile(path);
  if (!object)
    return llvm::createStringError(object.getError(), "cannot read the generated object code");
  if ((*object)->getBufferSize() == 0)
    return llvm::createStringError("the JIT generated no object code");
  return (*object)->getBuffer().str();
}

LoadedCode::LoadedCode() = default;
LoadedCode::~LoadedCode() = default;

namespace {
/// Appends each loaded function to /tmp/perf-<pid>.map, the file `perf report` reads the
/// names of JIT code from (Debian's LLVM has no perf listener of its own).
struct PerfMapWriter : llvm::JITEventListener {
  void notifyObjectLoaded(ObjectKey, const llvm::object::ObjectFile &object,
                          const llvm::RuntimeDyld::LoadedObjectInfo &info) override {
    std::error_code error;
    llvm::raw_fd_ostream map(llvm::formatv("/tmp/perf-{0}.map", ::getpid()).str(), error,
                             llvm::sys::fs::OF_Append);
    if (error)
      return;
    for (auto [symbol, size] : llvm::object::computeSymbolSizes(object)) {
      auto type = symbol.getType();
      auto name = symbol.getName();
      auto section = symbol.getSection();
      auto address = symbol.getAddress();
      if (!type || *type != llvm::object::SymbolRef::ST_Function || !name || !section ||
          *section == object.section_end() || !address) {
        llvm::consumeError(type.takeError());
        llvm::consumeError(name.takeError());
        llvm::consumeError(section.takeError());
        llvm::consumeError(address.takeError());
        continue;
      }
      uint64_t start = info.getSectionLoadAddress(**section) + *address -
                       (**section).getAddress();
      map << llvm::format("%llx %llx ", (unsigned long long)start, (unsigned long long)size)
          << *name << "\n";
    }
  }
};

PerfMapWriter &perfMapWriter() {
  static PerfMapWriter writer;
  return writer;
}
} // namespace

llvm::Expected<std::unique_ptr<LoadedCode>> LoadedCode::create(bool usesOpenMP) {
  initializeNativeTarget();
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  // The same linker as MLIR's ExecutionEngine, for the objects its code generator makes.
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(*machineBuilder))
                 .setObjectLinkingLayerCreator([](llvm::orc::ExecutionSession &session)
                                                   -> llvm::Expected<std::unique_ptr<
                                                       llvm::orc::ObjectLayer>> {
                   auto layer = std::make_unique<llvm::orc::RTDyldObjectLinkingLayer>(
                       session, [](const llvm::MemoryBuffer &) {
                         return std::make_unique<llvm::SectionMemoryManager>();
                       });
                   // XGRAD_PERF=1: name the compiled functions for `perf report`.
                   if (const char *perf = std::getenv("XGRAD_PERF"); perf && *perf == '1')
                     layer->registerJITEventListener(perfMapWriter());
                   return layer;
                 })
                 .create();
  if (!jit)
    return jit.takeError();
  llvm::orc::JITDylib &main = (*jit)->getMainJITDylib();
  char prefix = (*jit)->getDataLayout().getGlobalPrefix();
  // The process first: `malloc` and `free` must be the ones the runtime frees results with
  // (an embedder's allocator, or a sanitizer's), not libc's as seen from a library's handle.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(prefix);
  if (!process)
    return process.takeError();
  main.addGenerator(std::move(*process));
  llvm::SmallVector<const char *> libraries{runnerUtilsLibrary().c_str()};
  if (usesOpenMP)
    libraries.push_back(XGRAD_OPENMP_LIBRARY);
  for (const char *library : libraries) {
    auto generator = llvm::orc::DynamicLibrarySearchGenerator::Load(library, prefix);
    if (!generator)
      return generator.takeError();
    main.addGenerator(std::move(*generator));
  }
  std::unique_ptr<LoadedCode> code(new LoadedCode());
  code->jit = std::move(*jit);
  return code;
}

llvm::Expected<llvm::orc::JITDylib *> LoadedCode::add(StringRef objectCode) {
  // The main library holds no code: it resolves the process's and the runtime libraries'
  // symbols for every library linked after it.
  auto library = jit->createJITDylib("xgrad-object-" + std::to_string(libraries++));
  if (!library)
    return library.takeError();
  library->addToLinkOrder(jit->getMainJITDylib());
  // Temporaries through the buffer pool (BufferPool.h), defined in the object's own library:
  // LLJIT links every library to the process's symbols ahead of the main one.
  llvm::orc::SymbolMap pooled;
  pooled[jit->mangleAndIntern("aligned_alloc")] = {
      llvm::orc::ExecutorAddr::fromPtr(&bufferpool::alignedAlloc), llvm::JITSymbolFlags::Exported};
  pooled[jit->mangleAndIntern("free")] = {
      llvm::orc::ExecutorAddr::fromPtr(&bufferpool::release), llvm::JITSymbolFlags::Exported};
  if (llvm::Error error = library->define(llvm::orc::absoluteSymbols(std::move(pooled))))
    return std::move(error);
  if (llvm::Error error = jit->addObjectFile(
          *library, llvm::MemoryBuffer::getMemBufferCopy(objectCode, "xgrad-model.o")))
    return std::move(error);
  return &*library;
}

llvm::Expected<LoadedCode::PackedFunction>
LoadedCode::lookupPacked(llvm::orc::JITDylib &library, StringRef symbol) {
  auto address = jit->lookup(library, ("_mlir_" + symbol).str());
  if (!address)
    return address.takeError();
  return address->toPtr<PackedFunction>();
}
