//===- Passes.h - xgrad conversion passes -----------------------*- C++ -*-===//
#ifndef XGRAD_CONVERSION_PASSES_H
#define XGRAD_CONVERSION_PASSES_H

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::xgrad {

#define GEN_PASS_DECL
#include "xgrad/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "xgrad/Conversion/Passes.h.inc"

} // namespace mlir::xgrad

#endif // XGRAD_CONVERSION_PASSES_H
