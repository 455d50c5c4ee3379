//===- CompiledModuleTest.cpp - the compiler's artifact to bytes and back -===//
#include "xgrad/Runtime/Model.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CRC.h"
#include "llvm/Support/EndianStream.h"
#include "gtest/gtest.h"

#include <cstring>

using namespace xgrad;

namespace {

const char *kGraph = R"mlir(
xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?xf32>
  %w = xgrad.param "w" uniform [-1.0, 1.0] seed 3 : tensor<4xf32>
  %y = xgrad.kernel "scaled" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %c = arith.constant 2.0 : f32
    %p = arith.mulf %v, %c : f32
    xgrad.accumulate %p at [%i] : f32
  }
  xgrad.target "scaled" %y : tensor<*xf32>
}
)mlir";

/// Bytes with a valid header and checksum around `payload`, as a careful forger would write.
/// `payload` under the header of `like` (a module this xgrad serialized: its magic and
/// format version) with the payload's checksum.
std::string seal(llvm::StringRef like, llvm::StringRef payload) {
  std::string bytes = like.take_front(12).str();
  llvm::raw_string_ostream os(bytes);
  llvm::support::endian::Writer out(os, llvm::endianness::little);
  out.write(uint32_t(llvm::crc32(llvm::arrayRefFromStringRef(payload))));
  os << payload;
  return bytes;
}

TEST(CompiledModule, RoundTripsAndRuns) {
  llvm::Expected<CompiledModule> compiled = compileModule(kGraph);
  ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
  EXPECT_FALSE(compiled->objectCode.empty());
  ASSERT_EQ(compiled->targets.size(), 1u);
  ASSERT_EQ(compiled->state.size(), 1u);
  EXPECT_EQ(compiled->state[0].initializer, "uniform");
  EXPECT_EQ(compiled->state[0].seed, 3);

  std::string bytes = compiled->serialize();
  llvm::Expected<CompiledModule> back = CompiledModule::deserialize(bytes);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->serialize(), bytes);
  EXPECT_EQ(back->objectCode, compiled->objectCode);
  EXPECT_EQ(back->targets.begin()->second.inputs[0].name, "x");
  EXPECT_EQ(back->targets.begin()->second.inputs[0].shape, std::vector<int64_t>{-1});
  EXPECT_EQ(back->state[0].arguments, (std::vector<double>{-1.0, 1.0}));

  llvm::Expected<std::unique_ptr<Model>> original = Model::create(std::move(*compiled));
  llvm::Expected<std::unique_ptr<Model>> loaded = Model::create(std::move(*back));
  ASSERT_TRUE(original && loaded);
  Tensor x(ElementType::f32, {3});
  for (int i = 0; i < 3; ++i)
    x.set(i, i + 0.5);
  llvm::Expected<Tensor> a = (*original)->call("scaled", {{"x", x}});
  llvm::Expected<Tensor> b = (*loaded)->call("scaled", {{"x", x}});
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(*a == *b);
  EXPECT_EQ(a->at(2), 5.0);
  // The state starts from the declarations' seeds on both sides.
  EXPECT_EQ((*original)->state().size(), 1u);
  EXPECT_TRUE((*original)->state() == (*loaded)->state());
}

TEST(CompiledModule, DamagedBytesAreErrorsNeverCrashes) {
  llvm::Expected<CompiledModule> compiled = compileModule(kGraph);
  ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
  std::string bytes = compiled->serialize();
  llvm::StringRef payload = llvm::StringRef(bytes).drop_front(16);

  auto errorOf = [](llvm::StringRef data) {
    llvm::Expected<CompiledModule> module = CompiledModule::deserialize(data);
    if (module)
      return std::string("loaded");
    return llvm::toString(module.takeError());
  };
  EXPECT_NE(errorOf("").find("not a compiled xgrad module"), std::string::npos);
  EXPECT_NE(errorOf(llvm::StringRef(bytes).take_front(12)).find("malformed"), std::string::npos);
  std::string wrongVersion = bytes;
  wrongVersion[8] = 9;
  EXPECT_NE(errorOf(wrongVersion).find("format version 9"), std::string::npos);
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 1;
  EXPECT_NE(errorOf(flipped).find("checksum"), std::string::npos);

  // Every truncation of the payload, resealed with a valid checksum, is rejected by the
  // bounded reader itself.
  for (size_t size = 0; size < payload.size(); size += 1 + size / 64)
    EXPECT_NE(errorOf(seal(bytes, payload.take_front(size))).find("malformed"), std::string::npos)
        << size;
  EXPECT_NE(errorOf(seal(bytes, payload.str() + "x")).find("trailing bytes"), std::string::npos);

  // A count that promises more than the bytes left is refused before anything is allocated:
  // the targets' count follows LLVM's version, the CPU and the OpenMP flag.
  std::string huge = payload.str();
  size_t at = 0;
  for (int field = 0; field < 2; ++field) {
    uint32_t length;
    std::memcpy(&length, huge.data() + at, 4);
    at += 4 + length;
  }
  at += 4;
  uint32_t count = 0xFFFFFFFF;
  std::memcpy(huge.data() + at, &count, 4);
  EXPECT_NE(errorOf(seal(bytes, huge)).find("exceeds the bytes left"), std::string::npos);
}

TEST(CompiledModule, CodeForAnotherCPUIsNotRun) {
  llvm::Expected<CompiledModule> compiled = compileModule(kGraph);
  ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
  compiled->cpu = "i486";
  llvm::Expected<std::unique_ptr<Model>> model = Model::create(std::move(*compiled));
  ASSERT_FALSE(bool(model));
  EXPECT_NE(llvm::toString(model.takeError()).find("compiled for another CPU (i486)"),
            std::string::npos);
}

} // namespace
