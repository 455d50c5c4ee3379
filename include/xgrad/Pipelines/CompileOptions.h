//===- CompileOptions.h - every option of the xgrad compiler ----*- C++ -*-===//
//
// The one place compile options live. The pipeline derives every pass option from it
// (buildXGradPipeline), the JIT its code generation options, the front ends their element
// type; the C API, Python and the tools only fill it in.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_PIPELINES_COMPILEOPTIONS_H
#define XGRAD_PIPELINES_COMPILEOPTIONS_H

#include "xgrad/Support/ElementType.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <string>

namespace xgrad {

enum class LossReduction { mean, sum };

struct CompileOptions {
  /// The float type front ends print the model in (IR text already names its types).
  ElementType elementType = ElementType::f32;
  /// Threads the kernels' parallel loops run on: 0 (the default) one per core (threadCount),
  /// 1 everything on the calling thread, more OpenMP with that many. Results are
  /// bit-identical for every count: threads split loops over disjoint outputs, never a sum.
  unsigned threads = 0;
  /// Operations (a static estimate: xgrad-parallel-threshold) a parallel loop must have
  /// before it runs on `threads`; smaller ones run on the calling thread, whose fork and join
  /// would cost more than they save. 0: every parallel loop on threads.
  uint64_t parallelMinWork = 32768;
  /// Lower projection kernels through linalg.generic (otherwise plain loop nests).
  bool useLinalg = true;
  /// LLVM's optimisation level for the generated code, 0 to 3. 2, not 3: the kernels that
  /// matter are tiled and vectorized before LLVM, and O3 costs 15% more compile time for
  /// no measured speed (docs/Rationale.md, "LLVM at O2").
  unsigned optLevel = 2;
  /// A file of transform IR whose named sequences replace the default schedule of the
  /// kernels they name (docs/Scheduling.md); empty: the default schedule only.
  std::string schedule;
  /// The name diagnostics give the source.
  std::string sourceName = "model";
  /// Stop the run at the first kernel whose result holds a NaN or an infinity, naming it
  /// (costs a pass over every result: for debugging).
  bool checkFinite = false;
  /// Data-parallel training over MPI (docs/Distributed.md): every training step sums its
  /// gradients over the ranks of the run (--xgrad-data-parallel), and the runtime gives
  /// each rank its share of every batch.
  bool distributed = false;
  /// How the loss combines the rows of a batch, which decides how ranks' gradients
  /// combine: a mean (every loss of the layers library) or a sum.
  LossReduction lossReduction = LossReduction::mean;
  /// Run the compiled code with subnormal floats flushed to zero (x86's FTZ and DAZ, set
  /// and restored around every call, as TensorFlow's kernels run): arithmetic on them takes
  /// a slow path, and Adam's state decays into them (docs/Rationale.md).
  bool flushDenormals = true;
  // Every option above decides the code: compileCacheKey (CompileCache.cpp) hashes each one,
  // and a new one must be added there. The options below only say where code comes from.

  /// Compile each target's code when it is first called (a model's targets are then
  /// compiled apart); false compiles every target up front, as one module.
  bool lazy = true;
  /// Reuse the code an earlier compile of the same source and options stored on disk, and
  /// store what is compiled (xgrad/Runtime/CompileCache.h).
  bool cache = true;
  /// The cache's directory; empty: $XGRAD_CACHE_DIR, else $XDG_CACHE_HOME/xgrad, else
  /// ~/.cache/xgrad.
  std::string cacheDirectory;
  /// The cache's size bound in bytes: a store beyond it evicts the least recently used entries.
  uint64_t cacheLimit = uint64_t(1) << 30;

  /// The threads `threads` means on this machine: 0 is one per core, except in a
  /// distributed run, whose ranks already share the cores (one thread each).
  unsigned threadCount() const;
  bool parallel() const { return threadCount() > 1; }
  /// An error naming the first option that is out of range.
  llvm::Error validate() const {
    if (optLevel > 3)
      return llvm::createStringError("the optimisation level must be 0 to 3, got %u", optLevel);
    return llvm::Error::success();
  }
};

/// One thread per core of this machine: what `threads` 0 means.
unsigned allThreads();

} // namespace xgrad

#endif // XGRAD_PIPELINES_COMPILEOPTIONS_H
