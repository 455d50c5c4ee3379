//===- CompileCache.cpp - compiled modules kept on disk between runs ------===//
//
// An entry is one file, `<key>.xgradmod`: the magic "XGRADCCH", the 64 hex digits of its key,
// then CompiledModule::serialize's bytes (versioned and checksummed). It is written through
// writeFileAtomically, so a reader sees a whole entry or none, and read back only if the key
// inside matches the one asked for. A hit sets the file's modification time, which is the
// "recently used" of the least-recently-used eviction run after every store.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/CompileCache.h"
#include "xgrad/Runtime/Compiler.h"
#include "xgrad/Runtime/Files.h"
#include "xgrad/Version.h"

#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <mutex>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

using namespace xgrad;
using llvm::StringRef;

static constexpr StringRef kEntryMagic = "XGRADCCH";
static constexpr StringRef kEntrySuffix = ".xgradmod";
static constexpr size_t kKeySize = 64;

//===----------------------------------------------------------------------===//
// Where, and under which key
//===----------------------------------------------------------------------===//

std::string xgrad::compileCacheDirectory(const CompileOptions &options) {
  if (!options.cacheDirectory.empty())
    return options.cacheDirectory;
  auto nonEmpty = [](const char *name) -> const char * {
    const char *value = std::getenv(name);
    return value && *value ? value : nullptr;
  };
  if (const char *dir = nonEmpty("XGRAD_CACHE_DIR"))
    return dir;
  llvm::SmallString<128> path;
  if (const char *xdg = nonEmpty("XDG_CACHE_HOME"))
    path = xdg;
  else if (llvm::sys::path::home_directory(path))
    llvm::sys::path::append(path, ".cache");
  else
    return "";
  llvm::sys::path::append(path, "xgrad");
  return path.str().str();
}

namespace {
struct BuildIdSearch {
  uintptr_t address;
  std::string id;
};
} // namespace

/// The GNU build ID of the binary (executable or shared object) this function is linked into:
/// the linker's hash of its contents, so any change to xgrad's code changes it.
static int findBuildId(dl_phdr_info *info, size_t, void *data) {
  auto *search = static_cast<BuildIdSearch *>(data);
  bool contains = false;
  for (int i = 0; i < info->dlpi_phnum && !contains; ++i) {
    const ElfW(Phdr) &segment = info->dlpi_phdr[i];
    uintptr_t start = info->dlpi_addr + segment.p_vaddr;
    contains = segment.p_type == PT_LOAD && search->address >= start &&
               search->address < start + segment.p_memsz;
  }
  if (!contains)
    return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_NOTE)
      continue;
    const char *note = reinterpret_cast<const char *>(info->dlpi_addr + segment.p_vaddr);
    const char *end = note + segment.p_memsz;
    while (note + sizeof(ElfW(Nhdr)) <= end) {
      const auto *header = reinterpret_cast<const ElfW(Nhdr) *>(note);
      const char *name = note + sizeof(ElfW(Nhdr));
      const char *desc = name + llvm::alignTo(header->n_namesz, 4);
      const char *next = desc + llvm::alignTo(header->n_descsz, 4);
      if (next > end)
        break;
      if (header->n_type == NT_GNU_BUILD_ID && header->n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0) {
        search->id = llvm::toHex(StringRef(desc, header->n_descsz), /*LowerCase=*/true);
        return 1;
      }
      note = next;
    }
  }
  return 1;
}

/// Identifies the compiler's code. Without a build ID (a linker told not to write one), the
/// binary's path, size and modification time stand in for it; without those, nothing does,
/// and the cache is not used.
static const std::string &buildIdentity() {
  static const std::string identity = [] {
    BuildIdSearch search{reinterpret_cast<uintptr_t>(&findBuildId), ""};
    dl_iterate_phdr(findBuildId, &search);
    if (!search.id.empty())
      return "build-id " + search.id;
    Dl_info info;
    struct stat status;
    if (dladdr(reinterpret_cast<void *>(&findBuildId), &info) && info.dli_fname &&
        ::stat(info.dli_fname, &status) == 0)
      return (llvm::Twine("binary ") + info.dli_fname + " " + llvm::Twine(status.st_size) +
              " " + llvm::Twine(status.st_mtime))
          .str();
    return std::string();
  }();
  return identity;
}

llvm::Expected<std::string> xgrad::compileCacheKey(StringRef source,
                                                   const CompileOptions &options,
                                                   const CodeSelection &selection) {
  llvm::SHA256 hash;
  // Every field is length-prefixed, so no two different lists of fields hash alike.
  auto field = [&](StringRef value) {
    hash.update(std::to_string(value.size()) + ":");
    hash.update(value);
  };
  field("xgrad compile cache 1");
  field(XGRAD_VERSION);
  field(LLVM_VERSION_STRING);
  if (buildIdentity().empty())
    return llvm::createStringError("this binary has no build ID to key the compile cache by");
  field(buildIdentity());
  field(hostCPU());
  // The options that decide the code; a new one must be added here (CompileOptions says so).
  field(elementTypeName(options.elementType));
  // The option and what it means here: 0 decides the code by this machine's cores.
  field(std::to_string(options.threads) + ":" + std::to_string(options.threadCount()));
  field(std::to_string(options.parallelMinWork));
  field(options.useLinalg ? "linalg" : "loops");
  field(std::to_string(options.optLevel));
  field(options.sourceName); // Check messages name the source.
  field(options.checkFinite ? "finite checked" : "finite unchecked");
  field(options.flushDenormals ? "subnormals flushed" : "subnormals kept");
  field(!options.distributed                                 ? "one process"
        : options.lossReduction == LossReduction::mean ? "distributed, mean loss"
                                                       : "distributed, summed loss");
  if (options.schedule.empty()) {
    field("default schedule");
  } else {
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> schedule = readFile(options.schedule);
    if (!schedule)
      return schedule.takeError();
    field((*schedule)->getBuffer());
  }
  field(selection.describe());
  field(source);
  std::array<uint8_t, 32> digest = hash.final();
  return llvm::toHex(digest, /*LowerCase=*/true);
}

//===----------------------------------------------------------------------===//
// Entries
//===----------------------------------------------------------------------===//

namespace {
/// This process's counters, shared by every model it compiles.
struct Counters {
  std::mutex mutex;
  CompileCacheStats stats;
  void count(uint64_t CompileCacheStats::*counter, std::string problem = {}) {
    std::lock_guard<std::mutex> lock(mutex);
    ++(stats.*counter);
    if (!problem.empty())
      stats.lastProblem = std::move(problem);
  }
};
Counters &counters() {
  static Counters instance;
  return instance;
}
} // namespace

static std::string entryPath(StringRef directory, StringRef key) {
  llvm::SmallString<256> path(directory);
  llvm::sys::path::append(path, key + kEntrySuffix);
  return path.str().str();
}

/// The module stored under `key`, or an error saying why the entry is absent or unusable.
static llvm::Expected<CompiledModule> readEntry(StringRef path, StringRef key) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> file = readFile(path);
  if (!file)
    return file.takeError();
  StringRef bytes = (*file)->getBuffer();
  if (!bytes.consume_front(kEntryMagic) || bytes.size() < kKeySize ||
      bytes.take_front(kKeySize) != key)
    return llvm::createStringError("%s is not the cache entry of its key", path.str().c_str());
  llvm::Expected<CompiledModule> module = CompiledModule::deserialize(bytes.drop_front(kKeySize));
  if (!module)
    return llvm::createStringError("%s: %s", path.str().c_str(),
                                   llvm::toString(module.takeError()).c_str());
  if (module->cpu != hostCPU())
    return llvm::createStringError("%s was compiled for another CPU", path.str().c_str());
  return module;
}

/// Marks an entry as just used. The time is the precise clock's, not the coarse one the
/// kernel stamps writes with (a few milliseconds per tick): a hit right after another entry
/// was stored must still be the more recent of the two.
static void markUsed(StringRef path) {
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  struct timespec times[2] = {now, now};
  ::utimensat(AT_FDCWD, path.str().c_str(), times, 0);
}

namespace {
struct EntryFile {
  std::string path;
  uint64_t size;
  /// Nanoseconds: entries stored within one second still have an order.
  int64_t modified;
};
} // namespace

/// The entries in `directory` (not the temporaries of writes in progress).
static std::vector<EntryFile> listEntries(StringRef directory) {
  std::vector<EntryFile> entries;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end; it != end && !error;
       it.increment(error)) {
    StringRef name = llvm::sys::path::filename(it->path());
    if (!name.ends_with(kEntrySuffix) || name.size() != kKeySize + kEntrySuffix.size())
      continue;
    struct stat status;
    if (::stat(it->path().c_str(), &status) == 0 && S_ISREG(status.st_mode))
      entries.push_back({it->path(), uint64_t(status.st_size),
                         int64_t(status.st_mtim.tv_sec) * 1000000000 + status.st_mtim.tv_nsec});
  }
  return entries;
}

/// Removes the least recently used entries until the directory holds at most `limit` bytes,
/// keeping `newest` (the entry just stored) whatever its size.
static void evict(StringRef directory, StringRef newest, uint64_t limit) {
  std::vector<EntryFile> entries = listEntries(directory);
  uint64_t total = 0;
  for (const EntryFile &entry : entries)
    total += entry.size;
  std::sort(entries.begin(), entries.end(), [](const EntryFile &a, const EntryFile &b) {
    return a.modified < b.modified;
  });
  for (const EntryFile &entry : entries) {
    if (total <= limit)
      break;
    if (entry.path == newest)
      continue;
    if (::unlink(entry.path.c_str()) == 0)
      total -= entry.size;
  }
}

static llvm::Error writeEntry(StringRef directory, StringRef path, StringRef key,
                              const CompiledModule &module) {
  // Private: an entry is code this process will run.
  if (std::error_code error = llvm::sys::fs::create_directories(
          directory, /*IgnoreExisting=*/true, llvm::sys::fs::perms::owner_all))
    return llvm::createStringError(error, "cannot create the compile cache %s: %s",
                                   directory.str().c_str(), error.message().c_str());
  return writeFileAtomically(path, (kEntryMagic + key + module.serialize()).str());
}

llvm::Expected<CompiledModule> xgrad::compileModuleCached(StringRef source,
                                                          const CompileOptions &options,
                                                          mlir::TimingScope &timing,
                                                          const CodeSelection &selection) {
  if (!options.cache)
    return compileModule(source, options, timing, selection);
  std::string directory = compileCacheDirectory(options);
  llvm::Expected<std::string> key = compileCacheKey(source, options, selection);
  // No directory (no home) or no key (an unreadable schedule, which compiling reports):
  // compile without the cache.
  if (directory.empty() || !key) {
    if (!key)
      llvm::consumeError(key.takeError());
    return compileModule(source, options, timing, selection);
  }
  std::string path = entryPath(directory, *key);
  Counters &stats = counters();
  {
    mlir::TimingScope lookupTiming = timing.nest("compile cache lookup");
    if (llvm::sys::fs::exists(path)) {
      llvm::Expected<CompiledModule> cached = readEntry(path, *key);
      if (cached) {
        stats.count(&CompileCacheStats::hits);
        markUsed(path);
        return cached;
      }
      stats.count(&CompileCacheStats::rejected, llvm::toString(cached.takeError()));
      ::unlink(path.c_str());
    }
  }
  stats.count(&CompileCacheStats::misses);
  llvm::Expected<CompiledModule> compiled = compileModule(source, options, timing, selection);
  if (!compiled)
    return compiled.takeError();
  mlir::TimingScope storeTiming = timing.nest("compile cache store");
  if (llvm::Error error = writeEntry(directory, path, *key, *compiled)) {
    stats.count(&CompileCacheStats::writeErrors, llvm::toString(std::move(error)));
  } else {
    markUsed(path);
    evict(directory, path, options.cacheLimit);
  }
  return compiled;
}

CompileCacheStats xgrad::compileCacheStats(const CompileOptions &options) {
  CompileCacheStats result;
  {
    std::lock_guard<std::mutex> lock(counters().mutex);
    result = counters().stats;
  }
  result.directory = compileCacheDirectory(options);
  for (const EntryFile &entry : listEntries(result.directory)) {
    ++result.entries;
    result.bytes += entry.size;
  }
  return result;
}
