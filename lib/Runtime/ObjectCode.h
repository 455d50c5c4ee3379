//===- ObjectCode.h - generate and load the object code of a model -*- C++ -*-===//
#ifndef XGRAD_LIB_RUNTIME_OBJECTCODE_H
#define XGRAD_LIB_RUNTIME_OBJECTCODE_H

#include "xgrad/Pipelines/CompileOptions.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <string>

namespace mlir {
class ModuleOp;
class TimingScope;
} // namespace mlir

namespace llvm::orc {
class JITDylib;
class LLJIT;
} // namespace llvm::orc

namespace xgrad {

/// Compiles a module in the LLVM dialect to a relocatable object for the host CPU, with
/// MLIR's packed entry point `_mlir_<name>` next to every function.
/// LLVM's optimiser and code generator are timed under `timing`.
llvm::Expected<std::string> generateObjectCode(mlir::ModuleOp module,
                                               const CompileOptions &options,
                                               mlir::TimingScope &timing);

/// Object code linked into this process, with the runtime libraries it calls. Each object
/// is linked into a library of its own: the objects of one model's targets, compiled apart,
/// define the same helpers (`dealloc_helper`).
class LoadedCode {
public:
  ~LoadedCode();
  /// A JIT that resolves the process's and the runtime libraries' symbols, with no code yet.
  static llvm::Expected<std::unique_ptr<LoadedCode>> create(bool usesOpenMP);
  /// Links an object; returns the library it is in.
  llvm::Expected<llvm::orc::JITDylib *> add(llvm::StringRef objectCode);
  using PackedFunction = void (*)(void **);
  /// The packed entry point of `symbol`, defined in `library`.
  llvm::Expected<PackedFunction> lookupPacked(llvm::orc::JITDylib &library,
                                              llvm::StringRef symbol);

private:
  LoadedCode();
  std::unique_ptr<llvm::orc::LLJIT> jit;
  unsigned libraries = 0;
};

} // namespace xgrad

#endif // XGRAD_LIB_RUNTIME_OBJECTCODE_H
