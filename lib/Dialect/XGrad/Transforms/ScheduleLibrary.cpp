//===- ScheduleLibrary.cpp - a user's file of kernel schedules ------------===//
#include "xgrad/Dialect/XGrad/Transforms/ScheduleLibrary.h"

#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

FailureOr<OwningOpRef<ModuleOp>> mlir::xgrad::readScheduleLibrary(MLIRContext *context,
                                                                  llvm::StringRef path) {
  ParserConfig config(context);
  OwningOpRef<ModuleOp> parsed = parseSourceFile<ModuleOp>(path, config);
  if (!parsed)
    return emitError(UnknownLoc::get(context))
           << "cannot read the schedule library '" << path << "'";
  if (!(*parsed)->hasAttr(transform::TransformDialect::kWithNamedSequenceAttrName))
    return emitError((*parsed)->getLoc())
           << "a schedule library is a module with the '"
           << transform::TransformDialect::kWithNamedSequenceAttrName << "' attribute";
  return parsed;
}
