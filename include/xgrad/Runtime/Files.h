//===- Files.h - reading and writing whole files ----------------*- C++ -*-===//
#ifndef XGRAD_RUNTIME_FILES_H
#define XGRAD_RUNTIME_FILES_H

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>

namespace xgrad {

/// The contents of a file, or "cannot read <path>: <reason>".
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef path);

/// Writes `bytes` to a unique temporary file beside `path`, then renames it over `path`:
/// a crash or a full disk while writing never leaves a partial file at `path`.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef bytes);

} // namespace xgrad

#endif // XGRAD_RUNTIME_FILES_H
