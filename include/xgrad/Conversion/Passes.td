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

    `xgrad.check` and `checked` accesses become a call to `xgrad_check_failed(id, lhs,
    rhs)`, which the runtime provides; the message for each id is listed in the module's
    `xgrad.messages` attribute. Shape queries become `tensor.dim`, `epoch()` the function's
    epoch argument, and `wrap`, `to_scalar`, `to_index` plain `arith`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let options = [
    Option<"useLinalg", "use-linalg", "bool", /*default=*/"true",
           "Lower projection kernels to linalg.generic (otherwise every kernel to loops)">
  ];
}

#endif // XGRAD_CONVERSION_PASSES_TD
