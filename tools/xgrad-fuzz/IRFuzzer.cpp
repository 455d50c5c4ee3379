//===- IRFuzzer.cpp - libFuzzer target for the parser, verifier and passes ===//
//
// Parses the input as xgrad IR and runs the pipeline up to the scheduled stage (shape
// inference, autodiff, materialization, lowering, the schedule): every input must give IR
// or diagnostics, never a crash. LLVM's code generation is left out: it is not xgrad's, and
// it would make each run a hundred times slower.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/Compiler.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef source(reinterpret_cast<const char *>(data), size);
  xgrad::CompileOptions options;
  options.cache = false;
  llvm::Expected<std::string> ir = xgrad::irAfterStage(source, "scheduled", options);
  if (!ir)
    llvm::consumeError(ir.takeError());
  return 0;
}
