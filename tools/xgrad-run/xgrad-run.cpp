//===- xgrad-run.cpp - compile an xgrad graph and run one of its targets --===//
//
//   xgrad-run model.mlir --target NAME --input x=x.npy --input y=4x1:0,1,1,0 [--repeat N]
//             [--train TRAINING_TARGET --epochs N]
//
// Prints the target's value (and with --print-state the model state) in a stable text
// form, or writes it as .npy with --output. Every error is one line and exit status 1.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/CompileCache.h"
#include "xgrad/Runtime/Distributed.h"
#include "xgrad/Runtime/GradientCheck.h"
#include "xgrad/Runtime/Model.h"
#include "xgrad/Runtime/Npy.h"
#include "xgrad/Tools/CommandLine.h"

#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"

#include <set>

using namespace llvm;

static cl::OptionCategory category("xgrad-run options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"), cl::init("-"),
                                      cl::cat(category));
static cl::opt<std::string> targetName("target", cl::desc("The target to run"), cl::Required,
                                       cl::cat(category));
static cl::list<std::string>
    inputs("input", cl::desc("An input: name=file.npy, or name=SHAPE:v0,v1,... (e.g. 2x2:0,1,1,0)"),
           cl::cat(category));
static cl::opt<unsigned> repeat("repeat",
                                cl::desc("Run the target this many times; the "
                                         "epoch counter advances after each run"),
                                cl::init(1), cl::cat(category));
static cl::opt<std::string> trainTarget("train",
                                        cl::desc("Before the target, run this (training) "
                                                 "target --epochs times"),
                                        cl::cat(category));
static cl::opt<unsigned> epochs("epochs", cl::desc("How often --train runs"), cl::init(1),
                                cl::cat(category));
static cl::opt<std::string> outputFile("output", cl::desc("Write the value to this .npy file"),
                                       cl::cat(category));
static cl::opt<std::string> loadPath("load",
                                     cl::desc("Start from the state saved in this file"),
                                     cl::cat(category));
static cl::opt<std::string> savePath("save",
                                     cl::desc("Save the state to this file after the runs "
                                              "(with --distributed, rank 0 saves)"),
                                     cl::cat(category));
static cl::opt<bool> printState("print-state", cl::desc("Print the model state after the runs"),
                                cl::cat(category));
static cl::opt<bool> parallel("parallel",
                              cl::desc("Run parallel loops on OpenMP threads, one per core "
                                       "(the default; --num-threads decides over it)"),
                              cl::cat(category));
static cl::opt<uint64_t> parallelMinWork(
    "parallel-min-work",
    cl::desc("Estimated operations a parallel loop needs to run on threads (0: every one)"),
    cl::init(xgrad::CompileOptions().parallelMinWork), cl::cat(category));
static cl::opt<unsigned> threads(
    "num-threads", cl::desc("OpenMP threads of parallel loops (0: one per core, 1: sequential)"),
    cl::init(xgrad::CompileOptions().threads), cl::cat(category));
static cl::opt<std::string> schedule(
    "schedule", cl::desc("A file of transform IR whose named sequences schedule the kernels "
                         "they name (docs/Scheduling.md)"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<bool> noCache("no-cache",
                             cl::desc("Compile without reading or writing the compile cache"),
                             cl::cat(category));
static cl::opt<bool> checkFinite("check-finite",
                                 cl::desc("Fail the run at the first kernel whose result holds "
                                          "a NaN or an infinity, naming it"),
                                 cl::cat(category));
static cl::opt<bool> keepDenormals("keep-denormals",
                                   cl::desc("Compute with subnormal floats as IEEE 754 says "
                                            "(slower) instead of flushing them to zero"),
                                   cl::cat(category));
static cl::opt<bool> compileAll("compile-all",
                                cl::desc("Compile every target up front, as one module "
                                         "(otherwise each target on its first run)"),
                                cl::cat(category));
static cl::opt<bool> cacheStats("cache-stats",
                                cl::desc("Print the compile cache's hits, misses and size "
                                         "after compiling (to standard error)"),
                                cl::cat(category));
static cl::opt<bool> timeStages("time-stages",
                                cl::desc("Print the time of each compile stage: parsing, every "
                                         "pass, LLVM's optimiser and code generator, linking "
                                         "(to standard error)"),
                                cl::cat(category));
static cl::opt<unsigned> optLevel("opt-level", cl::desc("LLVM's optimisation level, 0 to 3"),
                                  cl::init(2), cl::cat(category));
static cl::opt<bool> noLinalg("no-linalg",
                              cl::desc("Lower every kernel to loop nests instead of linalg"),
                              cl::cat(category));
static cl::opt<bool> checkGradientsFlag(
    "check-gradients",
    cl::desc("Compare the derived gradients of the target (summed) with central finite "
             "differences for every parameter and input; fails above --tolerance"),
    cl::cat(category));
static cl::opt<double> tolerance("tolerance",
                                 cl::desc("Largest relative error --check-gradients accepts"),
                                 cl::init(1e-6), cl::cat(category));
static cl::opt<int> precision("precision", cl::desc("Significant digits printed"), cl::init(6),
                              cl::cat(category));

static cl::opt<bool> distributedRun(
    "distributed",
    cl::desc("Train data-parallel over the ranks of an MPI run (mpirun -np N xgrad-run "
             "--distributed ...): each rank trains on its share of the rows of --train's "
             "inputs, and only rank 0 prints and writes files"),
    cl::cat(category));
static cl::opt<xgrad::LossReduction> lossReduction(
    "loss-reduction", cl::desc("How the training loss combines a batch's rows (--distributed)"),
    cl::init(xgrad::LossReduction::mean),
    cl::values(clEnumValN(xgrad::LossReduction::mean, "mean", "a mean over the rows"),
               clEnumValN(xgrad::LossReduction::sum, "sum", "a sum over the rows")),
    cl::cat(category));

[[noreturn]] static void fail(const Twine &message) {
  xgrad::distributed::failTool("xgrad-run", message);
}

static void failOn(Error error) {
  if (error)
    fail(toString(std::move(error)));
}

/// `SHAPE:v0,v1,...` with SHAPE like `4x2` (or empty for a scalar-shaped tensor).
static Expected<xgrad::Tensor> parseLiteral(StringRef name, StringRef text,
                                            xgrad::ElementType type) {
  auto [shapeText, valuesText] = text.split(':');
  std::vector<int64_t> shape;
  SmallVector<StringRef> parts;
  shapeText.split(parts, 'x', -1, false);
  for (StringRef part : parts) {
    int64_t size;
    if (part.trim().getAsInteger(10, size) || size < 0)
      return createStringError("input '%s': invalid shape '%s' (expected e.g. 4x2:0,1,...)",
                               name.str().c_str(), shapeText.str().c_str());
    shape.push_back(size);
  }
  SmallVector<StringRef> values;
  valuesText.split(values, ',', -1, false);
  std::optional<int64_t> count = xgrad::checkedElementCount(shape);
  if (!count)
    return createStringError("input '%s': shape %s is too large", name.str().c_str(),
                             shapeText.str().c_str());
  if (int64_t(values.size()) != *count)
    return createStringError("input '%s': shape %s needs %lld values, got %zu",
                             name.str().c_str(), shapeText.str().c_str(), (long long)*count,
                             values.size());
  xgrad::Tensor tensor(type, shape);
  for (auto [i, value] : llvm::enumerate(values)) {
    double number;
    if (value.trim().getAsDouble(number))
      return createStringError("input '%s': '%s' is not a number", name.str().c_str(),
                               value.trim().str().c_str());
    tensor.set(i, number);
  }
  return tensor;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  xgrad::tools::setUpCommandLine(category);
  cl::ParseCommandLineOptions(argc, argv, "xgrad: compile a graph and run a target\n");

  auto source = MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!source)
    fail("cannot read " + inputFile + ": " + source.getError().message());
  xgrad::CompileOptions options;
  // Every option goes into CompileOptions, which rejects values out of range.
  options.threads = threads;
  options.parallelMinWork = parallelMinWork;
  options.optLevel = optLevel;
  options.schedule = schedule;
  options.useLinalg = !noLinalg;
  options.sourceName = inputFile;
  options.cache = !noCache;
  options.lazy = !compileAll;
  options.checkFinite = checkFinite;
  options.flushDenormals = !keepDenormals;
  options.distributed = distributedRun;
  options.lossReduction = lossReduction;
  Expected<std::unique_ptr<xgrad::Model>> model = [&]() -> Expected<std::unique_ptr<xgrad::Model>> {
    mlir::DefaultTimingManager timing;
    timing.setEnabled(timeStages);
    mlir::TimingScope compileTiming = timing.getRootScope();
    auto model = xgrad::Model::compile((*source)->getBuffer(), options, compileTiming);
    if (!model)
      return model.takeError();
    // The targets it runs, compiled now: so the timing covers them (and an error in their
    // code is a compile error). At once, unless each is timed.
    std::vector<std::string> names;
    for (StringRef name : {StringRef(trainTarget), StringRef(targetName)})
      if (!name.empty() && (*model)->findTarget(name) && !llvm::is_contained(names, name))
        names.push_back(name.str());
    if (!timeStages) {
      if (Error error = (*model)->prepareTargets(names))
        return std::move(error);
      return model;
    }
    for (const std::string &name : names) {
      mlir::TimingScope targetTiming = compileTiming.nest("target " + name);
      if (Error error = (*model)->prepare(name, targetTiming))
        return std::move(error);
    }
    return model;
  }(); // The timing report goes to standard error here, when the manager goes.
  if (cacheStats) {
    xgrad::CompileCacheStats stats = xgrad::compileCacheStats(options);
    errs() << "compile cache " << stats.directory << ": " << stats.hits << " hits, "
           << stats.misses << " misses, " << stats.rejected << " rejected entries, "
           << stats.writeErrors << " write errors; " << stats.entries << " entries, "
           << stats.bytes << " bytes\n";
    if (!stats.lastProblem.empty())
      errs() << "compile cache: " << stats.lastProblem << "\n";
  }
  if (!model)
    fail(toString(model.takeError()));
  if (!loadPath.empty())
    failOn((*model)->load(loadPath));
  auto findTarget = [&](StringRef name) {
    const xgrad::TargetSignature *found = (*model)->findTarget(name);
    if (!found)
      fail("unknown or ambiguous target '" + name + "' (targets: " +
           join((*model)->targetNames(), ", ") + ")");
    return found;
  };
  const xgrad::TargetSignature *target = findTarget(targetName);
  const xgrad::TargetSignature *training = trainTarget.empty() ? nullptr : findTarget(trainTarget);
  // Any input of the model may be given (a gradient check's target takes inputs the checked
  // target may not); each target gets the ones it takes. A name no target takes is a typo.
  std::vector<const xgrad::TargetSignature *> signatures;
  for (const std::string &name : (*model)->targetNames())
    signatures.push_back((*model)->findTarget(name));
  auto specOf = [&](StringRef name) -> const xgrad::ValueSpec * {
    for (const xgrad::TargetSignature *signature : signatures)
      for (const xgrad::ValueSpec &spec : signature->inputs)
        if (spec.name == name)
          return &spec;
    return nullptr;
  };
  auto modelInputs = [&] {
    std::set<std::string> names;
    for (const xgrad::TargetSignature *signature : signatures)
      for (const xgrad::ValueSpec &spec : signature->inputs)
        names.insert(spec.name);
    return llvm::join(names, ", ");
  };

  std::map<std::string, xgrad::Tensor> values;
  for (StringRef input : inputs) {
    StringRef name, value;
    std::tie(name, value) = input.split('=');
    if (value.empty())
      fail("--input expects name=file.npy or name=SHAPE:values, got '" + input + "'");
    const xgrad::ValueSpec *spec = specOf(name);
    if (!spec)
      fail("the model has no input '" + name + "' (inputs: " + modelInputs() + ")");
    Expected<xgrad::Tensor> tensor = value.ends_with(".npy")
                                         ? xgrad::readNpy(value)
                                         : parseLiteral(name, value, spec->elementType);
    if (!tensor)
      fail(toString(tensor.takeError()));
    values[name.str()] = std::move(*tensor);
  }
  // Each target gets the inputs it takes.
  auto inputsOf = [&](const xgrad::TargetSignature *signature) {
    std::map<std::string, xgrad::Tensor> selected;
    for (const xgrad::ValueSpec &spec : signature->inputs)
      if (values.count(spec.name))
        selected[spec.name] = values[spec.name];
    return selected;
  };

  if (repeat == 0)
    fail("--repeat must be at least 1");

  if (checkGradientsFlag) {
    auto results = xgrad::checkGradients((*source)->getBuffer(), targetName, values, options);
    if (!results)
      fail(toString(results.takeError()));
    bool passed = true;
    for (const xgrad::GradientCheckResult &result : *results) {
      bool ok = result.maxRelativeError <= tolerance;
      passed &= ok;
      outs() << "gradient of " << result.name << ": " << result.elements
             << " elements, max relative error " << format("%.3g", result.maxRelativeError)
             << (ok ? ": ok" : ": FAILED") << "\n";
    }
    if (!passed)
      fail("derived gradients differ from finite differences by more than " +
           formatv("{0}", format("%g", double(tolerance))).str());
    return 0;
  }

  if (training) {
    std::map<std::string, xgrad::Tensor> trainingInputs = inputsOf(training);
    // The inputs are the global batch: this rank trains on its share of the rows.
    if (training->collective && xgrad::distributed::size() > 1)
      for (auto &[name, tensor] : trainingInputs) {
        if (tensor.shape().empty())
          fail("--distributed: input '" + name + "' has no rows to share among the ranks");
        auto [begin, end] = xgrad::distributed::shareOf(tensor.shape()[0]);
        std::vector<int64_t> rows;
        for (int64_t row = begin; row < end; ++row)
          rows.push_back(row);
        tensor = tensor.gatherRows(rows);
      }
    for (unsigned epoch = 0; epoch < epochs; ++epoch) {
      Expected<xgrad::Tensor> loss = (*model)->call(trainTarget, trainingInputs);
      if (!loss)
        fail(toString(loss.takeError()));
      ++(*model)->epoch;
    }
  }

  xgrad::Tensor result;
  std::map<std::string, xgrad::Tensor> targetInputs = inputsOf(target);
  for (unsigned run = 0; run < repeat; ++run) {
    Expected<xgrad::Tensor> value = (*model)->call(targetName, targetInputs);
    if (!value)
      fail(toString(value.takeError()));
    result = std::move(*value);
    ++(*model)->epoch;
  }

  if (!savePath.empty())
    failOn((*model)->save(savePath));
  // Every rank holds the same state and result: one of them reports.
  if (xgrad::distributed::rank() != 0)
    return 0;
  if (!outputFile.empty()) {
    failOn(xgrad::writeNpy(outputFile, result));
  } else {
    outs() << target->output.name << ": " << result.typeString() << "\n";
    result.print(outs(), precision);
  }
  if (printState)
    for (auto &[name, tensor] : (*model)->state()) {
      outs() << "state " << name << ": " << tensor.typeString() << "\n";
      tensor.print(outs(), precision);
    }
  return 0;
}
