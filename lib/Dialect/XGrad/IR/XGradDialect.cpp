//===- XGradDialect.cpp - the xgrad dialect -------------------------------===//
#include "xgrad/Dialect/XGrad/IR/XGradDialect.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

using namespace mlir;
using namespace mlir::xgrad;

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include "xgrad/Dialect/XGrad/IR/XGradOpsDialect.cpp.inc"
#define GET_TYPEDEF_CLASSES
#include "xgrad/Dialect/XGrad/IR/XGradOpsTypes.cpp.inc"

static constexpr int64_t kMaxArrayLength = 1 << 16;

LogicalResult ArrayType::verify(function_ref<InFlightDiagnostic()> emitError, int64_t length,
                                Type elementType) {
  if (length < 1)
    return emitError() << "an array holds at least one element, not " << length;
  // A literal list: reads select among the elements, and gradients build one value each.
  if (length > kMaxArrayLength)
    return emitError() << "an array literal holds at most " << kMaxArrayLength
                       << " elements, not " << length;
  if (!isa<FloatType, IndexType>(elementType))
    return emitError() << "an array holds Scalars (a float type) or Indexes, not "
                       << elementType;
  return success();
}

void XGradDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "xgrad/Dialect/XGrad/IR/XGradOpsTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "xgrad/Dialect/XGrad/IR/XGradOps.cpp.inc"
      >();
}

Operation *XGradDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                             Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}
