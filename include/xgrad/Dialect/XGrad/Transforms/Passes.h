//===- Passes.h - xgrad passes ----------------------------------*- C++ -*-===//
#ifndef XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_H
#define XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

namespace mlir::xgrad {

#define GEN_PASS_DECL
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_H
