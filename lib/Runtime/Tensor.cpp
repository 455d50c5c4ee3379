//===- Tensor.cpp - host tensors ------------------------------------------===//
#include "xgrad/Runtime/Tensor.h"
#include "BufferPool.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Format.h"
#include <cstdlib>
#include <cstring>
#include <functional>

using namespace xgrad;

TensorBytes::TensorBytes(size_t size) : length(size) {
  // calloc: large blocks come as the system's zero pages, never written here.
  if (size) {
    memory.reset(static_cast<uint8_t *>(std::calloc(size, 1)));
    if (!memory)
      llvm::report_bad_alloc_error("xgrad: no memory for a tensor's elements");
  }
}

TensorBytes TensorBytes::adopt(void *allocation, size_t size) {
  TensorBytes bytes;
  bytes.memory.reset(static_cast<uint8_t *>(allocation));
  bytes.length = size;
  return bytes;
}

TensorBytes::TensorBytes(const TensorBytes &other) : TensorBytes(other.length) {
  if (length)
    std::memcpy(memory.get(), other.memory.get(), length);
}

TensorBytes &TensorBytes::operator=(const TensorBytes &other) {
  if (this != &other)
    *this = TensorBytes(other);
  return *this;
}

bool TensorBytes::operator==(const TensorBytes &other) const {
  return length == other.length &&
         (length == 0 || std::memcmp(memory.get(), other.memory.get(), length) == 0);
}

// Into the calling thread's buffer pool: the next call's allocations of the same size (a
// train step's new parameters and optimizer state) reuse the block instead of faulting in
// fresh pages.
void TensorBytes::Free::operator()(uint8_t *pointer) const { bufferpool::release(pointer); }

Tensor::Tensor(ElementType type, std::vector<int64_t> shape)
    : type(type), dims(std::move(shape)), bytes(numElements() * elementSize(type)) {}

Tensor::Tensor(ElementType type, std::vector<int64_t> shape, TensorBytes bytes)
    : type(type), dims(std::move(shape)), bytes(std::move(bytes)) {}

int64_t Tensor::numElements() const {
  int64_t count = 1;
  for (int64_t size : dims)
    count *= size;
  return count;
}

double Tensor::at(int64_t i) const {
  if (type == ElementType::f32) {
    float value;
    std::memcpy(&value, bytes.data() + 4 * i, 4);
    return value;
  }
  double value;
  std::memcpy(&value, bytes.data() + 8 * i, 8);
  return value;
}

void Tensor::set(int64_t i, double value) {
  if (type == ElementType::f32) {
    float narrow = static_cast<float>(value);
    std::memcpy(bytes.data() + 4 * i, &narrow, 4);
    return;
  }
  std::memcpy(bytes.data() + 8 * i, &value, 8);
}

bool Tensor::reshape(std::vector<int64_t> shape) {
  // Checked: a wrapping product of negative or huge extents could equal the count.
  std::optional<int64_t> count = checkedElementCount(shape);
  if (!count || *count != numElements())
    return false;
  dims = std::move(shape);
  return true;
}

Tensor Tensor::gatherRows(llvm::ArrayRef<int64_t> rows) const {
  std::vector<int64_t> shape = dims;
  shape[0] = rows.size();
  Tensor result(type, shape);
  size_t rowBytes = dims[0] ? bytes.size() / dims[0] : 0;
  // Rows of no bytes may live at a null data(), which memcpy must not get.
  for (size_t i = 0; rowBytes && i < rows.size(); ++i)
    std::memcpy(result.bytes.data() + i * rowBytes, bytes.data() + rows[i] * rowBytes, rowBytes);
  return result;
}

std::optional<int64_t> xgrad::checkedElementCount(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t size : shape)
    if (size < 0 || __builtin_mul_overflow(count, size, &count) || count > (int64_t(1) << 40))
      return std::nullopt;
  return count;
}

std::string xgrad::typeString(ElementType type, llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (int64_t size : shape)
    os << size << "x";
  os << elementTypeName(type);
  return text;
}

std::string Tensor::typeString() const { return xgrad::typeString(type, dims); }

void Tensor::print(llvm::raw_ostream &os, int precision) const {
  if (dims.empty()) {
    os << llvm::format("%.*g", precision, at(0)) << "\n";
    return;
  }
  int64_t flat = 0;
  std::function<void(size_t, int)> printDim = [&](size_t dim, int indent) {
    os << "[";
    for (int64_t i = 0; i < dims[dim]; ++i) {
      if (dim + 1 == dims.size()) {
        os << (i ? ", " : "") << llvm::format("%.*g", precision, at(flat++));
        continue;
      }
      if (i)
        os << ",\n" << std::string(indent + 1, ' ');
      printDim(dim + 1, indent + 1);
    }
    os << "]";
  };
  printDim(0, 0);
  os << "\n";
}
