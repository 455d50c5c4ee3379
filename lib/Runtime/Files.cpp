//===- Files.cpp - reading and writing whole files ------------------------===//
#include "xgrad/Runtime/Files.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace xgrad;

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> xgrad::readFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot read %s: %s", path.str().c_str(),
                                   buffer.getError().message().c_str());
  return std::move(*buffer);
}

static std::error_code lastError() { return std::error_code(errno, std::generic_category()); }

/// `<path>.tmp.`: every temporary of a save to `path` is named `<path>.tmp.<pid>.<serial>`.
static std::string temporaryPrefix(llvm::StringRef path) { return (path + ".tmp.").str(); }

/// The directory holding `path`, "." for a bare file name.
static std::string directoryOf(llvm::StringRef path) {
  llvm::StringRef directory = llvm::sys::path::parent_path(path);
  return directory.empty() ? "." : directory.str();
}

/// Removes the temporaries of earlier saves to `path` that died before their rename (a
/// `kill -9`, a power cut). A writer holds an exclusive flock on its temporary from just after
/// creating it until after the rename, and the kernel drops that lock when the process dies,
/// however it dies: a temporary nobody holds locked is dead. Unlike a "pid not alive" test this
/// survives pid reuse (a container's process often has the same pid every run) and pid
/// namespaces sharing a directory. The one unlocked live temporary, a writer's between its
/// creation and its flock, is recreated by that writer (see createTemporary). Where the file
/// system has no locks, flock fails and nothing is removed.
static void removeStaleTemporaries(llvm::StringRef path) {
  std::string prefix = llvm::sys::path::filename(temporaryPrefix(path)).str();
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directoryOf(path), error), end; it != end && !error;
       it.increment(error)) {
    llvm::StringRef rest = llvm::sys::path::filename(it->path());
    // Only names this writer makes: <prefix><pid>.<serial>, digits only.
    if (!rest.consume_front(prefix))
      continue;
    auto [pid, serial] = rest.split('.');
    if (pid.empty() || serial.empty() || !llvm::all_of(pid, llvm::isDigit) ||
        !llvm::all_of(serial, llvm::isDigit))
      continue;
    int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
      continue;
    struct stat status;
    if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) &&
        ::flock(fd, LOCK_EX | LOCK_NB) == 0)
      ::unlink(it->path().c_str());
    ::close(fd);
  }
}

/// Creates and locks a new temporary for a save to `path`, returning its descriptor.
static int createTemporary(llvm::StringRef path, std::string &temporary, std::error_code &error) {
  static std::atomic<unsigned> serial{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    temporary = temporaryPrefix(path) + std::to_string(::getpid()) + "." +
                std::to_string(serial++);
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
      if (errno == EEXIST)
        continue;
      error = lastError();
      return -1;
    }
    // Without locks (some network file systems) the temporary is simply never reaped.
    if (::flock(fd, LOCK_EX) != 0)
      return fd;
    // A concurrent removeStaleTemporaries may have taken the file for dead between the
    // open and the flock: then it is unlinked, and this writer starts over.
    struct stat status;
    if (::fstat(fd, &status) == 0 && status.st_nlink > 0)
      return fd;
    ::close(fd);
  }
  error = std::make_error_code(std::errc::file_exists);
  return -1;
}

llvm::Error xgrad::writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes) {
  auto failed = [&](std::error_code error) {
    return llvm::createStringError(error, "cannot write %s: %s", path.str().c_str(),
                                   error.message().c_str());
  };
  removeStaleTemporaries(path);
  std::string temporary;
  std::error_code error;
  int fd = createTemporary(path, temporary, error);
  if (fd < 0)
    return failed(error);
  auto abandon = [&](std::error_code error) {
    ::unlink(temporary.c_str());
    ::close(fd);
    return failed(error);
  };
  for (size_t written = 0; written < bytes.size();) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return abandon(lastError());
    written += n;
  }
  // The data must be on disk before the rename makes it the file at `path`: otherwise a crash
  // can leave a renamed but empty or partial file.
  if (::fsync(fd) != 0)
    return abandon(lastError());
  // Renamed while still locked, so that no other save takes the temporary for dead.
  if (::rename(temporary.c_str(), path.str().c_str()) != 0)
    return abandon(lastError());
  ::close(fd);
  // The rename is durable once the directory is: until then a crash can bring back the
  // old file.
  int directory = ::open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory < 0)
    return failed(lastError());
  int synced = ::fsync(directory);
  std::error_code syncError = lastError();
  ::close(directory);
  // Some file systems cannot sync a directory (EINVAL): there is nothing more to do there.
  if (synced != 0 && syncError != std::errc::invalid_argument)
    return failed(syncError);
  return llvm::Error::success();
}
