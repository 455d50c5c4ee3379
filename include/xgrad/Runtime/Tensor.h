//===- Tensor.h - host tensors passed to and from compiled models -*- C++ -*-===//
#ifndef XGRAD_RUNTIME_TENSOR_H
#define XGRAD_RUNTIME_TENSOR_H

#include "xgrad/Support/ElementType.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace xgrad {

/// The number of elements of `shape`, or nothing when an extent is negative or the count
/// overflows: sizes from files are checked with it before anything is allocated.
std::optional<int64_t> checkedElementCount(llvm::ArrayRef<int64_t> shape);

/// `4x2xf32`: a shape and element type as MLIR writes them.
std::string typeString(ElementType type, llvm::ArrayRef<int64_t> shape);

/// A dense row-major tensor in memory someone else owns (a NumPy array, a caller's buffer):
/// what `Model::call` reads its inputs from, without copying them.
struct TensorView {
  ElementType elementType;
  llvm::ArrayRef<int64_t> shape;
  const void *data;
  std::string typeString() const { return xgrad::typeString(elementType, shape); }
};

/// A tensor's bytes: from calloc, or taken over from the compiled code's aligned_alloc (a
/// result it returns, kept without a copy); freed into the buffer pool, which frees with
/// free what it does not keep.
class TensorBytes {
public:
  TensorBytes() = default;
  /// `size` zero bytes (as std::vector, no memory for them is a fatal bad_alloc error).
  explicit TensorBytes(size_t size);
  /// Owns `allocation` (from malloc or aligned_alloc), which holds `size` bytes.
  static TensorBytes adopt(void *allocation, size_t size);

  TensorBytes(const TensorBytes &other);
  TensorBytes &operator=(const TensorBytes &other);
  TensorBytes(TensorBytes &&other) noexcept
      : memory(std::move(other.memory)), length(std::exchange(other.length, 0)) {}
  TensorBytes &operator=(TensorBytes &&other) noexcept {
    memory = std::move(other.memory);
    length = std::exchange(other.length, 0);
    return *this;
  }

  uint8_t *data() { return memory.get(); }
  const uint8_t *data() const { return memory.get(); }
  size_t size() const { return length; }
  bool operator==(const TensorBytes &other) const;

private:
  struct Free {
    void operator()(uint8_t *pointer) const;
  };
  std::unique_ptr<uint8_t, Free> memory;
  size_t length = 0;
};

/// A dense row-major tensor owned by the host.
class Tensor {
public:
  /// A rank-0 f32 tensor holding 0: a Tensor always has its elements' bytes.
  Tensor() : Tensor(ElementType::f32, {}) {}
  Tensor(ElementType type, std::vector<int64_t> shape);
  /// The tensor whose elements are `bytes` (as many as the shape holds), without a copy.
  Tensor(ElementType type, std::vector<int64_t> shape, TensorBytes bytes);

  ElementType elementType() const { return type; }
  llvm::ArrayRef<int64_t> shape() const { return dims; }
  int64_t numElements() const;
  void *data() { return bytes.data(); }
  const void *data() const { return bytes.data(); }
  size_t sizeInBytes() const { return bytes.size(); }

  /// Element `i` of the flat data, converted to double.
  double at(int64_t i) const;
  void set(int64_t i, double value);

  /// The same data in another shape; false if the element counts differ.
  bool reshape(std::vector<int64_t> shape);

  TensorView view() const { return {type, dims, bytes.data()}; }

  /// The rows (slices along dimension 0) at `rows`, in that order: a mini-batch.
  Tensor gatherRows(llvm::ArrayRef<int64_t> rows) const;

  /// `4x2xf32`: the shape and element type as MLIR writes them.
  std::string typeString() const;
  /// Nested brackets, one innermost row per line, values with `precision` significant digits.
  void print(llvm::raw_ostream &os, int precision = 6) const;

  bool operator==(const Tensor &other) const {
    return type == other.type && dims == other.dims && bytes == other.bytes;
  }

private:
  ElementType type = ElementType::f32;
  std::vector<int64_t> dims;
  TensorBytes bytes;
};

} // namespace xgrad

#endif // XGRAD_RUNTIME_TENSOR_H
