//===- ScheduleLibrary.h - a user's file of kernel schedules ----*- C++ -*-===//
#ifndef XGRAD_DIALECT_XGRAD_TRANSFORMS_SCHEDULELIBRARY_H
#define XGRAD_DIALECT_XGRAD_TRANSFORMS_SCHEDULELIBRARY_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::xgrad {

/// Reads the schedule library at `path`: a module of transform IR marked
/// `transform.with_named_sequence` whose named sequences schedule the kernels they name.
/// Emits an error and fails when the file cannot be read or is not such a module.
FailureOr<OwningOpRef<ModuleOp>> readScheduleLibrary(MLIRContext *context,
                                                     llvm::StringRef path);

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_TRANSFORMS_SCHEDULELIBRARY_H
