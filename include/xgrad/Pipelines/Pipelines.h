//===- Pipelines.h - xgrad's one pass pipeline ------------------*- C++ -*-===//
//
// The whole compiler is one pipeline of stages, built by buildXGradPipeline. The JIT
// (Model::compile), the stage printer (irAfterStage, Python's `model.ir(stage)`), xgrad-opt's
// registered pipelines and xgrad-run all call it; nothing else assembles passes.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_PIPELINES_PIPELINES_H
#define XGRAD_PIPELINES_PIPELINES_H

#include "xgrad/Pipelines/CompileOptions.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::xgrad {

/// The points of the pipeline whose IR can be printed; each stage ends after the passes
/// named here.
enum class Stage {
  /// The model as parsed.
  xgrad,
  /// Shapes inferred, gradients derived, canonicalized (still graphs).
  inferred,
  /// One func.func per target (--xgrad-materialize-targets).
  functions,
  /// Kernels lowered to linalg.generic and loops on tensors, canonicalized.
  linalg,
  /// The default CPU schedule applied.
  scheduled,
  /// The LLVM dialect the JIT compiles.
  llvm,
};
std::optional<Stage> parseStage(llvm::StringRef name);
llvm::StringRef stageName(Stage stage);
/// "xgrad, inferred, functions, linalg, scheduled, llvm", for messages.
std::string stageNames();

/// Adds the passes that take a module from the end of stage `from` to the end of stage
/// `until`, with every pass option derived from `options`.
void buildXGradPipeline(OpPassManager &pm, const ::xgrad::CompileOptions &options,
                        Stage from, Stage until);

/// The options of xgrad-opt's registered pipelines, mapped onto CompileOptions.
struct XGradPipelineOptions : public PassPipelineOptions<XGradPipelineOptions> {
  Option<Stage> until{
      *this, "until", llvm::cl::desc("The last stage to run"), llvm::cl::init(Stage::llvm),
      llvm::cl::values(
          clEnumValN(Stage::xgrad, "xgrad", "the model as parsed"),
          clEnumValN(Stage::inferred, "inferred", "shapes, gradients, cleanup"),
          clEnumValN(Stage::functions, "functions", "one func.func per target"),
          clEnumValN(Stage::linalg, "linalg", "kernels lowered to linalg and loops"),
          clEnumValN(Stage::scheduled, "scheduled", "the default CPU schedule applied"),
          clEnumValN(Stage::llvm, "llvm", "the LLVM dialect"))};
  Option<bool> useLinalg{*this, "use-linalg",
                         llvm::cl::desc("Lower projection kernels through linalg.generic"),
                         llvm::cl::init(true)};
  Option<bool> parallel{*this, "parallel",
                        llvm::cl::desc("One OpenMP thread per core, as threads=0 (the default) "
                                       "means, even with threads=1"),
                        llvm::cl::init(false)};
  Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("OpenMP threads of parallel loops (0: one per core, 1: sequential)"),
      llvm::cl::init(::xgrad::CompileOptions().threads)};
  Option<uint64_t> parallelMinWork{
      *this, "parallel-min-work",
      llvm::cl::desc("Estimated operations a parallel loop needs to run on threads (0: all)"),
      llvm::cl::init(::xgrad::CompileOptions().parallelMinWork)};
  Option<bool> checkFinite{
      *this, "check-finite",
      llvm::cl::desc("Fail the run at the first kernel whose result holds a NaN or an infinity"),
      llvm::cl::init(false)};
  Option<bool> flushDenormals{
      *this, "flush-denormals",
      llvm::cl::desc("Run the code with subnormal floats flushed to zero (x86 FTZ and DAZ)"),
      llvm::cl::init(true)};
  Option<std::string> schedule{
      *this, "schedule",
      llvm::cl::desc("A file of transform IR whose named sequences schedule the kernels "
                     "they name (docs/Scheduling.md)")};
  Option<bool> distributed{
      *this, "distributed",
      llvm::cl::desc("Sum every training step's gradients over the ranks of an MPI run "
                     "(docs/Distributed.md)"),
      llvm::cl::init(false)};
  Option<::xgrad::LossReduction> lossReduction{
      *this, "loss-reduction",
      llvm::cl::desc("How the loss combines a batch's rows, for distributed"),
      llvm::cl::init(::xgrad::LossReduction::mean),
      llvm::cl::values(clEnumValN(::xgrad::LossReduction::mean, "mean", "a mean over the rows"),
                       clEnumValN(::xgrad::LossReduction::sum, "sum", "a sum over the rows"))};
};
::xgrad::CompileOptions toCompileOptions(const XGradPipelineOptions &options);

/// The dialects and interface implementations the pipeline needs, and nothing else.
void registerPipelineDialects(DialectRegistry &registry);

/// Registers `--xgrad-pipeline` (up to any stage), `--xgrad-to-llvm` (all of it) and the
/// upstream passes they are made of, each under its own flag, so that any prefix of the
/// pipeline can be run by hand.
void registerXGradPipelines();

} // namespace mlir::xgrad

#endif // XGRAD_PIPELINES_PIPELINES_H
