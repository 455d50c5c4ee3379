//===- Ppm.h - PPM images ---------------------------------------*- C++ -*-===//
#ifndef XGRAD_RUNTIME_PPM_H
#define XGRAD_RUNTIME_PPM_H

#include "xgrad/Runtime/Tensor.h"
#include "llvm/Support/Error.h"

namespace xgrad {

/// Reads a binary PPM (P6, maxval up to 255) as [height, width, 3] scaled to [0, 1].
llvm::Expected<Tensor> readPpm(llvm::StringRef path, ElementType type = ElementType::f32);
llvm::Expected<Tensor> parsePpm(llvm::StringRef bytes, llvm::StringRef name, ElementType type);
/// Writes [height, width, 3] (values in [0, 1], clamped) as binary PPM.
llvm::Error writePpm(llvm::StringRef path, const Tensor &image);

} // namespace xgrad

#endif // XGRAD_RUNTIME_PPM_H
