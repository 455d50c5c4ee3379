//===- Tensor.h - host tensors passed to and from compiled models -*- C++ -*-===//
#ifndef XGRAD_RUNTIME_TENSOR_H
#define XGRAD_RUNTIME_TENSOR_H

#include "xgrad/Support/ElementType.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <optional>
#include <string>
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

/// A dense row-major tensor owned by the host.
class Tensor {
public:
  /// A rank-0 f32 tensor holding 0: a Tensor always has its elements' bytes.
  Tensor() : Tensor(ElementType::f32, {}) {}
  Tensor(ElementType type, std::vector<int64_t> shape);

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
  std::vector<uint8_t> bytes;
};

} // namespace xgrad

#endif // XGRAD_RUNTIME_TENSOR_H
