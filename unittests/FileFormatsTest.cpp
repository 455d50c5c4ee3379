//===- FileFormatsTest.cpp - malformed .npy, IDX and state files, durable saves ---===//
//
// Files crafted as an attacker would: every reader rejects what its format's reference
// implementation rejects, with a message, and allocates nothing a file's few bytes don't pay
// for.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Runtime/Files.h"
#include "xgrad/Runtime/Idx.h"
#include "xgrad/Runtime/Model.h"
#include "xgrad/Runtime/Npy.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

using namespace xgrad;

namespace {

std::string errorOf(llvm::Error error) { return llvm::toString(std::move(error)); }
template <typename T> std::string errorOf(llvm::Expected<T> value) {
  return value ? std::string("no error") : llvm::toString(value.takeError());
}

/// The peak resident set of this process in bytes: a reader that allocates what a header
/// claims raises it, whatever the allocator does with the pages afterwards.
int64_t peakMemory() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return int64_t(usage.ru_maxrss) * 1024;
}

constexpr int64_t kMiB = 1 << 20;

//===-- .npy headers ---------------------------------------------------------===//

/// A version 1.0 .npy file with this header and `data`.
std::string npy(llvm::StringRef header, llvm::StringRef data) {
  std::string bytes = "\x93NUMPY";
  bytes += {char(1), char(0), char(header.size() & 0xff), char(header.size() >> 8)};
  return bytes + header.str() + data.str();
}

TEST(NpyHeader, RejectsWhatNumpyRejects) {
  std::string data(8, '\0');
  // Each rejected by numpy 1.24's np.load (checked), for the reason in the message.
  std::pair<const char *, const char *> cases[] = {
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk", "after the header"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", "unexpected key 'x'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,,1)}", "expected an integer"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", "the shape is not a tuple"},
      {"{'descr': '<f4', 'fortran_order': Falsey, 'shape': (2,)}", "'Falsey'"},
      {"{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}", "fortran_order is not a bool"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", "expected a value"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (02,)}", "leading zero"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", "expected an integer"},
      {"{'descr': '<f4', 'fortran_order': False}", "lacks 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "expected ',' or '}'"},
      {"['descr', '<f4']", "not a dict"},
  };
  for (auto [header, why] : cases) {
    std::string message = errorOf(parseNpy(npy(header, data), "t.npy"));
    EXPECT_NE(message.find("t.npy: not a valid .npy file"), std::string::npos) << header;
    EXPECT_NE(message.find(why), std::string::npos) << header << ": " << message;
  }
  // A NUL byte (Python: "source code string cannot contain null bytes").
  std::string withNul("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\0", 56);
  EXPECT_NE(errorOf(parseNpy(npy(withNul, data), "t")).find("after the header"),
            std::string::npos);
}

TEST(NpyHeader, ReadsWhatNumpyReads) {
  std::string data(8, '\0');
  std::pair<const char *, std::vector<int64_t>> cases[] = {
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", {2}},
      {"{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,)}", {2}},
      {"{'descr':\n'<f4',\t'fortran_order':False,'shape':( 2 , )}\n", {2}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2,)}", {1, 2}},
      {"{'shape': (2, 1), 'fortran_order': False, 'descr': '=f4'}", {2, 1}},
  };
  for (auto [header, shape] : cases) {
    llvm::Expected<Tensor> tensor = parseNpy(npy(header, data), "t");
    ASSERT_TRUE(bool(tensor)) << header << ": " << llvm::toString(tensor.takeError());
    EXPECT_EQ(tensor->shape(), llvm::ArrayRef<int64_t>(shape)) << header;
  }
}

TEST(NpyHeader, TheLastOfDuplicateKeysWinsAsInNumpy) {
  // numpy (a Python dict literal) reads this as 2x1 float32.
  llvm::Expected<Tensor> tensor = parseNpy(
      npy("{'descr': '<f8', 'descr': '<f4', 'fortran_order': True, 'fortran_order': False, "
          "'shape': (1, 2), 'shape': (2, 1)}",
          std::string(8, '\0')),
      "t");
  ASSERT_TRUE(bool(tensor)) << llvm::toString(tensor.takeError());
  EXPECT_EQ(tensor->elementType(), ElementType::f32);
  EXPECT_EQ(tensor->shape(), llvm::ArrayRef<int64_t>({2, 1}));
}

TEST(NpyHeader, EmptyArraysRoundTrip) {
  // Copies zero bytes from or to a tensor without elements (UBSan: memcpy from null).
  for (std::vector<int64_t> shape : std::vector<std::vector<int64_t>>{{0}, {3, 0}}) {
    Tensor empty(ElementType::f64, shape);
    llvm::SmallString<128> path;
    llvm::sys::fs::createTemporaryFile("xgrad-test", "npy", path);
    ASSERT_FALSE(bool(writeNpy(path, empty)));
    llvm::Expected<Tensor> back = readNpy(path);
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(*back, empty);
    llvm::sys::fs::remove(path);
  }
}

//===-- IDX ------------------------------------------------------------------===//

std::string idxHeader(std::vector<uint32_t> shape) {
  std::string bytes = {0, 0, 8, char(shape.size())};
  for (uint32_t size : shape)
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(char((size >> shift) & 0xff));
  return bytes;
}

/// Gzip of `prefix` followed by `zeros` zero bytes, deflated in pieces so that the
/// uncompressed data need not fit in memory.
std::string gzipped(llvm::StringRef prefix, int64_t zeros) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out, chunk(1 << 16, '\0'), zeroChunk(kMiB, '\0');
  auto feed = [&](llvm::StringRef in, int flush) {
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    stream.avail_in = in.size();
    do {
      stream.next_out = reinterpret_cast<Bytef *>(chunk.data());
      stream.avail_out = chunk.size();
      deflate(&stream, flush);
      out.append(chunk.data(), chunk.size() - stream.avail_out);
    } while (stream.avail_out == 0 || stream.avail_in != 0);
  };
  feed(prefix, Z_NO_FLUSH);
  for (; zeros > 0; zeros -= kMiB)
    feed(llvm::StringRef(zeroChunk).take_front(std::min(zeros, kMiB)), Z_NO_FLUSH);
  feed("", Z_FINISH);
  deflateEnd(&stream);
  return out;
}

TEST(IdxFile, ElementCountsDoNotWrapAround) {
  // 65536^4 is 2^64: a wrapping count makes it 0, which "matches" no data.
  std::string file = idxHeader({65536, 65536, 65536, 65536});
  EXPECT_NE(errorOf(parseIdx(file, "f", ElementType::f32, 1)).find("too large"),
            std::string::npos);
  EXPECT_NE(errorOf(parseIdx(gzipped(file, 0), "f", ElementType::f32, 1)).find("too large"),
            std::string::npos);
}

TEST(IdxFile, InflatesOnlyWhatTheHeaderPromises) {
  // The header promises 4 bytes; the stream holds 128 MiB more.
  std::string bomb = gzipped(idxHeader({4}) + "abcd", 128 * kMiB);
  ASSERT_LT(bomb.size(), 1 * kMiB);
  int64_t before = peakMemory();
  std::string message = errorOf(parseIdx(bomb, "bomb.gz", ElementType::f32, 1));
  EXPECT_NE(message.find("bomb.gz: expected 4 bytes of data, found more"), std::string::npos)
      << message;
  EXPECT_LT(peakMemory() - before, 32 * kMiB);

  // A header promising more than the stream holds, and one promising more than a stream of
  // this size can hold at all (deflate expands at most 1032:1).
  EXPECT_NE(errorOf(parseIdx(gzipped(idxHeader({6}) + "abcd", 0), "f", ElementType::f32, 1))
                .find("expected 6 bytes of data, found 4"),
            std::string::npos);
  EXPECT_NE(errorOf(parseIdx(gzipped(idxHeader({1000, 1000, 1000}), 0), "f", ElementType::f32,
                             1))
                .find("more than"),
            std::string::npos);
  // Bytes after the gzip stream.
  EXPECT_NE(errorOf(parseIdx(gzipped(idxHeader({2}) + "ab", 0) + "junk", "f", ElementType::f32,
                             1))
                .find("after the gzip stream"),
            std::string::npos);

  llvm::Expected<Tensor> fine = parseIdx(gzipped(idxHeader({2, 3}), 6), "f", ElementType::f32, 1);
  ASSERT_TRUE(bool(fine)) << llvm::toString(fine.takeError());
  EXPECT_EQ(fine->shape(), llvm::ArrayRef<int64_t>({2, 3}));
}

//===-- durable saves --------------------------------------------------------===//

TEST(AtomicWrite, RemovesStaleTemporariesOfEarlierSaves) {
  llvm::SmallString<128> directory;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("xgrad-save", directory));
  std::string path = (directory + "/model.state").str();
  // Left by a save killed with SIGKILL: its process (no pid is this large) is gone.
  std::string stale = path + ".tmp.2147483647.0";
  // Being written right now by a live save, which holds its lock.
  std::string live = path + ".tmp." + std::to_string(getpid()) + ".999";
  // Another file's temporary.
  std::string other = (directory + "/model.state2.tmp.2147483647.0").str();
  for (const std::string &name : {stale, live, other}) {
    std::error_code error;
    llvm::raw_fd_ostream(name, error) << "partial";
    ASSERT_FALSE(error);
  }
  int fd = ::open(live.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);

  ASSERT_FALSE(bool(writeFileAtomically(path, "bytes")));
  EXPECT_FALSE(llvm::sys::fs::exists(stale));
  EXPECT_TRUE(llvm::sys::fs::exists(live));
  EXPECT_TRUE(llvm::sys::fs::exists(other));
  EXPECT_EQ((*llvm::MemoryBuffer::getFile(path))->getBuffer(), "bytes");
  ::close(fd);

  // Nothing of the save itself stays behind.
  std::error_code error;
  int files = 0;
  for (llvm::sys::fs::directory_iterator it(directory, error), end; it != end && !error;
       it.increment(error))
    ++files;
  EXPECT_EQ(files, 3); // model.state, the live temporary and the other file's
  for (const std::string &name : {path, live, other})
    llvm::sys::fs::remove(name);
  llvm::sys::fs::remove(directory);
}

//===-- state files ----------------------------------------------------------===//

constexpr const char *kTwoParams = R"(
xgrad.graph @two {
  %w = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
  %b = xgrad.param "b" zeros [] seed 0 : tensor<1xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %w[%i] : tensor<2xf32>
    %c = arith.constant 0 : index
    %u = xgrad.read %b[%c] : tensor<1xf32>
    %s = arith.addf %v, %u : f32
    xgrad.accumulate %s at [%i] : f32
  }
  xgrad.target "k" %k : tensor<*xf32>
})";

/// A state file as SaveLoad.cpp lays it out, with a valid CRC over whatever it holds.
class StateFile {
public:
  StateFile() {
    bytes = "XGRADSTATE";
    put(uint32_t(1));
    put(int64_t(2)); // epoch
    put(int64_t(7)); // step
  }
  template <typename T> StateFile &put(T value) {
    bytes.append(reinterpret_cast<const char *>(&value), sizeof(T));
    return *this;
  }
  StateFile &raw(llvm::StringRef text) {
    bytes += text.str();
    return *this;
  }
  StateFile &tensor(llvm::StringRef name, std::vector<int64_t> shape, float value) {
    put(uint32_t(name.size())).raw(name).put(uint8_t(0)).put(uint32_t(shape.size()));
    int64_t count = 1;
    for (int64_t size : shape)
      put(size), count *= size;
    for (int64_t i = 0; i < count; ++i)
      put(value);
    return *this;
  }
  std::string finish() const {
    std::string out = bytes;
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef *>(out.data()), out.size());
    out.append(reinterpret_cast<const char *>(&crc), 4);
    return out;
  }
  std::string bytes;
};

class StateFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto compiled = Model::compile(kTwoParams);
    ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
    model = std::move(*compiled);
    llvm::sys::fs::createTemporaryFile("xgrad-state", "bin", path);
  }
  void TearDown() override { llvm::sys::fs::remove(path); }
  std::string load(const std::string &content) {
    std::error_code error;
    {
      llvm::raw_fd_ostream out(path, error);
      out << content;
    }
    EXPECT_FALSE(error);
    return errorOf(model->load(path));
  }
  std::unique_ptr<Model> model;
  llvm::SmallString<128> path;
};

TEST_F(StateFileTest, ReadsAWellFormedFile) {
  StateFile file;
  file.put(uint32_t(2)).tensor("b", {1}, 0.5f).tensor("w", {2}, 1.5f);
  EXPECT_EQ(load(file.finish()), ""); // no error
  EXPECT_EQ(model->state()["w"].at(1), 1.5);
  EXPECT_EQ(model->epoch, 2);
}

TEST_F(StateFileTest, RejectsADuplicateTensor) {
  StateFile file;
  file.put(uint32_t(3)).tensor("b", {1}, 0.5f).tensor("w", {2}, 1.5f).tensor("w", {2}, 9.0f);
  EXPECT_NE(load(file.finish()).find("holds state 'w' twice"), std::string::npos);
  EXPECT_EQ(model->state()["w"].at(0), 0.0);
}

TEST_F(StateFileTest, RejectsTrailingBytes) {
  StateFile file;
  file.put(uint32_t(2)).tensor("b", {1}, 0.5f).tensor("w", {2}, 1.5f).raw("junk");
  EXPECT_NE(load(file.finish()).find("4 bytes after the last tensor"), std::string::npos);
  EXPECT_EQ(model->state()["w"].at(0), 0.0);
}

TEST_F(StateFileTest, BoundsCountsByTheBytesLeftBeforeAllocating) {
  // A rank of 2^27 would take 1 GiB of extents, from a file of a few dozen bytes.
  for (uint32_t rank : {uint32_t(1) << 27, uint32_t(0xffffffff)}) {
    StateFile file;
    file.put(uint32_t(1)).put(uint32_t(1)).raw("w").put(uint8_t(0)).put(rank).put(int64_t(2));
    int64_t before = peakMemory();
    std::string message = load(file.finish());
    EXPECT_NE(message.find("rank " + std::to_string(rank) + " needs more bytes than the file has"),
              std::string::npos)
        << message;
    EXPECT_LT(peakMemory() - before, 32 * kMiB);
  }
  StateFile many;
  many.put(uint32_t(0xffffffff)).tensor("b", {1}, 0.5f);
  EXPECT_NE(load(many.finish()).find("4294967295 tensors"), std::string::npos);
}

} // namespace
