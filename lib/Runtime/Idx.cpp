//===- Idx.cpp - IDX files ------------------------------------------------===//
#include "xgrad/Runtime/Idx.h"
#include "xgrad/Runtime/Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include <algorithm>
#include <cmath>
#include <zlib.h>

using namespace xgrad;
using llvm::StringRef;

/// Inflates gzip data with zlib; the size is not known in advance, so it grows.
static llvm::Expected<std::string> gunzip(StringRef bytes, StringRef name) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
    return llvm::createStringError("%s: cannot start zlib", name.str().c_str());
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
  stream.avail_in = bytes.size();
  std::string out;
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    size_t used = out.size();
    out.resize(used + std::max<size_t>(1 << 20, bytes.size() * 2));
    stream.next_out = reinterpret_cast<Bytef *>(out.data() + used);
    stream.avail_out = out.size() - used;
    status = inflate(&stream, Z_NO_FLUSH);
    out.resize(out.size() - stream.avail_out);
    if (status == Z_STREAM_END)
      break;
    if (status != Z_OK || (stream.avail_in == 0 && stream.avail_out != 0)) {
      inflateEnd(&stream);
      return llvm::createStringError("%s: corrupt or truncated gzip data", name.str().c_str());
    }
  }
  inflateEnd(&stream);
  return out;
}

/// Deflates `bytes` into the gzip format with zlib.
static llvm::Expected<std::string> gzip(StringRef bytes) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return llvm::createStringError("cannot start zlib");
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
  stream.avail_in = bytes.size();
  stream.next_out = reinterpret_cast<Bytef *>(out.data());
  stream.avail_out = out.size();
  int status = deflate(&stream, Z_FINISH);
  out.resize(out.size() - stream.avail_out);
  deflateEnd(&stream);
  if (status != Z_STREAM_END)
    return llvm::createStringError("zlib could not compress the data");
  return out;
}

llvm::Expected<Tensor> xgrad::parseIdx(StringRef bytes, StringRef name, ElementType type,
                                       double scale) {
  std::string inflated;
  if (bytes.starts_with("\x1f\x8b")) {
    llvm::Expected<std::string> data = gunzip(bytes, name);
    if (!data)
      return data.takeError();
    inflated = std::move(*data);
    bytes = inflated;
  }
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0)
    return llvm::createStringError("%s: not an IDX file (bad magic number)", name.str().c_str());
  if (uint8_t(bytes[2]) != 0x08)
    return llvm::createStringError("%s: unsupported IDX element type 0x%02x (xgrad reads "
                                   "unsigned bytes, 0x08)",
                                   name.str().c_str(), unsigned(uint8_t(bytes[2])));
  size_t rank = uint8_t(bytes[3]);
  if (bytes.size() < 4 + 4 * rank)
    return llvm::createStringError("%s: truncated IDX header", name.str().c_str());
  std::vector<int64_t> shape;
  uint64_t count = 1;
  for (size_t dim = 0; dim < rank; ++dim) {
    const auto *p = reinterpret_cast<const uint8_t *>(bytes.data() + 4 + 4 * dim);
    int64_t size = (int64_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    shape.push_back(size);
    count *= size;
  }
  StringRef data = bytes.drop_front(4 + 4 * rank);
  if (data.size() != count)
    return llvm::createStringError("%s: expected %llu bytes of data, found %zu",
                                   name.str().c_str(), (unsigned long long)count, data.size());
  Tensor tensor(type, shape);
  for (uint64_t i = 0; i < count; ++i)
    tensor.set(i, uint8_t(data[i]) * scale);
  return tensor;
}

llvm::Expected<Tensor> xgrad::readIdx(StringRef path, ElementType type, double scale) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  return parseIdx((*buffer)->getBuffer(), path, type, scale);
}

llvm::Error xgrad::writeIdx(StringRef path, const Tensor &tensor) {
  std::string bytes = {0, 0, 8, char(tensor.shape().size())};
  for (int64_t size : tensor.shape())
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(char((size >> shift) & 0xff));
  for (int64_t i = 0; i < tensor.numElements(); ++i)
    bytes.push_back(char(std::clamp(std::lround(tensor.at(i)), 0L, 255L)));
  if (!path.ends_with(".gz"))
    return writeFileAtomically(path, bytes);
  llvm::Expected<std::string> compressed = gzip(bytes);
  if (!compressed)
    return compressed.takeError();
  return writeFileAtomically(path, *compressed);
}
