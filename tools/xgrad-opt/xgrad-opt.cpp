//===- xgrad-opt.cpp - parse, verify, transform and print xgrad IR --------===//
//
// Registers exactly the dialects and passes xgrad's pipeline uses, so that what this tool
// accepts is what the compiler can handle.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Conversion/Passes.h"
#include "xgrad/Dialect/XGrad/IR/XGradDialect.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"
#include "xgrad/Pipelines/Pipelines.h"
#include "xgrad/Tools/CommandLine.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::xgrad::registerPipelineDialects(registry);
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::xgrad::registerXGradPasses();
  mlir::xgrad::registerXGradConversionPasses();
  mlir::xgrad::registerXGradPipelines();
  xgrad::tools::hideLLVMOptions();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "xgrad optimizer driver\n", registry));
}
