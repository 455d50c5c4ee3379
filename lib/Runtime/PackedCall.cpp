//===- PackedCall.cpp - calling a packed entry point ----------------------===//
#include "PackedCall.h"

#include "llvm/ADT/STLExtras.h"
#include <algorithm>
#include <cstdlib>

using namespace xgrad;

void PackedCall::addDescriptor(int64_t pointer, llvm::ArrayRef<int64_t> sizes,
                               llvm::ArrayRef<int64_t> strides) {
  descriptors.push_back(fields.size());
  fields.push_back(pointer);
  fields.push_back(pointer);
  fields.push_back(0);
  llvm::append_range(fields, sizes);
  llvm::append_range(fields, strides);
}

void PackedCall::addTensor(const TensorView &tensor) {
  std::vector<int64_t> strides(tensor.shape.size());
  int64_t stride = 1;
  for (size_t dim = strides.size(); dim-- > 0;) {
    strides[dim] = stride;
    stride *= tensor.shape[dim];
  }
  addDescriptor(reinterpret_cast<int64_t>(tensor.data), tensor.shape, strides);
}

void PackedCall::addScalar(int64_t value) { fields.push_back(value); }

void PackedCall::addBuffer(int64_t *data, int64_t size) {
  addDescriptor(reinterpret_cast<int64_t>(data), {size}, {1});
}

void PackedCall::addResult(size_t rank) {
  resultLayout.push_back({results.size(), rank});
  results.resize(results.size() + 3 + 2 * rank, 0);
}

void PackedCall::run(Function function) {
  // Built only now: `fields` no longer grows, so the pointers into it stay valid.
  std::vector<void *> arguments;
  for (int64_t &field : fields)
    arguments.push_back(&field);
  arguments.push_back(results.data());
  function(arguments.data());
}

PackedCall::Result PackedCall::result(size_t index, size_t elementSize) const {
  auto [at, rank] = resultLayout[index];
  Result result;
  result.allocation = reinterpret_cast<void *>(results[at]);
  result.elements =
      reinterpret_cast<const uint8_t *>(results[at + 1]) + results[at + 2] * elementSize;
  result.shape.assign(results.begin() + at + 3, results.begin() + at + 3 + rank);
  return result;
}

void *PackedCall::releaseResult(size_t index) {
  size_t at = resultLayout[index].first;
  void *allocation = reinterpret_cast<void *>(results[at]);
  if (!allocation || results[at + 1] != results[at] || results[at + 2] != 0 ||
      llvm::is_contained(released, allocation))
    return nullptr;
  for (size_t field : descriptors)
    if (reinterpret_cast<void *>(fields[field]) == allocation)
      return nullptr;
  for (auto [other, rank] : resultLayout)
    if (other != at && reinterpret_cast<void *>(results[other]) == allocation)
      return nullptr;
  released.push_back(allocation);
  return allocation;
}

void PackedCall::freeResults() const {
  std::vector<void *> allocations, arguments;
  for (auto [at, rank] : resultLayout)
    allocations.push_back(reinterpret_cast<void *>(results[at]));
  for (size_t at : descriptors)
    arguments.push_back(reinterpret_cast<void *>(fields[at]));
  llvm::sort(allocations);
  allocations.erase(std::unique(allocations.begin(), allocations.end()), allocations.end());
  for (void *allocation : allocations)
    if (!llvm::is_contained(arguments, allocation) && !llvm::is_contained(released, allocation))
      std::free(allocation);
}
