//===- CompiledModule.h - the compiler's one artifact -----------*- C++ -*-===//
//
// Everything the runtime needs to run a compiled model, and nothing it has to read back from
// IR: the object code, every target's signature, the state declarations with their
// initializers and seeds, the run-time check messages. It is written to bytes and read back
// (the compile cache stores exactly this), and a Model is one of these plus state.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_RUNTIME_COMPILEDMODULE_H
#define XGRAD_RUNTIME_COMPILEDMODULE_H

#include "xgrad/Support/ElementType.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xgrad {

/// One value crossing a target's boundary.
struct ValueSpec {
  std::string name;
  ElementType elementType;
  /// -1 for a dynamic extent.
  std::vector<int64_t> shape;
};

struct TargetSignature {
  std::string symbol;
  std::vector<ValueSpec> inputs;
  std::vector<ValueSpec> stateIn;
  ValueSpec output;
  std::vector<ValueSpec> stateOut;
  /// The function's arguments in order: {true, i} is stateIn[i], {false, i} inputs[i].
  std::vector<std::pair<bool, size_t>> argumentOrder;
  /// The code takes part in a collective over MPI ranks (a data-parallel training step):
  /// every rank must call it, each with its share of the batch.
  bool collective = false;
};

/// A parameter, optimizer state or cache the model keeps between calls.
struct StateDeclaration {
  ValueSpec value;
  /// How `initialize` fills it ("zeros", "uniform", ...), with its arguments and seed.
  std::string initializer;
  std::vector<double> arguments;
  int64_t seed = 0;
};

struct CompiledModule {
  /// A relocatable object file for the host CPU, with a packed entry point `_mlir_<symbol>`
  /// per target.
  std::string objectCode;
  /// The CPU (LLVM's name and features) the code was generated for.
  std::string cpu;
  /// The code calls the OpenMP runtime.
  bool usesOpenMP = false;
  std::map<std::string, TargetSignature> targets;
  std::vector<StateDeclaration> state;
  /// A failed run-time check reports its index into these.
  std::vector<std::string> checkMessages;

  /// A versioned, checksummed byte string.
  std::string serialize() const;
  /// Reads what `serialize` wrote; truncated, corrupt or foreign bytes (another format version
  /// or LLVM) are an error, never a crash.
  static llvm::Expected<CompiledModule> deserialize(llvm::StringRef bytes);
};

/// The name and features of this machine's CPU, as CompiledModule::cpu records them.
std::string hostCPU();

} // namespace xgrad

#endif // XGRAD_RUNTIME_COMPILEDMODULE_H
