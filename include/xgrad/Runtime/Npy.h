//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
#ifndef XGRAD_RUNTIME_NPY_H
#define XGRAD_RUNTIME_NPY_H

#include "xgrad/Runtime/Tensor.h"
#include "llvm/Support/Error.h"

namespace xgrad {

/// Reads a little-endian f32 or f64 array in C order (format versions 1 to 3).
llvm::Expected<Tensor> readNpy(llvm::StringRef path);
llvm::Expected<Tensor> parseNpy(llvm::StringRef bytes, llvm::StringRef name);
/// Writes format version 1.0, through a temporary file renamed into place.
llvm::Error writeNpy(llvm::StringRef path, const Tensor &tensor);

} // namespace xgrad

#endif // XGRAD_RUNTIME_NPY_H
