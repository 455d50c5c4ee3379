//===- SaveLoad.cpp - model state files -----------------------------------===//
//
// Layout (little-endian): "XGRADSTATE" magic, u32 version, i64 epoch, i64 step, u32 count,
// then per tensor (sorted by name): u32 name length, name, u8 element type (0 f32, 1 f64),
// u32 rank, i64 extents, raw data; finally the CRC-32 (zlib) of everything before it.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/Files.h"
#include "xgrad/Runtime/Model.h"
#include "xgrad/Runtime/Distributed.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cstring>
#include <mutex>
#include <zlib.h>

using namespace xgrad;
using llvm::StringRef;

static constexpr StringRef kMagic = "XGRADSTATE";
static constexpr uint32_t kVersion = 1;

namespace {
class Writer {
public:
  template <typename T> void put(T value) {
    bytes.append(reinterpret_cast<const char *>(&value), sizeof(T));
  }
  void put(StringRef text) { bytes.append(text.data(), text.size()); }
  std::string bytes;
};

class Reader {
public:
  explicit Reader(StringRef bytes) : rest(bytes) {}
  template <typename T> bool get(T &value) {
    if (rest.size() < sizeof(T))
      return false;
    std::memcpy(&value, rest.data(), sizeof(T));
    rest = rest.drop_front(sizeof(T));
    return true;
  }
  bool get(size_t size, StringRef &out) {
    if (rest.size() < size)
      return false;
    out = rest.take_front(size);
    rest = rest.drop_front(size);
    return true;
  }
  StringRef rest;
};
} // namespace

llvm::Error Model::save(StringRef path) const {
  if (isDistributed() && distributed::rank() != 0)
    return llvm::Error::success();
  std::shared_lock<std::shared_mutex> reading(stateMutex);
  Writer out;
  out.put(kMagic);
  out.put(kVersion);
  out.put(int64_t(epoch));
  out.put(int64_t(step));
  out.put(uint32_t(stateTensors.size()));
  for (auto &[name, tensor] : stateTensors) {
    out.put(uint32_t(name.size()));
    out.put(StringRef(name));
    out.put(uint8_t(tensor.elementType() == ElementType::f32 ? 0 : 1));
    out.put(uint32_t(tensor.shape().size()));
    for (int64_t size : tensor.shape())
      out.put(size);
    out.put(StringRef(static_cast<const char *>(tensor.data()), tensor.sizeInBytes()));
  }
  out.put(uint32_t(crc32(0, reinterpret_cast<const Bytef *>(out.bytes.data()), out.bytes.size())));

  return writeFileAtomically(path, out.bytes);
}

llvm::Error Model::load(StringRef path) {
  std::unique_lock<std::shared_mutex> writing(stateMutex);
  // Loaded on one rank or all, rank 0's state is what every rank trains from.
  stateShared = false;
  auto buffer = readFile(path);
  if (!buffer)
    return llvm::createStringError("cannot load: %s",
                                   llvm::toString(buffer.takeError()).c_str());
  StringRef bytes = (*buffer)->getBuffer();
  auto invalid = [&](const llvm::Twine &why) {
    return llvm::createStringError("cannot load %s: %s", path.str().c_str(),
                                   why.str().c_str());
  };
  if (!bytes.starts_with(kMagic))
    return invalid("not an xgrad state file");
  if (bytes.size() < kMagic.size() + 4 + 4)
    return invalid("the file is truncated");
  uint32_t stored;
  std::memcpy(&stored, bytes.end() - 4, 4);
  StringRef body = bytes.drop_back(4);
  Reader in(body.drop_front(kMagic.size()));
  uint32_t version = 0;
  in.get(version);
  if (version != kVersion)
    return invalid("format version " + llvm::Twine(version) + ", this xgrad reads version " +
                   llvm::Twine(kVersion));
  if (crc32(0, reinterpret_cast<const Bytef *>(body.data()), body.size()) != stored)
    return invalid("the checksum does not match: the file is corrupt or truncated");

  int64_t savedEpoch, savedStep;
  uint32_t count;
  if (!in.get(savedEpoch) || !in.get(savedStep) || !in.get(count))
    return invalid("the file is truncated");
  // Every count is bounded by the bytes left before anything is sized by it: the CRC is no
  // defence, since whoever wrote the file can recompute it.
  constexpr size_t kSmallestEntry = 4 + 1 + 4; // name length, type, rank
  if (count > in.rest.size() / kSmallestEntry)
    return invalid("it claims " + llvm::Twine(count) + " tensors in " +
                   llvm::Twine(in.rest.size()) + " bytes");
  std::map<std::string, Tensor> loaded;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t nameLength, rank;
    uint8_t type;
    StringRef name;
    if (!in.get(nameLength) || !in.get(nameLength, name) || !in.get(type) || !in.get(rank) ||
        type > 1)
      return invalid("the file is malformed");
    if (rank > in.rest.size() / sizeof(int64_t))
      return invalid("state '" + name + "' of rank " + llvm::Twine(rank) +
                     " needs more bytes than the file has");
    if (loaded.count(name.str()))
      return invalid("it holds state '" + name + "' twice");
    std::vector<int64_t> shape(rank);
    for (int64_t &size : shape)
      if (!in.get(size) || size < 0)
        return invalid("the file is malformed");
    // Checked against the model before anything is allocated from the file's sizes.
    ElementType elementType = type == 0 ? ElementType::f32 : ElementType::f64;
    auto current = stateTensors.find(name.str());
    if (current == stateTensors.end())
      return invalid("it holds state '" + name + "', which this model does not have: it was "
                     "saved from another model");
    if (current->second.elementType() != elementType ||
        current->second.shape() != llvm::ArrayRef<int64_t>(shape))
      return invalid("state '" + name + "' is " + typeString(elementType, shape) +
                     " in the file but " + current->second.typeString() + " in this model");
    StringRef data;
    if (!in.get(current->second.sizeInBytes(), data))
      return invalid("the file is truncated");
    Tensor tensor(elementType, shape);
    // An empty tensor's data() may be null, which memcpy must not get even for 0 bytes.
    if (!data.empty())
      std::memcpy(tensor.data(), data.data(), data.size());
    loaded[name.str()] = std::move(tensor);
  }
  if (!in.rest.empty())
    return invalid(llvm::Twine(in.rest.size()) + " bytes after the last tensor");
  for (auto &[name, tensor] : stateTensors)
    if (!loaded.count(name))
      return invalid("it lacks state '" + name + "' of this model: it was saved from "
                     "another model");
  stateTensors = std::move(loaded);
  epoch = savedEpoch;
  step = savedStep;
  return llvm::Error::success();
}
