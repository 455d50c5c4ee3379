//===- Files.cpp - reading and writing whole files ------------------------===//
#include "xgrad/Runtime/Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace xgrad;

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> xgrad::readFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(), "cannot read %s: %s", path.str().c_str(),
                                   buffer.getError().message().c_str());
  return std::move(*buffer);
}

llvm::Error xgrad::writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes) {
  auto failed = [&](std::error_code error) {
    return llvm::createStringError(error, "cannot write %s: %s", path.str().c_str(),
                                   error.message().c_str());
  };
  int fd;
  llvm::SmallString<256> temporary;
  if (std::error_code error =
          llvm::sys::fs::createUniqueFile(path + ".%%%%%%.tmp", fd, temporary))
    return failed(error);
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << bytes;
    out.close();
    if (out.has_error()) {
      std::error_code error = out.error();
      out.clear_error();
      llvm::sys::fs::remove(temporary);
      return failed(error);
    }
  }
  if (std::error_code error = llvm::sys::fs::rename(temporary, path)) {
    llvm::sys::fs::remove(temporary);
    return failed(error);
  }
  return llvm::Error::success();
}
