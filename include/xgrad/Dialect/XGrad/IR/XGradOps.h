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

#define GET_OP_CLASSES
#include "xgrad/Dialect/XGrad/IR/XGradOps.h.inc"

#endif // XGRAD_DIALECT_XGRAD_IR_XGRADOPS_H
