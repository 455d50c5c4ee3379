//===- Passes.td - xgrad passes ----------------------------*- tablegen -*-===//
#ifndef XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_TD
#define XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def XGradInferShapes : Pass<"xgrad-infer-shapes", "GraphOp"> {
  let summary = "Infers every iterator's range and every kernel's result shape";
  let description = [{
    For each kernel of a graph, in order, the range of every iterator comes from the
    accesses where it is a plain index (`a[y, it]`: the extent of that dimension), then from
    affine index expressions solved for it (`a[y + ky]`: `extent - range(ky) + 1`). The
    result shape comes from `shape` (withShape), `like` (copyShape), the init tensor, or the
    write indices; a flat write `{it}` whose iterator comes from a flat read copies that
    tensor's shape.

    The pass fills in `bounds` and `shape`, gives results ranked types (static where
    known), and makes every access provably in bounds: two extents that must agree are a
    static error when both are known and an `xgrad.check` otherwise; so is every affine or
    `div`/`mod`/`wrap` index whose largest value could exceed its dimension. Indices it cannot
    bound (computed from Scalars) are marked `checked` and tested element by element.

    With `explain=true` each inferred range and shape is reported as a remark that says where
    it came from.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark for every inferred range and shape, naming its source">
  ];
}

#endif // XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_TD
