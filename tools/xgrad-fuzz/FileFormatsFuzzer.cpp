//===- FileFormatsFuzzer.cpp - libFuzzer targets for xgrad's file readers -===//
//
// One target per reader, chosen at compile time (XGRAD_FUZZ_TARGET): the .npy, IDX and PPM
// parsers, and the state loader. Every input must give a tensor or an error, never a crash,
// an out-of-bounds access (ASan) or undefined behaviour (UBSan).
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/Idx.h"
#include "xgrad/Runtime/Model.h"
#include "xgrad/Runtime/Npy.h"
#include "xgrad/Runtime/Ppm.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

using namespace xgrad;

#if XGRAD_FUZZ_STATE
/// A model with a parameter of each element type and a cache, to load states into.
static Model &model() {
  static std::unique_ptr<Model> instance = [] {
    CompileOptions options;
    options.cache = false;
    auto compiled = Model::compile(R"(
xgrad.graph @g {
  %w = xgrad.param "w" uniform [-1.0, 1.0] seed 1 : tensor<2x3xf32>
  %b = xgrad.param "b" zeros [] seed 0 : tensor<3xf32>
  %y = xgrad.kernel "sum" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %w[%i, %j] : tensor<2x3xf32>
    %c = xgrad.read %b[%j] : tensor<3xf32>
    %s = arith.addf %v, %c : f32
    %zero = arith.constant 0 : index
    xgrad.accumulate %s at [%zero] : f32
  }
  xgrad.target "sum" %y : tensor<*xf32>
})",
                                   options);
    if (!compiled) {
      llvm::errs() << llvm::toString(compiled.takeError()) << "\n";
      std::abort();
    }
    return std::move(*compiled);
  }();
  return *instance;
}
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
#if XGRAD_FUZZ_NPY
  llvm::Expected<Tensor> tensor = parseNpy(bytes, "fuzz.npy");
#elif XGRAD_FUZZ_IDX
  llvm::Expected<Tensor> tensor = parseIdx(bytes, "fuzz.idx", ElementType::f32, 1.0 / 255);
#elif XGRAD_FUZZ_PPM
  llvm::Expected<Tensor> tensor = parsePpm(bytes, "fuzz.ppm", ElementType::f32);
#elif XGRAD_FUZZ_STATE
  static std::string path = [] {
    llvm::SmallString<128> file;
    llvm::sys::fs::createTemporaryFile("xgrad-fuzz-state", "bin", file);
    return file.str().str();
  }();
  {
    std::error_code error;
    llvm::raw_fd_ostream out(path, error);
    out << bytes;
  }
  Model &target = model();
  std::map<std::string, Tensor> before = target.state();
  llvm::Error error = target.load(path);
  // A rejected file leaves the state as it was.
  if (error && target.state() != before)
    std::abort();
  llvm::consumeError(std::move(error));
  return 0;
#endif
#if !XGRAD_FUZZ_STATE
  if (tensor) {
    // Every element a successful parse claims is readable.
    double sum = 0;
    for (int64_t i = 0; i < tensor->numElements(); ++i)
      sum += tensor->at(i);
    (void)sum;
  } else {
    llvm::consumeError(tensor.takeError());
  }
  return 0;
#endif
}
