//===- CAPITest.cpp - the C API -------------------------------------------===//
#include "xgrad-c/XGrad.h"

#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

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
  XGradModel *model = xgradCompile(kGraph, std::strlen(kGraph), 0, &error);
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
  EXPECT_EQ(xgradCompile(broken, std::strlen(broken), 0, &error), nullptr);
  EXPECT_NE(take(error).find("custom op 'xgrad.bogus' is unknown"), std::string::npos);
}

} // namespace
