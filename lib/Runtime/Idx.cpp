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

namespace {
/// The bytes of an IDX file in order, plain or inflated from gzip as they are asked for: the
/// header is checked before any data is inflated, and a small stream that inflates to
/// gigabytes costs no more than its header promises.
class IdxBytes {
public:
  IdxBytes(StringRef bytes, StringRef name)
      : input(bytes), name(name), compressed(bytes.starts_with("\x1f\x8b")) {}
  ~IdxBytes() {
    if (started)
      inflateEnd(&stream);
  }

  bool isCompressed() const { return compressed; }
  /// The bytes not read yet, for plain files.
  StringRef remaining() const { return input; }

  /// Appends up to `size` more bytes to `out`; fewer only at the end of the data.
  llvm::Error read(uint64_t size, std::string &out) {
    if (!compressed) {
      StringRef taken = input.take_front(size);
      out.append(taken.data(), taken.size());
      input = input.drop_front(taken.size());
      return llvm::Error::success();
    }
    if (llvm::Error error = start())
      return error;
    for (uint64_t done = 0; done < size && !ended;) {
      // Grows geometrically with what the stream has really produced, never by what is
      // still promised.
      size_t used = out.size();
      size_t chunk = std::min<uint64_t>(size - done, std::max<size_t>(1 << 20, used));
      out.resize(used + chunk);
      stream.next_out = reinterpret_cast<Bytef *>(out.data() + used);
      stream.avail_out = chunk;
      int status = inflate(&stream, Z_NO_FLUSH);
      size_t produced = chunk - stream.avail_out;
      out.resize(used + produced);
      done += produced;
      if (status == Z_STREAM_END) {
        ended = true;
        break;
      }
      if (status != Z_OK || (stream.avail_in == 0 && produced < chunk))
        return corrupt();
    }
    return llvm::Error::success();
  }

  /// Whether the data ends here: false if a byte follows.
  llvm::Expected<bool> atEnd() {
    if (!compressed)
      return input.empty();
    std::string next;
    if (llvm::Error error = read(1, next))
      return std::move(error);
    if (!next.empty())
      return false;
    if (stream.avail_in != 0)
      return llvm::createStringError("%s: %u bytes after the gzip stream", name.str().c_str(),
                                     stream.avail_in);
    return true;
  }

  /// The most bytes the compressed input could still inflate to: deflate's best ratio is
  /// 1032:1 (a 258-byte match in at most 2 bits), so a header promising more is a lie that is
  /// caught before anything is inflated (the slack covers what zlib holds undecoded).
  uint64_t inflatedBound() const {
    uint64_t left = started ? stream.avail_in : input.size();
    return 1032 * left + (1 << 16);
  }

private:
  llvm::Error start() {
    if (started)
      return llvm::Error::success();
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
      return llvm::createStringError("%s: cannot start zlib", name.str().c_str());
    started = true;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(input.data()));
    stream.avail_in = input.size();
    return llvm::Error::success();
  }
  llvm::Error corrupt() {
    return llvm::createStringError("%s: corrupt or truncated gzip data", name.str().c_str());
  }

  StringRef input;
  StringRef name;
  bool compressed;
  bool started = false;
  bool ended = false;
  z_stream stream{};
};
} // namespace

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
  std::string fileName = name.str();
  const char *file = fileName.c_str();
  IdxBytes in(bytes, name);
  std::string header;
  if (llvm::Error error = in.read(4, header))
    return std::move(error);
  if (header.size() < 4 || header[0] != 0 || header[1] != 0)
    return llvm::createStringError("%s: not an IDX file (bad magic number)", file);
  if (uint8_t(header[2]) != 0x08)
    return llvm::createStringError("%s: unsupported IDX element type 0x%02x (xgrad reads "
                                   "unsigned bytes, 0x08)",
                                   file, unsigned(uint8_t(header[2])));
  size_t rank = uint8_t(header[3]);
  if (llvm::Error error = in.read(4 * rank, header))
    return std::move(error);
  if (header.size() < 4 + 4 * rank)
    return llvm::createStringError("%s: truncated IDX header", file);
  std::vector<int64_t> shape;
  for (size_t dim = 0; dim < rank; ++dim) {
    const auto *p = reinterpret_cast<const uint8_t *>(header.data() + 4 + 4 * dim);
    shape.push_back((int64_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3]);
  }
  std::optional<int64_t> count = checkedElementCount(shape);
  if (!count)
    return llvm::createStringError("%s: the shape %s is too large", file,
                                   typeString(type, shape).c_str());
  uint64_t expected = *count;
  if (!in.isCompressed() && in.remaining().size() != expected)
    return llvm::createStringError("%s: expected %llu bytes of data, found %zu", file,
                                   (unsigned long long)expected, in.remaining().size());
  if (in.isCompressed() && expected > in.inflatedBound())
    return llvm::createStringError("%s: the header promises %llu bytes of data, more than the "
                                   "%zu bytes of gzip data can hold",
                                   file, (unsigned long long)expected, bytes.size());
  std::string data;
  if (llvm::Error error = in.read(expected, data))
    return std::move(error);
  if (data.size() != expected)
    return llvm::createStringError("%s: expected %llu bytes of data, found %zu", file,
                                   (unsigned long long)expected, data.size());
  llvm::Expected<bool> ended = in.atEnd();
  if (!ended)
    return ended.takeError();
  if (!*ended)
    return llvm::createStringError("%s: expected %llu bytes of data, found more", file,
                                   (unsigned long long)expected);
  Tensor tensor(type, shape);
  for (uint64_t i = 0; i < expected; ++i)
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
