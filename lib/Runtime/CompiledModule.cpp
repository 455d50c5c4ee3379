//===- CompiledModule.cpp - the artifact to and from bytes ----------------===//
//
// Layout (little-endian): "XGRADMOD" magic, u32 format version, u32 CRC-32 of the payload,
// then the payload: LLVM's version string, the CPU, u8 uses-OpenMP, the targets, the state
// declarations, the check messages, the object code. Strings are a u32 length and the bytes;
// lists a u32 count and their elements.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/CompiledModule.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BinaryStreamReader.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CRC.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

using namespace xgrad;
using llvm::StringRef;

static constexpr StringRef kMagic = "XGRADMOD";
static constexpr uint32_t kFormatVersion = 1;

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
/// allocate more than the file could hold.
class Reader {
public:
  explicit Reader(StringRef bytes) : in(bytes, llvm::endianness::little) {}
  llvm::Error integer(uint32_t &value) { return in.readInteger(value); }
  llvm::Error integer(int64_t &value) { return in.readInteger(value); }
  llvm::Error text(std::string &value) {
    uint32_t size;
    StringRef bytes;
    if (llvm::Error error = in.readInteger(size))
      return error;
    if (llvm::Error error = in.readFixedString(bytes, size))
      return error;
    value = bytes.str();
    return llvm::Error::success();
  }
  /// A count of elements that take at least `minimumSize` bytes each.
  llvm::Error count(uint32_t &value, size_t minimumSize) {
    if (llvm::Error error = in.readInteger(value))
      return error;
    if (uint64_t(value) * minimumSize > in.bytesRemaining())
      return llvm::createStringError("a count of %u exceeds the bytes left", value);
    return llvm::Error::success();
  }
  llvm::Error spec(ValueSpec &spec) {
    uint32_t type, rank;
    if (llvm::Error error = text(spec.name))
      return error;
    if (llvm::Error error = integer(type))
      return error;
    if (type > uint32_t(ElementType::f64))
      return llvm::createStringError("unknown element type %u", type);
    spec.elementType = ElementType(type);
    if (llvm::Error error = count(rank, sizeof(int64_t)))
      return error;
    spec.shape.resize(rank);
    for (int64_t &size : spec.shape) {
      if (llvm::Error error = integer(size))
        return error;
      if (size < -1)
        return llvm::createStringError("negative extent %lld", (long long)size);
    }
    return llvm::Error::success();
  }
  llvm::Error specs(std::vector<ValueSpec> &list) {
    uint32_t size;
    if (llvm::Error error = count(size, 12))
      return error;
    list.resize(size);
    for (ValueSpec &s : list)
      if (llvm::Error error = spec(s))
        return error;
    return llvm::Error::success();
  }
  bool empty() const { return in.empty(); }

private:
  llvm::BinaryStreamReader in;
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
  auto malformed = [](llvm::Error error) {
    return llvm::createStringError("malformed compiled module: %s",
                                   llvm::toString(std::move(error)).c_str());
  };
  if (!bytes.starts_with(kMagic))
    return llvm::createStringError("not a compiled xgrad module (no XGRADMOD header)");
  Reader header(bytes.drop_front(kMagic.size()));
  uint32_t version, checksum;
  if (llvm::Error error = header.integer(version))
    return malformed(std::move(error));
  if (version != kFormatVersion)
    return llvm::createStringError(
        "compiled module of format version %u; this xgrad reads version %u", version,
        kFormatVersion);
  if (llvm::Error error = header.integer(checksum))
    return malformed(std::move(error));
  StringRef payload = bytes.drop_front(kMagic.size() + 8);
  if (llvm::crc32(llvm::arrayRefFromStringRef(payload)) != checksum)
    return llvm::createStringError("compiled module is corrupt (checksum mismatch)");

  Reader in(payload);
  CompiledModule module;
  auto read = [&]() -> llvm::Error {
    std::string llvmVersion;
    uint32_t openmp, count;
    if (llvm::Error error = in.text(llvmVersion))
      return error;
    if (llvmVersion != LLVM_VERSION_STRING)
      return llvm::createStringError("compiled by LLVM %s, this xgrad uses LLVM %s",
                                     llvmVersion.c_str(), LLVM_VERSION_STRING);
    if (llvm::Error error = in.text(module.cpu))
      return error;
    if (llvm::Error error = in.integer(openmp))
      return error;
    module.usesOpenMP = openmp != 0;
    if (llvm::Error error = in.count(count, 4))
      return error;
    for (uint32_t i = 0; i < count; ++i) {
      TargetSignature target;
      uint32_t arguments;
      if (llvm::Error error = in.text(target.symbol))
        return error;
      if (llvm::Error error = in.specs(target.inputs))
        return error;
      if (llvm::Error error = in.specs(target.stateIn))
        return error;
      if (llvm::Error error = in.spec(target.output))
        return error;
      if (llvm::Error error = in.specs(target.stateOut))
        return error;
      if (llvm::Error error = in.count(arguments, 8))
        return error;
      for (uint32_t a = 0; a < arguments; ++a) {
        uint32_t isState, index;
        if (llvm::Error error = in.integer(isState))
          return error;
        if (llvm::Error error = in.integer(index))
          return error;
        size_t bound = isState ? target.stateIn.size() : target.inputs.size();
        if (isState > 1 || index >= bound)
          return llvm::createStringError("argument %u of '%s' names no value", a,
                                         target.symbol.c_str());
        target.argumentOrder.push_back({isState != 0, index});
      }
      std::string symbol = target.symbol;
      module.targets[symbol] = std::move(target);
    }
    if (llvm::Error error = in.count(count, 12))
      return error;
    module.state.resize(count);
    for (StateDeclaration &decl : module.state) {
      uint32_t arguments;
      int64_t bits;
      if (llvm::Error error = in.spec(decl.value))
        return error;
      if (llvm::Error error = in.text(decl.initializer))
        return error;
      if (llvm::Error error = in.count(arguments, 8))
        return error;
      for (uint32_t a = 0; a < arguments; ++a) {
        if (llvm::Error error = in.integer(bits))
          return error;
        decl.arguments.push_back(llvm::bit_cast<double>(bits));
      }
      if (llvm::Error error = in.integer(decl.seed))
        return error;
    }
    if (llvm::Error error = in.count(count, 4))
      return error;
    module.checkMessages.resize(count);
    for (std::string &message : module.checkMessages)
      if (llvm::Error error = in.text(message))
        return error;
    if (llvm::Error error = in.text(module.objectCode))
      return error;
    if (!in.empty())
      return llvm::createStringError("trailing bytes after the object code");
    return llvm::Error::success();
  };
  if (llvm::Error error = read())
    return malformed(std::move(error));
  return module;
}
