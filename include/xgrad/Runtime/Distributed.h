//===- Distributed.h - the MPI run a data-parallel model trains in -*- C++ -*-===//
//
// xgrad's runtime side of data parallelism (docs/Distributed.md): MPI initialised once per
// process, the rank and size, and the few collectives the runtime itself needs (sharing
// the initial state, agreeing that every rank can take a step, summing accuracies). The
// gradients themselves are summed inside the compiled step.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_RUNTIME_DISTRIBUTED_H
#define XGRAD_RUNTIME_DISTRIBUTED_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include <cstddef>
#include <cstdint>

namespace xgrad::distributed {

/// Initialises MPI for this process (once; later calls do nothing) and finalises it at
/// exit. Without mpirun this is a run of one rank.
llvm::Error initialize();
/// Whether initialize() succeeded in this process.
bool initialized();
/// This process's rank and the number of ranks: 0 and 1 before initialize().
int rank();
int size();
/// Whether this process was started by mpirun (or another MPI launcher) among others.
bool launchedWithPeers();

/// The row range [begin, end) of rows [0, rows) that is this rank's share: consecutive,
/// ranks' shares differ by at most one row, lower ranks take the extra rows.
std::pair<int64_t, int64_t> shareOf(int64_t rows);

/// Adds `values` element by element over every rank, in place.
void sumOverRanks(llvm::MutableArrayRef<double> values);
/// The number of ranks that pass `failed` = true: every rank gets the same count.
int countFailures(bool failed);
/// Overwrites `bytes` at `data` on every rank with rank 0's.
void broadcastFromRankZero(void *data, size_t bytes);

/// Ends this process after an error was reported. Among peers it skips MPI's finalisation,
/// which would wait for ranks that may be waiting for this one: mpirun then ends them all
/// with a non-zero status. Alone it is std::exit.
[[noreturn]] void exitAfterError(int status);
/// A tool's error, `tool: error: [rank N: ]message`, in one write (ranks share a terminal),
/// then exitAfterError(1).
[[noreturn]] void failTool(llvm::StringRef tool, const llvm::Twine &message);

} // namespace xgrad::distributed

#endif // XGRAD_RUNTIME_DISTRIBUTED_H
