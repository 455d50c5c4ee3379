//===- Passes.h - xgrad conversion passes -----------------------*- C++ -*-===//
#ifndef XGRAD_CONVERSION_PASSES_H
#define XGRAD_CONVERSION_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::xgrad {

#define GEN_PASS_DECL
#include "xgrad/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "xgrad/Conversion/Passes.h.inc"

/// The function the lowered code calls when a run-time check fails.
inline constexpr llvm::StringLiteral kCheckFailedFunction = "xgrad_check_failed";
/// The module attribute listing each check's message, by id.
inline constexpr llvm::StringLiteral kMessagesAttr = "xgrad.messages";

} // namespace mlir::xgrad

#endif // XGRAD_CONVERSION_PASSES_H
