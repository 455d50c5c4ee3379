//===- Compiler.h - xgrad IR to a CompiledModule ----------------*- C++ -*-===//
#ifndef XGRAD_RUNTIME_COMPILER_H
#define XGRAD_RUNTIME_COMPILER_H

#include "xgrad/Pipelines/CompileOptions.h"
#include "xgrad/Runtime/CompiledModule.h"
#include "llvm/Support/Error.h"

namespace mlir {
class TimingScope;
} // namespace mlir

namespace xgrad {

/// Parses `source` (xgrad graphs, or functions already materialized from them) and compiles
/// it through the whole pipeline to object code. Diagnostics become the error's message.
llvm::Expected<CompiledModule> compileModule(llvm::StringRef source,
                                             const CompileOptions &options = {});
/// The code a compile generates: every target's, one target's (then `targets` holds that
/// target's signature only, and the object its function), or none (the signatures and state
/// declarations a lazily compiled Model starts from; the graph is still checked in full).
struct CodeSelection {
  enum Kind { allTargets, oneTarget, noCode } kind = allTargets;
  /// The target's symbol, for oneTarget.
  std::string target;
  static CodeSelection all() { return {}; }
  static CodeSelection one(llvm::StringRef symbol) { return {oneTarget, symbol.str()}; }
  static CodeSelection none() { return {noCode, ""}; }
  /// Names the selection in a cache key.
  std::string describe() const;
};

/// The same, timing each stage (parsing, every pass, LLVM's optimiser and code generator)
/// in timers nested under `timing` (`xgrad-run --time-stages` prints them).
llvm::Expected<CompiledModule> compileModule(llvm::StringRef source,
                                             const CompileOptions &options,
                                             mlir::TimingScope &timing,
                                             const CodeSelection &selection = {});

/// The model's IR after a stage of the pipeline (see mlir::xgrad::Stage: "xgrad" as parsed,
/// "inferred", "functions", "linalg", "scheduled" or "llvm"), exactly as
/// `xgrad-opt --xgrad-pipeline=until=<stage>` prints it with the same options.
llvm::Expected<std::string> irAfterStage(llvm::StringRef source, llvm::StringRef stage,
                                         const CompileOptions &options = {});

/// Floats per vector register of this machine, as the default schedule sees it (16 with
/// AVX-512, 8 with AVX, else 4): which products it tiles depends on it.
int64_t hostVectorWidth();

} // namespace xgrad

#endif // XGRAD_RUNTIME_COMPILER_H
