//===- Distributed.cpp - MPI for the runtime ------------------------------===//
#include "xgrad/Runtime/Distributed.h"

#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>
#include <vector>

// OpenMPI's C++ bindings would need libmpi_cxx; xgrad uses the C API only.
#define OMPI_SKIP_MPICXX 1
#include <mpi.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XGRAD_LEAK_CHECKED 1
#include <sanitizer/lsan_interface.h>
#endif
#endif

using namespace xgrad;

namespace {
/// Sanitized builds: OpenMPI 4.1 leaks in MPI_Init, much of it from plugins it tries and
/// unloads there, which LeakSanitizer then cannot name (so utils/sanitizer/lsan.supp cannot
/// suppress them). What this thread allocates inside MPI_Init is not leak-checked.
struct IgnoreMPILeaks {
#ifdef XGRAD_LEAK_CHECKED
  IgnoreMPILeaks() { __lsan_disable(); }
  ~IgnoreMPILeaks() { __lsan_enable(); }
#endif
};

std::once_flag initOnce;
std::atomic<bool> ready{false};
int thisRank = 0, ranks = 1;
} // namespace

static void finalizeAtExit() {
#ifdef XGRAD_LEAK_CHECKED
  // The process's one leak check, before MPI_Finalize unloads the plugins whose leaks (made
  // on MPI's progress threads) the suppressions name. xgrad's leaks are unreachable already.
  __lsan_do_leak_check();
#endif
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized)
    MPI_Finalize();
}

/// Makes libmpi's symbols global: the JIT resolves the compiled code's MPI calls among the
/// process's global symbols, and OpenMPI's plugins need them too, while a Python extension
/// (and so the libmpi it pulled in) is loaded with RTLD_LOCAL.
static void promoteMPISymbols() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&MPI_Init_thread), &info) && info.dli_fname)
    dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
}

llvm::Error distributed::initialize() {
  static std::string failure;
  std::call_once(initOnce, [] {
    promoteMPISymbols();
    int already = 0;
    MPI_Initialized(&already);
    if (!already) {
      // Training steps may be called from any thread, one at a time.
      int provided = 0;
      IgnoreMPILeaks ignore;
      if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        failure = "MPI_Init_thread failed";
        return;
      }
      if (provided < MPI_THREAD_SERIALIZED) {
        failure = "this MPI does not support calls from several threads one at a time "
                  "(MPI_THREAD_SERIALIZED)";
        return;
      }
      std::atexit(finalizeAtExit);
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &thisRank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    ready = true;
  });
  if (!ready)
    return llvm::createStringError("cannot initialise MPI for distributed training: %s",
                                   failure.c_str());
  return llvm::Error::success();
}

bool distributed::initialized() { return ready; }
int distributed::rank() { return ready ? thisRank : 0; }
int distributed::size() { return ready ? ranks : 1; }

bool distributed::launchedWithPeers() {
  for (const char *variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char *value = std::getenv(variable))
      return std::atoi(value) > 1;
  return false;
}

std::pair<int64_t, int64_t> distributed::shareOf(int64_t rows) {
  int64_t n = size(), r = rank();
  int64_t base = rows / n, extra = rows % n;
  int64_t begin = r * base + std::min(r, extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

void distributed::sumOverRanks(llvm::MutableArrayRef<double> values) {
  if (size() > 1 && !values.empty())
    MPI_Allreduce(MPI_IN_PLACE, values.data(), int(values.size()), MPI_DOUBLE, MPI_SUM,
                  MPI_COMM_WORLD);
}

int distributed::countFailures(bool failed) {
  int mine = failed ? 1 : 0, all = mine;
  if (size() > 1)
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  return all;
}

void distributed::broadcastFromRankZero(void *data, size_t bytes) {
  if (size() <= 1)
    return;
  // MPI counts are ints: large state goes in pieces.
  constexpr size_t kPiece = size_t(1) << 30;
  auto *at = static_cast<char *>(data);
  for (size_t done = 0; done < bytes; done += kPiece)
    MPI_Bcast(at + done, int(std::min(kPiece, bytes - done)), MPI_BYTE, 0, MPI_COMM_WORLD);
}

void distributed::exitAfterError(int status) {
  llvm::outs().flush();
  llvm::errs().flush();
  std::fflush(nullptr);
  if (size() > 1)
    std::_Exit(status);
  std::exit(status);
}

void distributed::failTool(llvm::StringRef tool, const llvm::Twine &message) {
  std::string line;
  llvm::raw_string_ostream os(line);
  llvm::WithColor::error(os, tool);
  if (size() > 1)
    os << "rank " << rank() << ": ";
  os << message << "\n";
  llvm::errs() << line;
  exitAfterError(1);
}
