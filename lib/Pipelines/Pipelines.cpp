//===- Pipelines.cpp - xgrad's named pass pipelines -----------------------===//
#include "xgrad/Pipelines/Pipelines.h"
#include "xgrad/Conversion/Passes.h"
#include "xgrad/Dialect/XGrad/IR/DerivativeRules.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void xgrad::buildXGradGraphPipeline(OpPassManager &pm) {
  OpPassManager &graph = pm.nest<xgrad::GraphOp>();
  graph.addPass(xgrad::createXGradInferShapes());
  graph.addPass(xgrad::createXGradAutodiff());
  graph.addPass(xgrad::createXGradInferShapes());
  // CSE first: inference emits one shape query per use, and checks between two equal
  // queries only disappear once they are one value.
  graph.addPass(createCSEPass());
  graph.addPass(createCanonicalizerPass());
  graph.addPass(createCSEPass());
}

void xgrad::buildXGradToFuncsPipeline(OpPassManager &pm) {
  buildXGradGraphPipeline(pm);
  pm.addPass(xgrad::createXGradMaterializeTargets());
}

void xgrad::buildXGradToLLVMPipeline(OpPassManager &pm, const XGradToLLVMOptions &options) {
  buildXGradToFuncsPipeline(pm);
  buildFuncsToLLVMPipeline(pm, options);
}

void xgrad::buildFuncsToLLVMPipeline(OpPassManager &pm, const XGradToLLVMOptions &options) {
  xgrad::ConvertXGradToLinalgOptions lowering;
  lowering.useLinalg = options.useLinalg;
  pm.addPass(xgrad::createConvertXGradToLinalg(lowering));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(xgrad::createXGradDefaultSchedule());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());

  if (options.parallel) {
    pm.addPass(createConvertLinalgToParallelLoopsPass());
    pm.addNestedPass<func::FuncOp>(xgrad::createXGradOuterParallel());
  } else
    pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  if (options.parallel) {
    // scf-to-openmp wraps loop bodies in memref.alloca_scope, whose region must still be a
    // single block when memrefs are lowered: lower memrefs before scf becomes cf.
    pm.addPass(createConvertSCFToOpenMPPass());
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  if (!options.parallel)
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  if (options.parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void xgrad::registerPipelineDialects(DialectRegistry &registry) {
  registry.insert<xgrad::XGradDialect, affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
                  math::MathDialect, memref::MemRefDialect, omp::OpenMPDialect,
                  scf::SCFDialect, tensor::TensorDialect>();
  xgrad::registerDerivativeRules(registry);
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
  cf::registerBufferizableOpInterfaceExternalModels(registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
}

void xgrad::registerXGradPipelines() {
  registerPass([] { return createConvertLinalgToLoopsPass(); });
  registerPass([] { return createConvertLinalgToParallelLoopsPass(); });
  registerPass([] { return memref::createExpandStridedMetadataPass(); });
  registerPass([] { return bufferization::createOneShotBufferizePass(); });
  bufferization::registerBufferizationPipelines();
  registerPass([] { return createConvertBufferizationToMemRefPass(); });
  registerPass([] { return createLowerAffinePass(); });
  registerPass([] { return createConvertSCFToOpenMPPass(); });
  registerPass([] { return createSCFToControlFlowPass(); });
  registerPass([] { return createConvertMathToLLVMPass(); });
  registerPass([] { return createFinalizeMemRefToLLVMConversionPass(); });
  registerPass([] { return createArithToLLVMConversionPass(); });
  registerPass([] { return createConvertIndexToLLVMPass(); });
  registerPass([] { return createConvertOpenMPToLLVMPass(); });
  registerPass([] { return createConvertControlFlowToLLVMPass(); });
  registerPass([] { return createConvertFuncToLLVMPass(); });
  registerPass([] { return createReconcileUnrealizedCastsPass(); });
  PassPipelineRegistration<XGradToLLVMOptions>(
      "xgrad-to-llvm", "The whole xgrad pipeline: graphs to the LLVM dialect",
      buildXGradToLLVMPipeline);
}
