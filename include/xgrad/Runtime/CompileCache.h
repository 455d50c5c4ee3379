//===- CompileCache.h - compiled modules kept on disk between runs -*- C++ -*-===//
//
// A second process compiling the same source with the same options reads the CompiledModule
// the first one stored instead of running the pipeline and LLVM again. The key is a SHA-256
// of everything that decides the code: the source text, every code-deciding option (the
// schedule file's contents, not its name), the host CPU and its features, LLVM's version,
// xgrad's version and the build ID of the binary holding the compiler, so a rebuilt xgrad
// never reads code an older build made. docs/Rationale.md, "The compile cache", says why.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_RUNTIME_COMPILECACHE_H
#define XGRAD_RUNTIME_COMPILECACHE_H

#include "xgrad/Pipelines/CompileOptions.h"
#include "xgrad/Runtime/CompiledModule.h"
#include "xgrad/Runtime/Compiler.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>

namespace mlir {
class TimingScope;
} // namespace mlir

namespace xgrad {

/// The directory of the cache `options` uses: options.cacheDirectory, else
/// $XGRAD_CACHE_DIR, else $XDG_CACHE_HOME/xgrad, else ~/.cache/xgrad.
std::string compileCacheDirectory(const CompileOptions &options);

/// The key (64 hex digits) of the code `selection` compiles from `source` with `options`;
/// an error if the schedule file cannot be read.
llvm::Expected<std::string> compileCacheKey(llvm::StringRef source,
                                            const CompileOptions &options,
                                            const CodeSelection &selection = {});

/// compileModule through the cache when options.cache is set: a valid entry is read back; a
/// missing, corrupt, truncated or foreign one is compiled and (re)stored. The cache never
/// fails a compile: an unwritable directory or a full disk only costs the entry.
llvm::Expected<CompiledModule> compileModuleCached(llvm::StringRef source,
                                                   const CompileOptions &options,
                                                   mlir::TimingScope &timing,
                                                   const CodeSelection &selection = {});

struct CompileCacheStats {
  std::string directory;
  /// This process's lookups, and the entries it could not read or write.
  uint64_t hits = 0, misses = 0, rejected = 0, writeErrors = 0;
  /// The last rejected entry's or write error's reason.
  std::string lastProblem;
  /// What the directory holds now.
  uint64_t entries = 0, bytes = 0;
};
CompileCacheStats compileCacheStats(const CompileOptions &options);

} // namespace xgrad

#endif // XGRAD_RUNTIME_COMPILECACHE_H
