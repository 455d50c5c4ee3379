//===- Passes.h - xgrad passes ----------------------------------*- C++ -*-===//
#ifndef XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_H
#define XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MPI/IR/MPI.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

namespace mlir::xgrad {

#define GEN_PASS_DECL
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"

/// The attribute a schedule puts on an scf.for whose iterations write disjoint tiles of the
/// kernel's result: with threads, xgrad-outer-parallel makes it the parallel loop.
inline constexpr llvm::StringLiteral kParallelTilesAttr = "xgrad.parallel_tiles";

/// The ops of a graph's body that `roots` depend on, through operands and the values kernels
/// read inside their regions (MaterializeTargets.cpp).
llvm::SmallPtrSet<Operation *, 32> graphBackwardSlice(ValueRange roots, Block &body);

/// The transform-dialect extensions and op interfaces that schedules (xgrad-schedule) use:
/// register them in every context that runs the pass.
void registerScheduleExtensions(DialectRegistry &registry);

/// Floats per vector register of the host, which the default schedule tiles for (unless
/// xgrad-schedule's vector-width says otherwise): 16 with AVX-512, 8 with AVX, else 4.
int64_t hostVectorWidth();

#define GEN_PASS_REGISTRATION
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"

} // namespace mlir::xgrad

#endif // XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_H
