//===- XGradInterfaces.td - xgrad op interfaces ------------*- tablegen -*-===//
#ifndef XGRAD_DIALECT_XGRAD_IR_XGRADINTERFACES_TD
#define XGRAD_DIALECT_XGRAD_IR_XGRADINTERFACES_TD

include "mlir/IR/OpBase.td"

def XGrad_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::xgrad";
  let description = [{
    The derivative rule of a scalar op with one result, used by `--xgrad-autodiff` in the
    reverse sweep over a kernel body. Upstream `arith` and `math` ops get their rules as
    external models (DerivativeRules.cpp), so an op brings its rule with it and the pass has
    no table of ops. An op with a floating-point result and no rule is an error, never a
    silent zero.
  }];
  let methods = [
    InterfaceMethod<[{
        Given the adjoint of the op's result, returns the adjoint contribution of each
        operand, built at the builder's insertion point after the op; a null value for an
        operand that is not differentiable (an Index, a Boolean, or a branch not taken).
      }],
      "::llvm::SmallVector<::mlir::Value>", "backpropagate",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Value":$resultAdjoint)>
  ];
}

#endif // XGRAD_DIALECT_XGRAD_IR_XGRADINTERFACES_TD
