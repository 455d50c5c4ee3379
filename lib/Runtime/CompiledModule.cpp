//===- CompiledModule.cpp - the artifact to and from bytes ----------------===//
//
// Layout (little-endian): "XGRADMOD" magic, u32 format version, u32 CRC-32 of the payload,
// then the payload: LLVM's version string, the CPU, u8 uses-OpenMP, the targets, the state
// declarations, the check messages, the object code. Strings are a u32 length and the bytes;
// lists a u32 count and their elements.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/CompiledModule.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BinaryStreamReader.h"
#include "llvm/Support/CRC.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <optional>

using namespace xgrad;
using llvm::StringRef;

static constexpr StringRef kMagic = "XGRADMOD";
static constexpr uint32_t kFormatVersion = 2;

std::string xgrad::hostCPU() {
  std::string cpu = llvm::sys::getHostCPUName().str();
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    if (feature.second)
      cpu += ",+" + feature.first().str();
  return cpu;
}

namespace {
class Writer {
public:
  explicit Writer(llvm::raw_ostream &os) : out(os, llvm::endianness::little) {}
  void integer(uint32_t value) { out.write(value); }
  void integer(int64_t value) { out.write(value); }
  void text(StringRef value) {
    integer(uint32_t(value.size()));
    out.OS << value;
  }
  void spec(const ValueSpec &spec) {
    text(spec.name);
    integer(uint32_t(spec.elementType));
    integer(uint32_t(spec.shape.size()));
    for (int64_t size : spec.shape)
      integer(size);
  }
  void specs(const std::vector<ValueSpec> &list) {
    integer(uint32_t(list.size()));
    for (const ValueSpec &s : list)
      spec(s);
  }

private:
  llvm::support::endian::Writer out;
};

/// Every read is bounded by the bytes left, so a count from a corrupt file can't make it
/// allocate more than the file could hold. The first failure sticks: later reads return
/// zeros and empty values (so loops over counts end), and `takeError` reports it.
class Reader {
public:
  explicit Reader(StringRef bytes) : in(bytes, llvm::endianness::little) {}
  template <typename T> T integer() {
    T value = 0;
    if (!failure)
      record(in.readInteger(value));
    return failure ? T(0) : value;
  }
  std::string text() {
    uint32_t size = integer<uint32_t>();
    StringRef bytes;
    if (!failure)
      record(in.readFixedString(bytes, size));
    return failure ? std::string() : bytes.str();
  }
  /// A count of elements that take at least `minimumSize` bytes each.
  uint32_t count(size_t minimumSize) {
    uint32_t value = integer<uint32_t>();
    if (uint64_t(value) * minimumSize > in.bytesRemaining())
      fail("a count of " + std::to_string(value) + " exceeds the bytes left");
    return failure ? 0 : value;
  }
  ValueSpec spec() {
    ValueSpec spec;
    spec.name = text();
    uint32_t type = integer<uint32_t>();
    if (type > uint32_t(ElementType::f64))
      fail("unknown element type " + std::to_string(type));
    spec.elementType = failure ? ElementType::f32 : ElementType(type);
    spec.shape.resize(count(sizeof(int64_t)));
    for (int64_t &size : spec.shape)
      if ((size = integer<int64_t>()) < -1)
        fail("negative extent " + std::to_string(size));
    return spec;
  }
  std::vector<ValueSpec> specs() {
    std::vector<ValueSpec> list(count(12));
    for (ValueSpec &s : list)
      s = spec();
    return list;
  }
  bool empty() const { return in.empty(); }
  void fail(const std::string &message) {
    if (!failure)
      failure = message;
  }
  llvm::Error takeError() {
    if (!failure)
      return llvm::Error::success();
    return llvm::createStringError("malformed compiled module: %s", failure->c_str());
  }

private:
  void record(llvm::Error error) {
    if (error)
      fail(llvm::toString(std::move(error)));
  }
  llvm::BinaryStreamReader in;
  std::optional<std::string> failure;
};
} // namespace

std::string CompiledModule::serialize() const {
  std::string payload;
  {
    llvm::raw_string_ostream os(payload);
    Writer out(os);
    out.text(LLVM_VERSION_STRING);
    out.text(cpu);
    out.integer(uint32_t(usesOpenMP));
    out.integer(uint32_t(targets.size()));
    for (const auto &[name, target] : targets) {
      out.text(target.symbol);
      out.specs(target.inputs);
      out.specs(target.stateIn);
      out.spec(target.output);
      out.specs(target.stateOut);
      out.integer(uint32_t(target.collective));
      out.integer(uint32_t(target.argumentOrder.size()));
      for (auto [isState, index] : target.argumentOrder) {
        out.integer(uint32_t(isState));
        out.integer(uint32_t(index));
      }
    }
    out.integer(uint32_t(state.size()));
    for (const StateDeclaration &decl : state) {
      out.spec(decl.value);
      out.text(decl.initializer);
      out.integer(uint32_t(decl.arguments.size()));
      for (double argument : decl.arguments)
        out.integer(llvm::bit_cast<int64_t>(argument));
      out.integer(decl.seed);
    }
    out.integer(uint32_t(checkMessages.size()));
    for (const std::string &message : checkMessages)
      out.text(message);
    out.text(objectCode);
  }
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  os << kMagic;
  Writer out(os);
  out.integer(kFormatVersion);
  out.integer(llvm::crc32(llvm::arrayRefFromStringRef(payload)));
  os << payload;
  return bytes;
}

llvm::Expected<CompiledModule> CompiledModule::deserialize(StringRef bytes) {
  if (!bytes.starts_with(kMagic))
    return llvm::createStringError("not a compiled xgrad module (no XGRADMOD header)");
  Reader header(bytes.drop_front(kMagic.size()));
  uint32_t version = header.integer<uint32_t>();
  if (llvm::Error error = header.takeError())
    return std::move(error);
  if (version != kFormatVersion)
    return llvm::createStringError(
        "compiled module of format version %u; this xgrad reads version %u", version,
        kFormatVersion);
  uint32_t checksum = header.integer<uint32_t>();
  if (llvm::Error error = header.takeError())
    return std::move(error);
  StringRef payload = bytes.drop_front(kMagic.size() + 8);
  if (llvm::crc32(llvm::arrayRefFromStringRef(payload)) != checksum)
    return llvm::createStringError("compiled module is corrupt (checksum mismatch)");

  Reader in(payload);
  std::string llvmVersion = in.text();
  if (llvm::Error error = in.takeError())
    return std::move(error);
  if (llvmVersion != LLVM_VERSION_STRING)
    return llvm::createStringError("compiled by LLVM %s, this xgrad uses LLVM %s",
                                   llvmVersion.c_str(), LLVM_VERSION_STRING);
  CompiledModule module;
  module.cpu = in.text();
  module.usesOpenMP = in.integer<uint32_t>() != 0;
  for (uint32_t i = 0, targets = in.count(4); i < targets; ++i) {
    TargetSignature target;
    target.symbol = in.text();
    target.inputs = in.specs();
    target.stateIn = in.specs();
    target.output = in.spec();
    target.stateOut = in.specs();
    target.collective = in.integer<uint32_t>() != 0;
    for (uint32_t a = 0, arguments = in.count(8); a < arguments; ++a) {
      uint32_t isState = in.integer<uint32_t>(), index = in.integer<uint32_t>();
      size_t bound = isState ? target.stateIn.size() : target.inputs.size();
      if (isState > 1 || index >= bound)
        in.fail("argument " + std::to_string(a) + " of '" + target.symbol + "' names no value");
      target.argumentOrder.push_back({isState != 0, index});
    }
    std::string symbol = target.symbol;
    module.targets[symbol] = std::move(target);
  }
  module.state.resize(in.count(12));
  for (StateDeclaration &decl : module.state) {
    decl.value = in.spec();
    decl.initializer = in.text();
    for (uint32_t a = 0, arguments = in.count(8); a < arguments; ++a)
      decl.arguments.push_back(llvm::bit_cast<double>(in.integer<int64_t>()));
    decl.seed = in.integer<int64_t>();
  }
  module.checkMessages.resize(in.count(4));
  for (std::string &message : module.checkMessages)
    message = in.text();
  module.objectCode = in.text();
  if (!in.empty())
    in.fail("trailing bytes after the object code");
  if (llvm::Error error = in.takeError())
    return std::move(error);
  return module;
}
