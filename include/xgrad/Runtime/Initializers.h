//===- Initializers.h - reproducible parameter initialisation ---*- C++ -*-===//
#ifndef XGRAD_RUNTIME_INITIALIZERS_H
#define XGRAD_RUNTIME_INITIALIZERS_H

#include "xgrad/Runtime/Tensor.h"
#include "llvm/Support/Error.h"

namespace xgrad {

/// Fills `tensor` as `xgrad.param` describes: "zeros", "constant" [value], "uniform"
/// [low, high] or "normal" [mean, stddev], from `seed` alone. The generator is xgrad's own
/// (splitmix64), so the same seed gives the same values on every platform and library.
llvm::Error initialize(Tensor &tensor, llvm::StringRef kind, llvm::ArrayRef<double> args,
                       uint64_t seed);

} // namespace xgrad

#endif // XGRAD_RUNTIME_INITIALIZERS_H
