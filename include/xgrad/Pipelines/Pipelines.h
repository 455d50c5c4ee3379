//===- Pipelines.h - xgrad's named pass pipelines ---------------*- C++ -*-===//
#ifndef XGRAD_PIPELINES_PIPELINES_H
#define XGRAD_PIPELINES_PIPELINES_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::xgrad {

struct XGradToLLVMOptions : public PassPipelineOptions<XGradToLLVMOptions> {
  Option<bool> useLinalg{*this, "use-linalg",
                         llvm::cl::desc("Lower projection kernels through linalg.generic"),
                         llvm::cl::init(true)};
  Option<bool> parallel{*this, "parallel",
                        llvm::cl::desc("Run the parallel loops of linalg kernels on OpenMP "
                                       "threads"),
                        llvm::cl::init(false)};
};

/// Graph-level passes: shape inference (and, once present, autodiff and simplification).
void buildXGradGraphPipeline(OpPassManager &pm);
/// Graphs to one func.func per target, still on tensors: the graph pipeline and
/// --xgrad-materialize-targets.
void buildXGradToFuncsPipeline(OpPassManager &pm);
/// Materialized functions to the LLVM dialect.
void buildFuncsToLLVMPipeline(OpPassManager &pm, const XGradToLLVMOptions &options);
/// Everything from a module of graphs to the LLVM dialect, ready for the JIT.
void buildXGradToLLVMPipeline(OpPassManager &pm, const XGradToLLVMOptions &options);

/// The dialects and interface implementations the pipeline needs, and nothing else.
void registerPipelineDialects(DialectRegistry &registry);

/// Registers `--xgrad-to-llvm` and the upstream passes it is made of, each under its own
/// flag, so that any prefix of the pipeline can be run by hand.
void registerXGradPipelines();

} // namespace mlir::xgrad

#endif // XGRAD_PIPELINES_PIPELINES_H
