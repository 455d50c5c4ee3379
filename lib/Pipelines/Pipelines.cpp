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
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
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
#include "llvm/Support/Threading.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using mlir::xgrad::Stage;

namespace {
constexpr std::pair<Stage, llvm::StringLiteral> kStageNames[] = {
    {Stage::xgrad, "xgrad"},         {Stage::inferred, "inferred"},
    {Stage::functions, "functions"}, {Stage::linalg, "linalg"},
    {Stage::scheduled, "scheduled"}, {Stage::llvm, "llvm"},
};
} // namespace

std::optional<Stage> mlir::xgrad::parseStage(llvm::StringRef name) {
  for (auto [stage, stageName] : kStageNames)
    if (name == stageName)
      return stage;
  return std::nullopt;
}

llvm::StringRef mlir::xgrad::stageName(Stage stage) {
  for (auto [known, name] : kStageNames)
    if (known == stage)
      return name;
  llvm_unreachable("every stage has a name");
}

std::string mlir::xgrad::stageNames() {
  std::string names;
  for (auto [stage, name] : kStageNames)
    names += (names.empty() ? "" : ", ") + name.str();
  return names;
}

unsigned ::xgrad::allThreads() {
  return std::max(1u, llvm::hardware_concurrency().compute_thread_count());
}

unsigned ::xgrad::CompileOptions::threadCount() const {
  if (threads != 0)
    return threads;
  return distributed ? 1 : allThreads();
}

/// Shape inference, autodiff and the cleanup after them, on each graph.
static void addGraphPasses(OpPassManager &pm, const ::xgrad::CompileOptions &options) {
  OpPassManager &graph = pm.nest<mlir::xgrad::GraphOp>();
  graph.addPass(mlir::xgrad::createXGradInferShapes());
  graph.addPass(mlir::xgrad::createXGradAutodiff());
  graph.addPass(mlir::xgrad::createXGradInferShapes());
  // CSE first: inference emits one shape query per use, and checks between two equal
  // queries only disappear once they are one value.
  graph.addPass(createCSEPass());
  graph.addPass(createCanonicalizerPass());
  graph.addPass(createCSEPass());
  if (options.distributed) {
    mlir::xgrad::XGradDataParallelOptions dataParallel;
    dataParallel.lossReduction =
        options.lossReduction == ::xgrad::LossReduction::mean ? "mean" : "sum";
    graph.addPass(mlir::xgrad::createXGradDataParallel(dataParallel));
  }
}

static void addKernelLoweringPasses(OpPassManager &pm, const ::xgrad::CompileOptions &options) {
  mlir::xgrad::ConvertXGradToLinalgOptions lowering;
  lowering.useLinalg = options.useLinalg;
  lowering.checkFinite = options.checkFinite;
  pm.addPass(mlir::xgrad::createConvertXGradToLinalg(lowering));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Bufferization, loops (OpenMP when parallel) and the conversions to the LLVM dialect.
static void addLLVMPasses(OpPassManager &pm, const ::xgrad::CompileOptions &options) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // Identity layouts where bufferization cannot infer one: a fully dynamic layout made every
  // state tensor the train step returns go through memrefCopy, element by element.
  bufferize.unknownTypeConversion = bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addNestedPass<func::FuncOp>(mlir::xgrad::createXGradExpandGuards());
  bufferization::buildBufferDeallocationPipeline(pm);
  if (options.distributed) {
    mlir::xgrad::XGradLowerCollectivesOptions collectives;
    collectives.implementation = XGRAD_MPI_IMPLEMENTATION;
    pm.addPass(mlir::xgrad::createXGradLowerCollectives(collectives));
  }
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addNestedPass<func::FuncOp>(mlir::xgrad::createXGradLowerVectors());
  pm.addPass(createConvertVectorToSCFPass(VectorTransferToSCFOptions().enableFullUnroll()));
  pm.addPass(memref::createFoldMemRefAliasOpsPass());

  bool parallel = options.parallel();
  // aligned_alloc instead of malloc plus pointer arithmetic: LLVM then knows every buffer is
  // a fresh allocation that aliases no other, and vectorizes loops it otherwise unrolls
  // scalar for fear of overlap (docs/Rationale.md).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useAlignedAlloc = true;
  if (parallel) {
    pm.addPass(createConvertLinalgToParallelLoopsPass());
    pm.addNestedPass<func::FuncOp>(mlir::xgrad::createXGradOuterParallel());
  } else
    pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  if (parallel) {
    // scf-to-openmp wraps loop bodies in memref.alloca_scope, whose region must still be a
    // single block when memrefs are lowered: lower memrefs before scf becomes cf.
    ConvertSCFToOpenMPPassOptions openmp;
    openmp.numThreads = options.threadCount();
    pm.addPass(createConvertSCFToOpenMPPass(openmp));
    mlir::xgrad::XGradParallelThresholdOptions threshold;
    threshold.minWork = options.parallelMinWork;
    pm.addNestedPass<func::FuncOp>(mlir::xgrad::createXGradParallelThreshold(threshold));
    pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  if (!parallel)
    pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  if (parallel)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  if (options.distributed)
    pm.addPass(mlir::xgrad::createXGradConvertMPIToLLVM());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  if (options.flushDenormals && llvm::Triple(llvm::sys::getProcessTriple()).isX86())
    pm.addPass(mlir::xgrad::createXGradFlushDenormals());
}

void mlir::xgrad::buildXGradPipeline(OpPassManager &pm, const ::xgrad::CompileOptions &options,
                               Stage from, Stage until) {
  auto runs = [&](Stage stage) { return from < stage && stage <= until; };
  if (runs(Stage::inferred))
    addGraphPasses(pm, options);
  if (runs(Stage::functions))
    pm.addPass(mlir::xgrad::createXGradMaterializeTargets());
  if (runs(Stage::linalg))
    addKernelLoweringPasses(pm, options);
  if (runs(Stage::scheduled)) {
    mlir::xgrad::XGradFuseElementwiseOptions fusion;
    fusion.library = options.schedule;
    pm.addNestedPass<func::FuncOp>(mlir::xgrad::createXGradFuseElementwise(fusion));
    mlir::xgrad::XGradScheduleOptions schedule;
    schedule.library = options.schedule;
    pm.addNestedPass<func::FuncOp>(mlir::xgrad::createXGradSchedule(schedule));
  }
  if (runs(Stage::llvm))
    addLLVMPasses(pm, options);
}

::xgrad::CompileOptions mlir::xgrad::toCompileOptions(const XGradPipelineOptions &pipeline) {
  ::xgrad::CompileOptions options;
  options.useLinalg = pipeline.useLinalg;
  options.threads = pipeline.threads;
  options.parallelMinWork = pipeline.parallelMinWork;
  options.schedule = pipeline.schedule;
  options.checkFinite = pipeline.checkFinite;
  options.flushDenormals = pipeline.flushDenormals;
  options.distributed = pipeline.distributed;
  options.lossReduction = pipeline.lossReduction;
  if (pipeline.parallel && options.threads == 1)
    options.threads = 0;
  return options;
}

void mlir::xgrad::registerPipelineDialects(DialectRegistry &registry) {
  registry.insert<mlir::xgrad::XGradDialect, affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
                  math::MathDialect, memref::MemRefDialect, mpi::MPIDialect,
                  omp::OpenMPDialect, DLTIDialect,
                  scf::SCFDialect, tensor::TensorDialect>();
  mlir::xgrad::registerDerivativeRules(registry);
  mlir::xgrad::registerScheduleExtensions(registry);
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

void mlir::xgrad::registerXGradPipelines() {
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
  registerPass([] { return createConvertVectorToSCFPass(); });
  registerPass([] { return createConvertVectorToLLVMPass(); });
  registerPass([] { return createUBToLLVMConversionPass(); });
  registerPass([] { return memref::createFoldMemRefAliasOpsPass(); });
  PassPipelineRegistration<XGradPipelineOptions>(
      "xgrad-pipeline", "xgrad's pipeline from graphs up to a stage (until=...)",
      [](OpPassManager &pm, const XGradPipelineOptions &options) {
        buildXGradPipeline(pm, toCompileOptions(options), Stage::xgrad, options.until);
      });
  PassPipelineRegistration<XGradPipelineOptions>(
      "xgrad-to-llvm", "The whole xgrad pipeline: graphs to the LLVM dialect",
      [](OpPassManager &pm, const XGradPipelineOptions &options) {
        buildXGradPipeline(pm, toCompileOptions(options), Stage::xgrad, Stage::llvm);
      });
}
