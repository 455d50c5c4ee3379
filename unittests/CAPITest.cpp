//===- CAPITest.cpp - the C API -------------------------------------------===//
#include "xgrad-c/XGrad.h"

#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

#include <cstddef>
#include <cstring>
#include <string>

namespace {

constexpr const char *kGraph = R"(
xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?x2xf64>
  %w = xgrad.param "w" uniform [-1.0, 1.0] seed 4 : tensor<2xf64>
  %y = xgrad.kernel "scale" -> tensor<*xf64> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %x[%i, %j] : tensor<?x2xf64>
    %s = xgrad.read %w[%j] : tensor<2xf64>
    %p = arith.mulf %v, %s : f64
    xgrad.accumulate %p at [%i, %j] : f64
  }
  xgrad.target "scale" %y : tensor<*xf64>
})";

std::string take(char *error) {
  std::string message = error ? error : "";
  xgradFreeString(error);
  return message;
}

TEST(CAPI, CompilesCallsAndReportsErrors) {
  char *error = nullptr;
  XGradModel *model = xgradCompile(kGraph, std::strlen(kGraph), nullptr, &error);
  ASSERT_NE(model, nullptr) << take(error);
  EXPECT_EQ(xgradOutputRank(model, "scale"), 2);
  EXPECT_EQ(xgradOutputRank(model, "nope"), -1);

  double in[6] = {1, 2, 3, 4, 5, 6}, out[6] = {0};
  int64_t inShape[2] = {3, 2}, outShape[2] = {0, 0};
  const char *names[1] = {"x"};
  XGradBuffer input = {XGRAD_F64, 2, inShape, in, 6};
  XGradBuffer output = {XGRAD_F32, 0, outShape, out, 6};
  ASSERT_EQ(xgradCall(model, "scale", names, &input, 1, &output, &error), 0) << take(error);
  EXPECT_EQ(output.type, XGRAD_F64);
  EXPECT_EQ(output.rank, 2);
  EXPECT_EQ(outShape[0], 3);
  EXPECT_DOUBLE_EQ(out[2] / in[2], out[0] / in[0]);

  output.capacity = 5;
  EXPECT_NE(xgradCall(model, "scale", names, &input, 1, &output, &error), 0);
  EXPECT_NE(take(error).find("needs room for 6 elements"), std::string::npos);
  EXPECT_NE(xgradCall(model, "scale", nullptr, nullptr, 0, &output, &error), 0);
  EXPECT_NE(take(error).find("needs input 'x'"), std::string::npos);
  XGradBuffer wrong = {XGRAD_F32, 2, inShape, in, 6};
  EXPECT_NE(xgradCall(model, "scale", names, &wrong, 1, &output, &error), 0);
  EXPECT_NE(take(error).find("expected a tensor of ?x2xf64, got 3x2xf32"), std::string::npos);
  EXPECT_NE(xgradCall(model, nullptr, names, &input, 1, &output, &error), 0);
  EXPECT_NE(take(error).find("NULL"), std::string::npos);

  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("xgrad-capi", "state", path);
  xgradSetEpoch(model, 7);
  ASSERT_EQ(xgradSave(model, path.c_str(), &error), 0) << take(error);
  xgradSetEpoch(model, 0);
  ASSERT_EQ(xgradLoad(model, path.c_str(), &error), 0) << take(error);
  EXPECT_EQ(xgradGetEpoch(model), 7);
  EXPECT_NE(xgradLoad(model, "/nonexistent", &error), 0);
  EXPECT_NE(take(error).find("cannot load"), std::string::npos);
  llvm::sys::fs::remove(path);
  xgradDestroy(model);

  const char *broken = "xgrad.graph @g { xgrad.bogus }";
  XGradCompileOptions options;
  xgradCompileOptionsInit(&options);
  options.sourceName = "broken.mlir";
  EXPECT_EQ(xgradCompile(broken, std::strlen(broken), &options, &error), nullptr);
  std::string message = take(error);
  EXPECT_NE(message.find("broken.mlir:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("custom op 'xgrad.bogus' is unknown"), std::string::npos);
}

TEST(CAPI, CompileOptionsAreCheckedAndVersioned) {
  char *error = nullptr;
  XGradCompileOptions options;
  xgradCompileOptionsInit(&options);
  EXPECT_EQ(options.size, sizeof(XGradCompileOptions));
  EXPECT_EQ(options.threads, 0); // One per core.
  EXPECT_EQ(options.useLinalg, 1);
  EXPECT_EQ(options.optLevel, 2);
  // One process unless asked; a mean loss, as every loss of the layers library.
  EXPECT_EQ(options.distributed, 0);
  EXPECT_EQ(options.lossIsSum, 0);
  EXPECT_EQ(options.flushDenormals, 1);

  options.threads = -1;
  EXPECT_EQ(xgradCompile(kGraph, std::strlen(kGraph), &options, &error), nullptr);
  EXPECT_NE(take(error).find("threads must be 0 (one per core) or more, got -1"),
            std::string::npos);
  options.threads = 1;
  options.optLevel = 7;
  EXPECT_EQ(xgradCompile(kGraph, std::strlen(kGraph), &options, &error), nullptr);
  EXPECT_NE(take(error).find("optLevel must be 0 to 3, got 7"), std::string::npos);
  options.size = 0; // Never initialised.
  EXPECT_EQ(xgradCompile(kGraph, std::strlen(kGraph), &options, &error), nullptr);
  EXPECT_NE(take(error).find("xgradCompileOptionsInit"), std::string::npos);

  // A caller built against an older, shorter struct: the missing fields keep their defaults
  // (optLevel 7 beyond its size is not read), and the options it has are used.
  options.size = offsetof(XGradCompileOptions, optLevel);
  options.threads = 2;
  options.useLinalg = 0;
  XGradModel *model = xgradCompile(kGraph, std::strlen(kGraph), &options, &error);
  ASSERT_NE(model, nullptr) << take(error);
  xgradDestroy(model);
}

TEST(CAPI, SubnormalsAreFlushedUnlessKept) {
  const char *graph = R"(
xgrad.graph @tiny {
  %x = xgrad.input "x" : tensor<?xf32>
  %y = xgrad.kernel "tiny" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %s = arith.constant 1.0e-30 : f32
    %p = arith.mulf %v, %s : f32
    xgrad.accumulate %p at [%i] : f32
  }
  xgrad.target "tiny" %y : tensor<*xf32>
})";
  for (int32_t flush : {1, 0}) {
    char *error = nullptr;
    XGradCompileOptions options;
    xgradCompileOptionsInit(&options);
    options.flushDenormals = flush;
    XGradModel *model = xgradCompile(graph, std::strlen(graph), &options, &error);
    ASSERT_NE(model, nullptr) << take(error);
    float in[1] = {1e-10f}, out[1] = {-1};
    int64_t inShape[1] = {1}, outShape[1] = {0};
    const char *names[1] = {"x"};
    XGradBuffer input = {XGRAD_F32, 1, inShape, in, 1};
    XGradBuffer output = {XGRAD_F32, 0, outShape, out, 1};
    ASSERT_EQ(xgradCall(model, "tiny", names, &input, 1, &output, &error), 0) << take(error);
    // 1e-40 is below f32's smallest normal number (1.2e-38).
    if (flush)
      EXPECT_EQ(out[0], 0.0f);
    else
      EXPECT_GT(out[0], 0.0f);
    xgradDestroy(model);
  }
}

TEST(CAPI, CompileCacheCanBeDirectedAndTurnedOff) {
  llvm::SmallString<128> directory;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("xgrad-capi-cache", directory));
  std::string used = (directory + "/used").str(), unused = (directory + "/unused").str();
  char *error = nullptr;
  XGradCompileOptions options;
  xgradCompileOptionsInit(&options);
  EXPECT_EQ(options.cache, 1);
  options.cacheDirectory = used.c_str();
  XGradModel *model = xgradCompile(kGraph, std::strlen(kGraph), &options, &error);
  ASSERT_NE(model, nullptr) << take(error);
  xgradDestroy(model);
  EXPECT_TRUE(llvm::sys::fs::is_directory(used));
  options.cache = 0;
  options.cacheDirectory = unused.c_str();
  model = xgradCompile(kGraph, std::strlen(kGraph), &options, &error);
  ASSERT_NE(model, nullptr) << take(error);
  xgradDestroy(model);
  EXPECT_FALSE(llvm::sys::fs::exists(unused));
  llvm::sys::fs::remove_directories(directory);
}

} // namespace

TEST(CAPI, ReportsItsVersion) {
  // The library's version at run time is the header's, and the header's parts compose it.
  EXPECT_STREQ(xgradVersion(), XGRAD_VERSION);
  std::string parts = std::to_string(XGRAD_VERSION_MAJOR) + "." +
                      std::to_string(XGRAD_VERSION_MINOR) + "." +
                      std::to_string(XGRAD_VERSION_PATCH);
  EXPECT_EQ(parts, XGRAD_VERSION);
}
