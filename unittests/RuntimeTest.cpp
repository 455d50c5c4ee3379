//===- RuntimeTest.cpp - tensors, .npy, IDX and initializers --------------===//
#include "xgrad/Runtime/Idx.h"
#include "xgrad/Runtime/Initializers.h"
#include "xgrad/Runtime/Npy.h"
#include "xgrad/Runtime/Ppm.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"

#include <cmath>
#include <cstdlib>

using namespace xgrad;

namespace {

std::string temporaryPath(const char *suffix) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("xgrad-test", suffix, path);
  return path.str().str();
}

Tensor iota(ElementType type, std::vector<int64_t> shape) {
  Tensor t(type, shape);
  for (int64_t i = 0; i < t.numElements(); ++i)
    t.set(i, 0.5 * i - 3);
  return t;
}

std::string errorOf(llvm::Error error) { return llvm::toString(std::move(error)); }

TEST(Tensor, DefaultIsAScalarWithItsBytes) {
  Tensor t;
  EXPECT_EQ(t.numElements(), 1);
  EXPECT_EQ(t.sizeInBytes(), 4u);
  EXPECT_EQ(t.at(0), 0.0);
  std::string text;
  llvm::raw_string_ostream os(text);
  t.print(os);
  EXPECT_EQ(text, "0\n");
}

TEST(Tensor, ReshapeChecksTheElementCount) {
  Tensor t = iota(ElementType::f32, {2, 3});
  EXPECT_FALSE(t.reshape({4, 2}));
  EXPECT_EQ(t.shape(), llvm::ArrayRef<int64_t>({2, 3}));
  EXPECT_TRUE(t.reshape({3, 2}));
  EXPECT_EQ(t.shape(), llvm::ArrayRef<int64_t>({3, 2}));
  // Products that equal 6 only by sign or by wrapping around 2^64.
  EXPECT_FALSE(t.reshape({-2, -3}));
  EXPECT_FALSE(t.reshape({2, 11, 838488366986797801}));
  EXPECT_EQ(t.shape(), llvm::ArrayRef<int64_t>({3, 2}));
}

TEST(Tensor, CopiesAreDeepAndMovesTakeTheBytes) {
  Tensor t = iota(ElementType::f32, {1000, 3});
  Tensor copy = t;
  EXPECT_EQ(copy, t);
  EXPECT_NE(copy.data(), t.data());
  copy.set(7, 100);
  EXPECT_EQ(t.at(7), 0.5 * 7 - 3);
  EXPECT_FALSE(copy == t);
  const void *bytes = t.data();
  Tensor moved = std::move(t);
  EXPECT_EQ(moved.data(), bytes);
  copy = moved;
  EXPECT_EQ(copy, moved);
  // A new tensor is zeros, however large (calloc'd).
  Tensor zeros(ElementType::f64, {1 << 18});
  for (int64_t i : {int64_t(0), int64_t(12345), int64_t((1 << 18) - 1)})
    EXPECT_EQ(zeros.at(i), 0.0);
}

TEST(Tensor, AdoptsAnAllocation) {
  void *allocation = std::aligned_alloc(64, 64 * 4);
  ASSERT_NE(allocation, nullptr);
  for (int i = 0; i < 64; ++i)
    static_cast<float *>(allocation)[i] = i;
  Tensor t(ElementType::f32, {8, 8}, TensorBytes::adopt(allocation, 64 * 4));
  EXPECT_EQ(t.data(), allocation);
  EXPECT_EQ(t.sizeInBytes(), 256u);
  EXPECT_EQ(t.at(63), 63.0);
} // Freed by the tensor: the sanitized build reports a leak or a double free otherwise.

TEST(Tensor, GatherRowsCopiesRowsInOrder) {
  Tensor t = iota(ElementType::f64, {3, 2});
  Tensor rows = t.gatherRows({2, 0});
  ASSERT_EQ(rows.shape(), llvm::ArrayRef<int64_t>({2, 2}));
  EXPECT_EQ(rows.at(0), t.at(4));
  EXPECT_EQ(rows.at(1), t.at(5));
  EXPECT_EQ(rows.at(2), t.at(0));
}

TEST(Npy, RoundTripsF32AndF64OfAnyRank) {
  for (ElementType type : {ElementType::f32, ElementType::f64})
    for (std::vector<int64_t> shape : std::vector<std::vector<int64_t>>{{}, {5}, {2, 3}, {2, 1, 3}}) {
      Tensor t = iota(type, shape);
      std::string path = temporaryPath("npy");
      ASSERT_FALSE(bool(writeNpy(path, t)));
      llvm::Expected<Tensor> back = readNpy(path);
      ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
      EXPECT_EQ(*back, t);
      llvm::sys::fs::remove(path);
    }
}

TEST(Npy, RejectsCorruptFiles) {
  Tensor t = iota(ElementType::f32, {2, 3});
  std::string path = temporaryPath("npy");
  ASSERT_FALSE(bool(writeNpy(path, t)));
  std::string bytes = (*llvm::MemoryBuffer::getFile(path))->getBuffer().str();
  EXPECT_NE(errorOf(parseNpy("garbage", "g").takeError()).find("missing the \\x93NUMPY magic"),
            std::string::npos);
  EXPECT_NE(errorOf(parseNpy(llvm::StringRef(bytes).drop_back(1), "t").takeError())
                .find("expected 24 bytes of data"),
            std::string::npos);
  EXPECT_NE(errorOf(parseNpy(llvm::StringRef(bytes).take_front(20), "t").takeError())
                .find("truncated header"),
            std::string::npos);
  std::string ints = bytes;
  ints.replace(ints.find("<f4"), 3, "<i4");
  EXPECT_NE(errorOf(parseNpy(ints, "t").takeError()).find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(errorOf(readNpy("/nonexistent/x.npy").takeError()).find("cannot read"),
            std::string::npos);
  // Headers claiming enormous shapes are rejected before anything is allocated.
  std::string huge = bytes;
  huge.replace(huge.find("(2, 3)"), 6, "(9999999999999, 3)");
  EXPECT_NE(errorOf(parseNpy(huge, "t").takeError()).find("too large"), std::string::npos);
  std::string large = bytes;
  large.replace(large.find("(2, 3)"), 6, "(99999999, 3)");
  EXPECT_NE(errorOf(parseNpy(large, "t").takeError()).find("expected 1199999988 bytes"),
            std::string::npos);
  llvm::sys::fs::remove(path);
}

TEST(Idx, RoundTripsPlainAndGzip) {
  Tensor images(ElementType::f32, {3, 2, 2});
  for (int64_t i = 0; i < images.numElements(); ++i)
    images.set(i, (i * 37) % 256);
  for (const char *suffix : {"idx", "idx.gz"}) {
    std::string path = temporaryPath(suffix);
    ASSERT_FALSE(bool(writeIdx(path, images)));
    llvm::Expected<Tensor> back = readIdx(path);
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(*back, images);
    llvm::Expected<Tensor> scaled = readIdx(path, ElementType::f64, 1.0 / 255);
    ASSERT_TRUE(bool(scaled));
    EXPECT_DOUBLE_EQ(scaled->at(5), images.at(5) / 255);
    llvm::sys::fs::remove(path);
  }
}

TEST(Idx, RejectsCorruptFiles) {
  EXPECT_NE(errorOf(parseIdx(llvm::StringRef("\x01\x02\x08\x01", 4), "f", ElementType::f32, 1)
                        .takeError())
                .find("bad magic"),
            std::string::npos);
  std::string header("\0\0\x08\x01\0\0\0\x05", 8);
  EXPECT_NE(errorOf(parseIdx(header + "ab", "f", ElementType::f32, 1).takeError())
                .find("expected 5 bytes of data, found 2"),
            std::string::npos);
  std::string floats("\0\0\x0d\x01", 4);
  EXPECT_NE(errorOf(parseIdx(floats, "f", ElementType::f32, 1).takeError())
                .find("unsupported IDX element type"),
            std::string::npos);
  std::string gzip("\x1f\x8b\x08\0\0\0\0\0\0\x03garbage", 17);
  EXPECT_NE(errorOf(parseIdx(gzip, "f", ElementType::f32, 1).takeError())
                .find("corrupt or truncated gzip"),
            std::string::npos);
}

TEST(Ppm, RoundTripsAndRejectsCorruptFiles) {
  Tensor image(ElementType::f32, {2, 3, 3});
  for (int64_t i = 0; i < image.numElements(); ++i)
    image.set(i, double(i * 13 % 256) / 255);
  std::string path = temporaryPath("ppm");
  ASSERT_FALSE(bool(writePpm(path, image)));
  llvm::Expected<Tensor> back = readPpm(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  for (int64_t i = 0; i < image.numElements(); ++i)
    EXPECT_NEAR(back->at(i), image.at(i), 1e-6);
  llvm::sys::fs::remove(path);
  EXPECT_NE(errorOf(parsePpm("P3 1 1 255\n", "p", ElementType::f32).takeError()).find("P6"),
            std::string::npos);
  EXPECT_NE(errorOf(parsePpm("P6 2 2 255\nabc", "p", ElementType::f32).takeError())
                .find("truncated"),
            std::string::npos);
  EXPECT_NE(errorOf(parsePpm("P6 4000000000 4000000000 255\nabc", "p", ElementType::f32)
                        .takeError())
                .find("truncated"),
            std::string::npos);
  EXPECT_NE(errorOf(parsePpm("P6 2 # comment\n 2 65535\n", "p", ElementType::f32).takeError())
                .find("8-bit"),
            std::string::npos);
  EXPECT_NE(errorOf(writePpm(path, Tensor(ElementType::f32, {2, 2}))).find("[height, width, 3]"),
            std::string::npos);
}

TEST(Initializers, AreReproducibleAndInRange) {
  Tensor a(ElementType::f32, {1000}), b(ElementType::f32, {1000}), c(ElementType::f32, {1000});
  ASSERT_FALSE(bool(initialize(a, "uniform", {-0.5, 0.25}, 7)));
  ASSERT_FALSE(bool(initialize(b, "uniform", {-0.5, 0.25}, 7)));
  ASSERT_FALSE(bool(initialize(c, "uniform", {-0.5, 0.25}, 8)));
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  double sum = 0;
  for (int64_t i = 0; i < a.numElements(); ++i) {
    EXPECT_GE(a.at(i), -0.5);
    EXPECT_LT(a.at(i), 0.25);
    sum += a.at(i);
  }
  EXPECT_NEAR(sum / 1000, -0.125, 0.03);

  Tensor n(ElementType::f64, {20000});
  ASSERT_FALSE(bool(initialize(n, "normal", {1.0, 2.0}, 3)));
  double mean = 0, square = 0;
  for (int64_t i = 0; i < n.numElements(); ++i)
    mean += n.at(i), square += n.at(i) * n.at(i);
  mean /= 20000;
  EXPECT_NEAR(mean, 1.0, 0.05);
  EXPECT_NEAR(std::sqrt(square / 20000 - mean * mean), 2.0, 0.05);

  Tensor k(ElementType::f32, {3});
  ASSERT_FALSE(bool(initialize(k, "constant", {2.5}, 0)));
  EXPECT_EQ(k.at(2), 2.5);
  EXPECT_NE(errorOf(initialize(k, "glorot", {}, 0)).find("unknown initializer 'glorot'"),
            std::string::npos);
}

} // namespace
