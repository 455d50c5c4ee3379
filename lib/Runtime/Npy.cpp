//===- Npy.cpp - NumPy .npy files -----------------------------------------===//
#include "xgrad/Runtime/Npy.h"
#include "xgrad/Runtime/Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cstring>
#include <map>

using namespace xgrad;
using llvm::StringRef;

static llvm::Error malformed(StringRef name, const llvm::Twine &why) {
  return llvm::createStringError("%s: not a valid .npy file: %s", name.str().c_str(),
                                 why.str().c_str());
}

namespace {
/// A value of the header dict: numpy reads the header with Python's `ast.literal_eval`, so
/// `(4)` is the integer 4 and `Falsey` is a name, not a bool.
struct HeaderValue {
  enum Kind { String, Bool, Integer, Tuple } kind;
  std::string text;
  bool flag = false;
  std::vector<int64_t> items; // the integer, or the tuple's items
};

/// Parses the subset of Python literal syntax numpy writes and reads back: a dict of quoted
/// string keys whose values are strings, True/False, non-negative integers and tuples of
/// them. Anything else numpy rejects too (or, like comments and string concatenation, no
/// writer produces), so it is an error here rather than a guess.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : rest(text) {}

  /// The dict, the last value winning for a repeated key as in a Python dict literal.
  std::optional<std::map<std::string, HeaderValue>> parseDict() {
    std::map<std::string, HeaderValue> dict;
    if (!consume('{'))
      return fail("the header is not a dict");
    while (!consume('}')) {
      std::optional<std::string> key = parseString();
      if (!key)
        return fail("expected a quoted key");
      if (!consume(':'))
        return fail("expected ':' after '" + *key + "'");
      std::optional<HeaderValue> value = parseValue();
      if (!value)
        return std::nullopt;
      dict[*key] = std::move(*value);
      if (consume(','))
        continue;
      if (!consume('}'))
        return fail("expected ',' or '}' after the value of '" + *key + "'");
      break;
    }
    skipSpace();
    if (!rest.empty())
      return fail("unexpected text after the header dict: '" + rest.take_front(20).str() + "'");
    return dict;
  }

  std::string error;

private:
  std::nullopt_t fail(std::string message) {
    if (error.empty())
      error = std::move(message);
    return std::nullopt;
  }
  // Python's whitespace between tokens; a NUL is an error in Python source.
  void skipSpace() { rest = rest.ltrim(" \t\n\r\f\v"); }
  bool consume(char c) {
    skipSpace();
    return rest.consume_front(StringRef(&c, 1));
  }
  bool startsWithDigit() { return !rest.empty() && llvm::isDigit(rest.front()); }

  std::optional<std::string> parseString() {
    skipSpace();
    if (rest.empty() || (rest.front() != '\'' && rest.front() != '"'))
      return std::nullopt;
    char quote = rest.front();
    size_t end = rest.find_first_of(StringRef("\\\n\r\0'\"", 6), 1);
    if (end == StringRef::npos || rest[end] != quote)
      return fail("unsupported or unterminated string " + rest.take_front(20).str());
    std::string text = rest.slice(1, end).str();
    rest = rest.drop_front(end + 1);
    return text;
  }

  std::optional<int64_t> parseInteger() {
    skipSpace();
    StringRef digits = rest.take_while(llvm::isDigit);
    if (digits.empty())
      return fail("expected an integer at '" + rest.take_front(20).str() + "'");
    if (digits.size() > 1 && digits.front() == '0')
      return fail("the integer " + digits.str() + " has a leading zero");
    rest = rest.drop_front(digits.size());
    if (!rest.empty() && (llvm::isAlnum(rest.front()) || rest.front() == '_' || rest.front() == '.'))
      return fail("expected an integer at '" + digits.str() + rest.take_front(10).str() + "'");
    int64_t value;
    if (digits.getAsInteger(10, value))
      return fail("the integer " + digits.str() + " is too large");
    return value;
  }

  std::optional<HeaderValue> parseValue() {
    skipSpace();
    HeaderValue value;
    if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
      std::optional<std::string> text = parseString();
      if (!text)
        return std::nullopt;
      value.kind = HeaderValue::String;
      value.text = *text;
      return value;
    }
    if (startsWithDigit()) {
      std::optional<int64_t> integer = parseInteger();
      if (!integer)
        return std::nullopt;
      value.kind = HeaderValue::Integer;
      value.items = {*integer};
      return value;
    }
    if (consume('(')) {
      // `()` and `(a,)` and `(a, b)` are tuples; `(a)` is just `a`.
      value.kind = HeaderValue::Tuple;
      if (consume(')'))
        return value;
      while (true) {
        std::optional<int64_t> item = parseInteger();
        if (!item)
          return std::nullopt;
        value.items.push_back(*item);
        if (consume(')')) {
          if (value.items.size() == 1)
            value.kind = HeaderValue::Integer;
          return value;
        }
        if (!consume(','))
          return fail("expected ',' or ')' in a tuple");
        if (consume(')'))
          return value;
      }
    }
    StringRef word = rest.take_while([](char c) { return llvm::isAlnum(c) || c == '_'; });
    if (word == "True" || word == "False") {
      rest = rest.drop_front(word.size());
      value.kind = HeaderValue::Bool;
      value.flag = word == "True";
      return value;
    }
    if (!word.empty())
      return fail("'" + word.str() + "' is not a Python literal");
    return fail("expected a value at '" + rest.take_front(20).str() + "'");
  }

  StringRef rest;
};
} // namespace

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

  HeaderParser parser(header);
  std::optional<std::map<std::string, HeaderValue>> dict = parser.parseDict();
  if (!dict)
    return malformed(name, parser.error);
  // numpy requires exactly these keys.
  for (auto &[key, value] : *dict)
    if (key != "descr" && key != "fortran_order" && key != "shape")
      return malformed(name, "unexpected key '" + key + "' in the header");
  for (const char *key : {"descr", "fortran_order", "shape"})
    if (!dict->count(key))
      return malformed(name, "the header lacks '" + llvm::Twine(key) + "'");
  const HeaderValue &descr = (*dict)["descr"];
  const HeaderValue &order = (*dict)["fortran_order"];
  const HeaderValue &shapeValue = (*dict)["shape"];
  if (descr.kind != HeaderValue::String)
    return llvm::createStringError("%s: unsupported dtype (xgrad reads float32 and float64)",
                                   name.str().c_str());
  ElementType type;
  if (descr.text == "<f4" || descr.text == "=f4")
    type = ElementType::f32;
  else if (descr.text == "<f8" || descr.text == "=f8")
    type = ElementType::f64;
  else
    return llvm::createStringError("%s: unsupported dtype '%s' (xgrad reads float32 and "
                                   "float64)",
                                   name.str().c_str(), descr.text.c_str());
  if (order.kind != HeaderValue::Bool)
    return malformed(name, "fortran_order is not a bool");
  if (order.flag)
    return llvm::createStringError("%s: Fortran-ordered arrays are not supported; save a "
                                   "C-ordered array (numpy.ascontiguousarray)",
                                   name.str().c_str());
  if (shapeValue.kind != HeaderValue::Tuple)
    return malformed(name, "the shape is not a tuple");
  std::vector<int64_t> shape = shapeValue.items;
  std::optional<int64_t> count = checkedElementCount(shape);
  if (!count)
    return malformed(name, "the shape " + typeString(type, shape) + " is too large");
  uint64_t expected = uint64_t(*count) * elementSize(type);
  if (bytes.size() != expected)
    return malformed(name, "expected " + llvm::Twine(expected) + " bytes of data for shape " +
                               typeString(type, shape) + ", found " + llvm::Twine(bytes.size()));
  Tensor tensor(type, shape);
  // An empty tensor's data() may be null, which memcpy must not get even for 0 bytes.
  if (!bytes.empty())
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
  if (tensor.sizeInBytes())
    bytes.append(static_cast<const char *>(tensor.data()), tensor.sizeInBytes());
  return writeFileAtomically(path, bytes);
}
