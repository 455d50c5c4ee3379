//===- XGradDialect.td - the xgrad dialect -----------------*- tablegen -*-===//
#ifndef XGRAD_DIALECT_XGRAD_IR_XGRADDIALECT_TD
#define XGRAD_DIALECT_XGRAD_IR_XGRADDIALECT_TD

include "mlir/IR/OpBase.td"

def XGrad_Dialect : Dialect {
  let name = "xgrad";
  let cppNamespace = "::mlir::xgrad";
  let useDefaultTypePrinterParser = 1;
  let summary = "A differentiable array language of index-loop kernels and computation graphs";
  let description = [{
    xgrad re-implements Exprgrad's language as an MLIR dialect. A `xgrad.graph` holds named
    inputs, parameters and cached values, kernels, targets and backprop. A `xgrad.kernel` is
    one Exprgrad statement such as `out[y, x] ++= a[y, it] * b[it, x] | (y, x, it)`: its
    region's block arguments are the loop iterators, its body reads tensors by index
    (`xgrad.read`), computes with upstream `arith` and `math` ops, and ends in exactly one
    `xgrad.accumulate` (the `++=`).

    Types stay upstream: ranked or unranked `tensor` at the graph level, `index` for Exprgrad's
    Index, `i1` for Boolean and the model's float type for Scalar; Exprgrad's fourth type,
    `Array[T]`, is `!xgrad.array<length, T>`. There are no implicit conversions:
    `xgrad.to_scalar` and `xgrad.to_index` convert explicitly.

    The dialect also declares the runtime ABI of materialized target functions
    (`XGradABI.h`) and verifies it: arguments carry `xgrad.input = "name"`,
    `xgrad.state = "name"`, `xgrad.epoch`, `xgrad.step` and `xgrad.status` (the
    `memref<5xi64>` a failed check writes, and whose last field holds the most bytes one
    buffer may take), results `xgrad.output = "name"` and
    `xgrad.state = "name"`; the module carries `xgrad.state.<graph>` (the graph's
    parameters and caches: name, type, init, args, seed) and `xgrad.messages` (each
    check's message, by id).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect"
  ];
  // Shape queries fold to `arith.constant` when the extent is static.
  let hasConstantMaterializer = 1;
  // The runtime ABI (XGradABI.cpp).
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasOperationAttrVerify = 1;
}

class XGrad_Op<string mnemonic, list<Trait> traits = []>
    : Op<XGrad_Dialect, mnemonic, traits>;

#endif // XGRAD_DIALECT_XGRAD_IR_XGRADDIALECT_TD
