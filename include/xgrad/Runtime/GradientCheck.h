//===- GradientCheck.h - derived gradients vs finite differences -*- C++ -*-===//
#ifndef XGRAD_RUNTIME_GRADIENTCHECK_H
#define XGRAD_RUNTIME_GRADIENTCHECK_H

#include "xgrad/Runtime/Model.h"

namespace xgrad {

struct GradientCheckResult {
  /// "parameter 'w'" or "input 'x'".
  std::string name;
  int64_t elements = 0;
  /// max |derived - numeric| / max(1, |derived|, |numeric|) over the elements.
  double maxRelativeError = 0;
};

/// Compares the gradients autodiff derives for the sum of `target`'s elements with central
/// finite differences, for every parameter and input the target depends on. The
/// gradients are added to the graph as `xgrad.gradient` targets, so the comparison runs
/// through the whole pipeline. Use f64 graphs: finite differences in f32 are too coarse.
llvm::Expected<std::vector<GradientCheckResult>>
checkGradients(llvm::StringRef source, llvm::StringRef target,
               const std::map<std::string, Tensor> &inputs, const CompileOptions &options,
               double epsilon = 1e-6);

} // namespace xgrad

#endif // XGRAD_RUNTIME_GRADIENTCHECK_H
