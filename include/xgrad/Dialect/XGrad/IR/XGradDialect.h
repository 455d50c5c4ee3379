//===- XGradDialect.h - the xgrad dialect -----------------------*- C++ -*-===//
#ifndef XGRAD_DIALECT_XGRAD_IR_XGRADDIALECT_H
#define XGRAD_DIALECT_XGRAD_IR_XGRADDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Dialect.h"

#include "xgrad/Dialect/XGrad/IR/XGradOpsDialect.h.inc"

#endif // XGRAD_DIALECT_XGRAD_IR_XGRADDIALECT_H
