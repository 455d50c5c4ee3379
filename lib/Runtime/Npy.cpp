//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
#include "xgrad/Runtime/Npy.h"
#include "xgrad/Runtime/Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace xgrad;
using llvm::StringRef;

static llvm::Error malformed(StringRef name, const llvm::Twine &why) {
  return llvm::createStringError("%s: not a valid .npy file: %s", name.str().c_str(),
                                 why.str().c_str());
}

/// The value of `'key': value` in the header's Python dict literal.
static std::optional<StringRef> headerField(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

llvm::Expected<Tensor> xgrad::parseNpy(StringRef bytes, StringRef name) {
  if (!bytes.consume_front("\x93NUMPY"))
    return malformed(name, "missing the \\x93NUMPY magic");
  if (bytes.size() < 2)
    return malformed(name, "truncated version");
  uint8_t major = bytes[0];
  bytes = bytes.drop_front(2);
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3)
    return malformed(name, "unsupported format version " + llvm::Twine(int(major)));
  if (bytes.size() < lengthBytes)
    return malformed(name, "truncated header length");
  uint32_t headerLength = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLength |= uint32_t(uint8_t(bytes[i])) << (8 * i);
  bytes = bytes.drop_front(lengthBytes);
  if (bytes.size() < headerLength)
    return malformed(name, "truncated header");
  StringRef header = bytes.take_front(headerLength);
  bytes = bytes.drop_front(headerLength);

  std::optional<StringRef> descr = headerField(header, "descr");
  std::optional<StringRef> order = headerField(header, "fortran_order");
  std::optional<StringRef> shapeText = headerField(header, "shape");
  if (!descr || !order || !shapeText)
    return malformed(name, "the header lacks descr, fortran_order or shape");
  ElementType type;
  if (descr->starts_with("'<f4'") || descr->starts_with("'=f4'"))
    type = ElementType::f32;
  else if (descr->starts_with("'<f8'") || descr->starts_with("'=f8'"))
    type = ElementType::f64;
  else
    return llvm::createStringError("%s: unsupported dtype %s (xgrad reads float32 and float64)",
                                   name.str().c_str(),
                                   descr->take_until([](char c) { return c == ','; })
                                       .str()
                                       .c_str());
  if (!order->starts_with("False"))
    return llvm::createStringError("%s: Fortran-ordered arrays are not supported; save a "
                                   "C-ordered array (numpy.ascontiguousarray)",
                                   name.str().c_str());
  if (!shapeText->consume_front("("))
    return malformed(name, "the shape is not a tuple");
  StringRef dimsText = shapeText->take_until([](char c) { return c == ')'; });
  if (dimsText.size() == shapeText->size())
    return malformed(name, "the shape tuple is not closed");
  std::vector<int64_t> shape;
  llvm::SmallVector<StringRef> parts;
  dimsText.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t size;
    if (part.getAsInteger(10, size) || size < 0)
      return malformed(name, "invalid dimension '" + part + "'");
    shape.push_back(size);
  }
  std::optional<int64_t> count = checkedElementCount(shape);
  if (!count)
    return malformed(name, "the shape " + typeString(type, shape) + " is too large");
  uint64_t expected = uint64_t(*count) * elementSize(type);
  if (bytes.size() != expected)
    return malformed(name, "expected " + llvm::Twine(expected) + " bytes of data for shape " +
                               typeString(type, shape) + ", found " + llvm::Twine(bytes.size()));
  Tensor tensor(type, shape);
  std::memcpy(tensor.data(), bytes.data(), bytes.size());
  return tensor;
}

llvm::Expected<Tensor> xgrad::readNpy(StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  return parseNpy((*buffer)->getBuffer(), path);
}

llvm::Error xgrad::writeNpy(StringRef path, const Tensor &tensor) {
  std::string header = "{'descr': '<" + std::string(tensor.elementType() == ElementType::f32
                                                          ? "f4"
                                                          : "f8") +
                       "', 'fortran_order': False, 'shape': (";
  for (auto [i, size] : llvm::enumerate(tensor.shape()))
    header += (i ? ", " : "") + std::to_string(size);
  if (tensor.shape().size() == 1)
    header += ",";
  header += "), }";
  // The data starts at a multiple of 64 bytes and the header ends in a newline.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += "\n";

  std::string bytes = "\x93NUMPY";
  bytes += {char(1), char(0), char(header.size() & 0xff), char(header.size() >> 8)};
  bytes += header;
  bytes.append(static_cast<const char *>(tensor.data()), tensor.sizeInBytes());
  return writeFileAtomically(path, bytes);
}
