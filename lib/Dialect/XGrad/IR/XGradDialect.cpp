//===- XGradDialect.cpp - the xgrad dialect -------------------------------===//
#include "xgrad/Dialect/XGrad/IR/XGradDialect.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

using namespace mlir;
using namespace mlir::xgrad;

#include "xgrad/Dialect/XGrad/IR/XGradOpsDialect.cpp.inc"

void XGradDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "xgrad/Dialect/XGrad/IR/XGradOps.cpp.inc"
      >();
}

Operation *XGradDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                             Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}
