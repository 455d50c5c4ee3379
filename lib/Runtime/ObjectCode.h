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
class LLJIT;
} // namespace llvm::orc

namespace xgrad {

/// Compiles a module in the LLVM dialect to a relocatable object for the host CPU, with
/// MLIR's packed entry point `_mlir_<name>` next to every function.
/// LLVM's optimiser and code generator are timed under `timing`.
llvm::Expected<std::string> generateObjectCode(mlir::ModuleOp module,
                                               const CompileOptions &options,
                                               mlir::TimingScope &timing);

/// Object code linked into this process, with the runtime libraries it calls.
class LoadedCode {
public:
  ~LoadedCode();
  static llvm::Expected<std::unique_ptr<LoadedCode>>
  load(llvm::StringRef objectCode, bool usesOpenMP);
  using PackedFunction = void (*)(void **);
  llvm::Expected<PackedFunction> lookupPacked(llvm::StringRef symbol);

private:
  LoadedCode();
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

} // namespace xgrad

#endif // XGRAD_LIB_RUNTIME_OBJECTCODE_H
