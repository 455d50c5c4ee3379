//===- bench_matmul.cpp - GFLOP/s of a matmul written as an xgrad kernel --===//
//
//   xgrad-bench-matmul [--size 512] [--runs 10] [--parallel]
//
// Compiles `out[y, x] ++= a[y, it] * b[it, x] | (y, x, it)` through the whole pipeline and
// prints the best GFLOP/s over --runs calls (the first call is a warm-up).
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/Model.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>

using namespace llvm;

static cl::opt<int> matrixSize("size", cl::desc("Matrix size"), cl::init(512));
static cl::opt<int> runs("runs", cl::desc("Timed runs"), cl::init(10));
static cl::opt<bool> parallel("parallel", cl::desc("OpenMP threads (OMP_NUM_THREADS)"));

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv, "matmul benchmark\n");
  std::string source = formatv(R"(
xgrad.graph @bench {{
  %a = xgrad.input "a" : tensor<{0}x{0}xf32>
  %b = xgrad.input "b" : tensor<{0}x{0}xf32>
  %c = xgrad.kernel "matmul" -> tensor<*xf32> {{
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read %a[%y, %it] : tensor<{0}x{0}xf32>
    %r = xgrad.read %b[%it, %x] : tensor<{0}x{0}xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  xgrad.target "matmul" %c : tensor<*xf32>
})",
                               int(matrixSize));
  xgrad::CompileOptions options;
  options.threads = parallel ? xgrad::allThreads() : 1;
  auto model = xgrad::Model::compile(source, options);
  if (!model) {
    errs() << toString(model.takeError()) << "\n";
    return 1;
  }
  std::map<std::string, xgrad::Tensor> inputs;
  for (const char *name : {"a", "b"}) {
    xgrad::Tensor t(xgrad::ElementType::f32, {matrixSize, matrixSize});
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.set(i, double((i * 7919) % 1000) / 1000.0 - 0.5);
    inputs[name] = std::move(t);
  }
  double best = 1e30;
  for (int run = 0; run <= runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    auto result = (*model)->call("matmul", inputs);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result) {
      errs() << toString(result.takeError()) << "\n";
      return 1;
    }
    if (run > 0)
      best = std::min(best, seconds);
  }
  double flops = 2.0 * matrixSize * matrixSize * matrixSize;
  outs() << format("%.1f", flops / best / 1e9) << "\n";
  return 0;
}
