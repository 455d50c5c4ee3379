//===- PackedCall.h - calling a packed entry point --------------*- C++ -*-===//
//
// The runtime ABI at the machine level: MLIR's packed entry point `_mlir_<symbol>(void **)`
// takes one pointer per field of its arguments, then one to the results. A memref is a
// descriptor (allocated and aligned pointers, offset, sizes, strides; 8 bytes each), a
// scalar one field. Which arguments a target has is the dialect's ABI (XGradABI.h).
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_LIB_RUNTIME_PACKEDCALL_H
#define XGRAD_LIB_RUNTIME_PACKEDCALL_H

#include "xgrad/Runtime/Tensor.h"
#include <cstdint>
#include <vector>

namespace xgrad {

class PackedCall {
public:
  /// A dense row-major tensor, read in place.
  void addTensor(const TensorView &tensor);
  void addScalar(int64_t value);
  /// A one-dimensional i64 buffer the callee may write (the check status).
  void addBuffer(int64_t *data, int64_t size);
  /// Declares the next result: a memref of rank `rank`.
  void addResult(size_t rank);

  using Function = void (*)(void **);
  void run(Function function);

  /// Result `index` after `run`: its buffer, and where its elements are.
  struct Result {
    void *allocation;
    const uint8_t *elements;
    std::vector<int64_t> shape;
  };
  Result result(size_t index, size_t elementSize) const;
  /// Result `index`'s buffer, handed over to the caller (freeResults no longer frees it),
  /// when the result alone owns it and its elements start it; else null.
  void *releaseResult(size_t index);
  /// Frees the results' buffers, each once, except those that are the arguments' own (the
  /// lowering may return an argument uncopied) and those released.
  void freeResults() const;

private:
  void addDescriptor(int64_t pointer, llvm::ArrayRef<int64_t> sizes,
                     llvm::ArrayRef<int64_t> strides);
  /// Every argument field in order; the memrefs' allocated pointers are in `descriptors`.
  std::vector<int64_t> fields;
  std::vector<size_t> descriptors;
  std::vector<int64_t> results;
  std::vector<std::pair<size_t, size_t>> resultLayout; // {first field, rank}
  std::vector<void *> released;
};

} // namespace xgrad

#endif // XGRAD_LIB_RUNTIME_PACKEDCALL_H
