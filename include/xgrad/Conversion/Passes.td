//===- Passes.td - xgrad conversion passes -----------------*- tablegen -*-===//
#ifndef XGRAD_CONVERSION_PASSES_TD
#define XGRAD_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertXGradToLinalg : Pass<"convert-xgrad-to-linalg", "ModuleOp"> {
  let summary = "Lowers materialized kernels to linalg.generic, or to loops for scatters";
  let description = [{
    A kernel whose write indices are distinct plain iterators becomes a `linalg.generic`:
    the iterators it writes are parallel, the others reductions; reads whose indices are
    affine in the iterators become inputs with their indexing maps, other reads (gathers)
    become `tensor.extract` in the body. Flat accesses read and write the tensor collapsed
    to one dimension. Upstream tiling, fusion and vectorization then apply.

    A kernel that writes at computed indices (a scatter: `out[y + k]`, `out[0]`) becomes a
    sequential `scf.for` nest that carries the result tensor: no loop that could write one
    element twice is parallel.

    A failed `xgrad.check` or `checked` access records itself in the function's
    `{xgrad.status}` buffer (`[failed, id, lhs, rhs]`: an atomic or on `failed`, and
    the first check to set it stores its id and both values) and the run stops: after
    the checks before a kernel, and after a kernel with checked accesses, the rest of the
    function runs inside `scf.if` on a clear status, and the other branch returns empty
    placeholders, which the runtime frees without reading. A checked access never touches
    memory out of bounds: it reads 0 or leaves the tensor as it was, so a loop, also on
    OpenMP threads, finishes normally. The message for each id is listed in the module's
    `xgrad.messages` attribute. Shape queries become `tensor.dim`, `epoch()` the function's
    epoch argument, and `wrap`, `to_scalar`, `to_index` plain `arith`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let options = [
    Option<"useLinalg", "use-linalg", "bool", /*default=*/"true",
           "Lower projection kernels to linalg.generic (otherwise every kernel to loops)">,
    Option<"checkFinite", "check-finite", "bool", /*default=*/"false",
           "After every kernel, count its result's NaN and infinite values: the first "
           "kernel with any fails the run, naming it and its target">
  ];
}

#endif // XGRAD_CONVERSION_PASSES_TD
