//===- DerivativeRules.h - derivative rules of scalar ops -------*- C++ -*-===//
#ifndef XGRAD_DIALECT_XGRAD_IR_DERIVATIVERULES_H
#define XGRAD_DIALECT_XGRAD_IR_DERIVATIVERULES_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OpDefinition.h"

#include "xgrad/Dialect/XGrad/IR/XGradInterfaces.h.inc"

namespace mlir::xgrad {

/// Attaches DifferentiableOpInterface to the arith and math ops kernels use.
void registerDerivativeRules(DialectRegistry &registry);

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_IR_DERIVATIVERULES_H
