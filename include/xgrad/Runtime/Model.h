//===- Model.h - compile a graph and run its targets ------------*- C++ -*-===//
//
// The embedding API: compile xgrad IR through the whole pipeline, then call targets on host
// tensors. A Model is a CompiledModule (the compiler's artifact) linked into this process,
// plus the model's state; each owns its code, so one graph can be compiled twice and several
// models live in one process.
//
// Threads: `call`, `apply`, `fit`, `save` and `load` may be called on one model from several
// threads. Targets that only read the state (inference) run concurrently; a target that
// stores state (a training step), and `load`, run alone, so every call sees the state of a
// sequence of whole calls. `state()` hands out the map itself: while other threads call, use
// `copyState()`.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_RUNTIME_MODEL_H
#define XGRAD_RUNTIME_MODEL_H

#include "xgrad/Pipelines/CompileOptions.h"
#include "xgrad/Runtime/CompiledModule.h"
#include "xgrad/Runtime/Compiler.h"
#include "xgrad/Runtime/Tensor.h"
#include "llvm/Support/Error.h"
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>

namespace xgrad {

struct FitProgress {
  int64_t epoch, batch, batches;
  /// The mean of the target's value over the batches of this epoch so far.
  double meanLoss;
};

struct FitOptions {
  int64_t batchSize = 32;
  int64_t epochs = 1;
  /// Shuffle the samples every epoch, from `seed` and the epoch number (reproducible).
  bool shuffle = false;
  uint64_t seed = 0;
  /// Called after every batch.
  std::function<void(const FitProgress &)> progress;
};

class Model {
public:
  ~Model();
  /// Parses `source` (xgrad graphs, or functions already materialized from them) and
  /// compiles it. Diagnostics become the error's message.
  /// Code compiled before for the same source and options comes from the compile cache
  /// (options.cache, xgrad/Runtime/CompileCache.h). With options.lazy (the default) this
  /// checks the whole graph and compiles each target's code on the target's first call.
  static llvm::Expected<std::unique_ptr<Model>> compile(llvm::StringRef source,
                                                        const CompileOptions &options = {});
  /// The same, timing each stage under `timing` (see compileModule).
  static llvm::Expected<std::unique_ptr<Model>>
  compile(llvm::StringRef source, const CompileOptions &options, mlir::TimingScope &timing);
  /// Compiles and links a target's code now rather than on its first call (with timers
  /// under `timing`); a no-op when it is already linked.
  llvm::Error prepare(llvm::StringRef target);
  /// Compiles these targets at once, each on a thread of its own (up to one per core); the
  /// error joins every target's.
  llvm::Error prepareTargets(llvm::ArrayRef<std::string> targets);
  llvm::Error prepare(llvm::StringRef target, mlir::TimingScope &timing);

  /// Links compiled code (from compileModule, or read back from bytes) and creates the state
  /// its declarations describe.
  static llvm::Expected<std::unique_ptr<Model>> create(CompiledModule compiled);

  /// Exprgrad's `apply`: runs a target for its effect on the state (a training step). The
  /// epoch counter is not advanced (`fit` advances it per epoch).
  llvm::Error apply(llvm::StringRef target, const std::map<std::string, Tensor> &inputs) {
    llvm::Expected<Tensor> value = call(target, inputs);
    return value ? llvm::Error::success() : value.takeError();
  }

  /// Computes a target: returns its value and stores the new state it computes.
  llvm::Expected<Tensor> call(llvm::StringRef target, const std::map<std::string, Tensor> &inputs);
  /// The same on inputs in memory the caller owns, read in place.
  llvm::Expected<Tensor> callOnViews(llvm::StringRef target,
                                     const std::map<std::string, TensorView> &inputs);

  /// Trains with mini-batches: every input is split along its first dimension (all must
  /// have the same number of samples); the last, smaller batch is kept, not dropped. The
  /// epoch counter advances after every epoch. Returns each epoch's mean loss.
  llvm::Expected<std::vector<double>> fit(llvm::StringRef target,
                                          const std::map<std::string, Tensor> &inputs,
                                          const FitOptions &options);

  /// Saves the state (parameters, optimizer state, caches) and the epoch in xgrad's
  /// versioned, checksummed format, through a temporary file renamed into place, so a crash
  /// while saving leaves any earlier file intact. A distributed model saves on rank 0 only
  /// (every rank holds the same state); the other ranks write nothing.
  llvm::Error save(llvm::StringRef path) const;
  /// Loads state saved by `save`; a file of another model (other names, shapes or types), of
  /// another format version, or corrupt, is an error and leaves the state as it was.
  llvm::Error load(llvm::StringRef path);

  /// Compiled for data-parallel training: its training steps are collective over the
  /// ranks of an MPI run, `fit` gives each rank its share of every batch, and only rank 0
  /// saves (docs/Distributed.md).
  bool isDistributed() const;

  std::vector<std::string> targetNames() const;
  const TargetSignature *findTarget(llvm::StringRef name) const;
  std::map<std::string, Tensor> &state() { return stateTensors; }
  /// A copy of the state, taken between whole calls (safe while other threads call).
  std::map<std::string, Tensor> copyState() const {
    std::shared_lock<std::shared_mutex> reading(stateMutex);
    return stateTensors;
  }
  /// The compiled module with every target's code (a lazily compiled model compiles the
  /// targets it has not yet, as one module, the first time this is asked).
  llvm::Expected<const CompiledModule &> compiled();
  /// What `epoch()` returns in kernels.
  int64_t epoch = 0;
  /// What `xgrad.step` returns: the training steps (calls of targets that update state)
  /// taken so far.
  int64_t step = 0;

private:
  Model();
  struct Impl;
  std::unique_ptr<Impl> impl;
  std::map<std::string, Tensor> stateTensors;
  /// Held shared by calls that read the state, exclusively by those that store it.
  mutable std::shared_mutex stateMutex;
  /// Every rank holds rank 0's state: set by the first collective call, cleared by `load`.
  bool stateShared = false;
};

} // namespace xgrad

#endif // XGRAD_RUNTIME_MODEL_H
