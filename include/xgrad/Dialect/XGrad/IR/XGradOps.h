//===- XGradOps.h - xgrad operations ----------------------------*- C++ -*-===//
#ifndef XGRAD_DIALECT_XGRAD_IR_XGRADOPS_H
#define XGRAD_DIALECT_XGRAD_IR_XGRADOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "xgrad/Dialect/XGrad/IR/XGradDialect.h"
#include "xgrad/Dialect/XGrad/IR/XGradEnums.h.inc"

namespace mlir::xgrad {

/// The model's counters (epoch, training step), read by `xgrad.epoch` and `xgrad.step`.
struct ModelStateResource : public SideEffects::Resource::Base<ModelStateResource> {
  llvm::StringRef getName() final { return "xgrad::ModelState"; }
};

/// The status of a run, written by `xgrad.check`.
struct RunStatusResource : public SideEffects::Resource::Base<RunStatusResource> {
  llvm::StringRef getName() final { return "xgrad::RunStatus"; }
};

/// The discardable attribute that carries a kernel's name onto the ops and loops lowered
/// from it (`xgrad.kernel = "dense"`), so that a schedule can match them.
inline constexpr llvm::StringLiteral kKernelNameAttr = "xgrad.kernel";

} // namespace mlir::xgrad

#define GET_TYPEDEF_CLASSES
#include "xgrad/Dialect/XGrad/IR/XGradOpsTypes.h.inc"

#define GET_OP_CLASSES
#include "xgrad/Dialect/XGrad/IR/XGradOps.h.inc"

#endif // XGRAD_DIALECT_XGRAD_IR_XGRADOPS_H
