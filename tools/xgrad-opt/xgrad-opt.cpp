//===- xgrad-opt.cpp - parse, verify, transform and print xgrad IR --------===//
//
// Registers exactly the dialects and passes xgrad's pipeline uses, so that what this tool
// accepts is what the compiler can handle.
//
//===----------------------------------------------------------------------===//
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

#include "xgrad/Dialect/XGrad/IR/XGradDialect.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::xgrad::XGradDialect, mlir::arith::ArithDialect, mlir::math::MathDialect,
                  mlir::func::FuncDialect, mlir::tensor::TensorDialect>();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::xgrad::registerXGradPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "xgrad optimizer driver\n", registry));
}
