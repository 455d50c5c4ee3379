//===- Idx.h - IDX files (MNIST, Fashion-MNIST) -----------------*- C++ -*-===//
#ifndef XGRAD_RUNTIME_IDX_H
#define XGRAD_RUNTIME_IDX_H

#include "xgrad/Runtime/Tensor.h"
#include "llvm/Support/Error.h"

namespace xgrad {

/// Reads an IDX file of unsigned bytes, plain or gzip-compressed (as Fashion-MNIST ships),
/// into a float tensor of the same shape; `scale` multiplies every value.
llvm::Expected<Tensor> readIdx(llvm::StringRef path, ElementType type = ElementType::f32,
                               double scale = 1.0);
llvm::Expected<Tensor> parseIdx(llvm::StringRef bytes, llvm::StringRef name, ElementType type,
                                double scale);
/// Writes an IDX file of unsigned bytes (values rounded and clamped to 0..255), gzip-
/// compressed when the path ends in .gz.
llvm::Error writeIdx(llvm::StringRef path, const Tensor &tensor);

} // namespace xgrad

#endif // XGRAD_RUNTIME_IDX_H
