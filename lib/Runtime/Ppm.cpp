//===- Ppm.cpp - PPM images -----------------------------------------------===//
#include "xgrad/Runtime/Ppm.h"
#include "xgrad/Runtime/Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include <algorithm>
#include <cmath>

using namespace xgrad;
using llvm::StringRef;

/// The next header number, skipping whitespace and # comments.
static bool nextNumber(StringRef &rest, int64_t &value) {
  while (!rest.empty() && (llvm::isSpace(rest.front()) || rest.front() == '#')) {
    if (rest.front() == '#')
      rest = rest.drop_until([](char c) { return c == '\n'; });
    else
      rest = rest.drop_front();
  }
  StringRef digits = rest.take_while(llvm::isDigit);
  rest = rest.drop_front(digits.size());
  return !digits.empty() && !digits.getAsInteger(10, value);
}

llvm::Expected<Tensor> xgrad::parsePpm(StringRef bytes, StringRef name, ElementType type) {
  auto invalid = [&](const char *why) {
    return llvm::createStringError("%s: not a valid PPM image: %s", name.str().c_str(), why);
  };
  if (!bytes.consume_front("P6"))
    return invalid("expected the binary PPM magic P6");
  int64_t width, height, maxval;
  if (!nextNumber(bytes, width) || !nextNumber(bytes, height) || !nextNumber(bytes, maxval))
    return invalid("malformed header");
  if (width <= 0 || height <= 0 || maxval <= 0 || maxval > 255)
    return invalid("unsupported size or maximum value (xgrad reads 8-bit images)");
  if (bytes.empty() || !llvm::isSpace(bytes.front()))
    return invalid("malformed header");
  bytes = bytes.drop_front();
  std::optional<int64_t> count = checkedElementCount({height, width, 3});
  if (!count || int64_t(bytes.size()) != *count)
    return invalid("the pixel data is truncated or too long");
  Tensor image(type, {height, width, 3});
  for (int64_t i = 0; i < image.numElements(); ++i)
    image.set(i, double(uint8_t(bytes[i])) / maxval);
  return image;
}

llvm::Expected<Tensor> xgrad::readPpm(StringRef path, ElementType type) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  return parsePpm((*buffer)->getBuffer(), path, type);
}

llvm::Error xgrad::writePpm(StringRef path, const Tensor &image) {
  if (image.shape().size() != 3 || image.shape()[2] != 3)
    return llvm::createStringError("writePpm: expected a [height, width, 3] tensor, got %s",
                                   image.typeString().c_str());
  std::string bytes = "P6\n" + std::to_string(image.shape()[1]) + " " +
                      std::to_string(image.shape()[0]) + "\n255\n";
  for (int64_t i = 0; i < image.numElements(); ++i)
    bytes.push_back(char(std::lround(std::clamp(image.at(i), 0.0, 1.0) * 255)));
  return writeFileAtomically(path, bytes);
}
