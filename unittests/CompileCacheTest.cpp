//===- CompileCacheTest.cpp - the compile cache's eviction and keys -------===//
#include "xgrad/Runtime/CompileCache.h"
#include "xgrad/Runtime/Model.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "gtest/gtest.h"

using namespace xgrad;

namespace {

/// y[i] = x[i] * factor: sources that differ only in a constant compile to different entries.
std::string scaleBy(int factor) {
  return R"(
xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?xf32>
  %y = xgrad.kernel "scale" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %c = arith.constant )" +
         std::to_string(factor) + R"(.0 : f32
    %p = arith.mulf %v, %c : f32
    xgrad.accumulate %p at [%i] : f32
  }
  xgrad.target "scale" %y : tensor<*xf32>
}
)";
}

class CompileCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> path;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("xgrad-cache-test", path));
    directory = path.str().str();
    options.cacheDirectory = directory;
    options.lazy = false; // One entry per compile: every target's code.
    // One thread: the entries of the eviction test then differ in size by a few bytes (with
    // threads, the work threshold decides some of their loops differently).
    options.threads = 1;
  }
  void TearDown() override { llvm::sys::fs::remove_directories(directory); }

  bool stored(const std::string &source) {
    llvm::Expected<std::string> key = compileCacheKey(source, options);
    EXPECT_TRUE(bool(key));
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, *key + ".xgradmod");
    return llvm::sys::fs::exists(path);
  }
  void compile(const std::string &source) {
    auto model = Model::compile(source, options);
    ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  }

  std::string directory;
  CompileOptions options;
};

TEST_F(CompileCacheTest, EvictsTheLeastRecentlyUsedEntryBeyondTheLimit) {
  compile(scaleBy(1));
  uint64_t entrySize = compileCacheStats(options).bytes;
  ASSERT_GT(entrySize, 0u);
  // Room for two entries (the three differ in size by a few bytes at most).
  options.cacheLimit = 2 * entrySize + entrySize / 2;
  compile(scaleBy(2));
  compile(scaleBy(1)); // A hit: 1 is now more recently used than 2.
  compile(scaleBy(3));
  EXPECT_TRUE(stored(scaleBy(1)));
  EXPECT_FALSE(stored(scaleBy(2)));
  EXPECT_TRUE(stored(scaleBy(3)));
  EXPECT_EQ(compileCacheStats(options).entries, 2u);
}

TEST_F(CompileCacheTest, KeepsTheNewestEntryEvenAboveTheLimit) {
  options.cacheLimit = 1;
  compile(scaleBy(1));
  compile(scaleBy(2));
  EXPECT_FALSE(stored(scaleBy(1)));
  EXPECT_TRUE(stored(scaleBy(2)));
}

TEST_F(CompileCacheTest, KeysDependOnEveryCodeDecidingOption) {
  std::string source = scaleBy(1);
  std::string base = cantFail(compileCacheKey(source, options));
  EXPECT_EQ(base, cantFail(compileCacheKey(source, options)));
  // Where the cache is and how big it may grow decide no code.
  CompileOptions moved = options;
  moved.cacheDirectory = "/elsewhere";
  moved.cacheLimit = 5;
  EXPECT_EQ(base, cantFail(compileCacheKey(source, moved)));
  std::vector<CompileOptions> changed(5, options);
  changed[0].elementType = ElementType::f64;
  // 0 (one per core) differs from the fixture's 1 even on one core: the key holds the
  // option and the count it means here.
  changed[1].threads = 0;
  changed[2].useLinalg = false;
  changed[3].optLevel = 1;
  changed[4].sourceName = "other.mlir";
  for (const CompileOptions &other : changed)
    EXPECT_NE(base, cantFail(compileCacheKey(source, other)));
  EXPECT_NE(base, cantFail(compileCacheKey(source + " ", options)));
  CompileOptions missingSchedule = options;
  missingSchedule.schedule = directory + "/no-such-schedule.mlir";
  llvm::Expected<std::string> key = compileCacheKey(source, missingSchedule);
  ASSERT_FALSE(bool(key));
  EXPECT_NE(llvm::toString(key.takeError()).find("no-such-schedule.mlir"), std::string::npos);
}

} // namespace
