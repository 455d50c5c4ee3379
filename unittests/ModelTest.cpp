//===- ModelTest.cpp - compile, call, fit, save and load ------------------===//
#include "xgrad/Runtime/Model.h"
#include "xgrad/Runtime/CompileCache.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "gtest/gtest.h"

#include <optional>
#include <thread>

using namespace xgrad;

namespace {

/// y = x @ w + b, trained on the squared error to t by gradient descent.
constexpr const char *kLinear = R"(
xgrad.graph @linear {
  %x = xgrad.input "x" : tensor<?x2xf32>
  %t = xgrad.input "t" : tensor<?x1xf32>
  %w = xgrad.param "w" uniform [-0.5, 0.5] seed 3 : tensor<2x1xf32>
  %b = xgrad.param "b" zeros [] seed 0 : tensor<1xf32>
  %mm = xgrad.kernel "matmul" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index, %k: index):
    %l = xgrad.read %x[%i, %k] : tensor<?x2xf32>
    %r = xgrad.read %w[%k, %j] : tensor<2x1xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  %y = xgrad.kernel "bias" init(%mm : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %b[%j] : tensor<1xf32>
    xgrad.accumulate %v at [%i, %j] : f32
  }
  xgrad.target "predict" %y : tensor<*xf32>
  %loss = xgrad.kernel "loss" -> tensor<*xf32> {
  ^bb0(%it: index):
    %p = xgrad.read flat %y[%it] : tensor<*xf32>
    %q = xgrad.read flat %t[%it] : tensor<?x1xf32>
    %d = arith.subf %p, %q : f32
    %s = arith.mulf %d, %d : f32
    %zero = arith.constant 0 : index
    xgrad.accumulate %s at [%zero] : f32
  }
  %train = xgrad.backprop %loss : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>):
    %new = xgrad.kernel init(%param : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %g = xgrad.read flat %grad[%it] : tensor<*xf32>
      %rate = arith.constant -0.05 : f32
      %step = arith.mulf %rate, %g : f32
      xgrad.accumulate %step at flat [%it] : f32
    }
    xgrad.yield %new : tensor<*xf32>
  }
  xgrad.target "train" %train : tensor<*xf32>
}
)";

Tensor matrix(std::vector<int64_t> shape, std::vector<double> values) {
  Tensor t(ElementType::f32, shape);
  for (size_t i = 0; i < values.size(); ++i)
    t.set(i, values[i]);
  return t;
}

std::unique_ptr<Model> compileOrDie(const char *source) {
  auto model = Model::compile(source);
  EXPECT_TRUE(bool(model)) << (model ? "" : llvm::toString(model.takeError()));
  return model ? std::move(*model) : nullptr;
}

std::string errorOf(llvm::Error error) { return llvm::toString(std::move(error)); }

std::map<std::string, Tensor> data() {
  return {{"x", matrix({4, 2}, {0, 1, 1, 0, 1, 1, 2, 1})},
          {"t", matrix({4, 1}, {1, 2, 3, 4})}};
}

TEST(CompileOptions, ThreadsZeroMeansOnePerCoreAndOnePerRankWhenDistributed) {
  CompileOptions options;
  EXPECT_EQ(options.threads, 0u);
  EXPECT_EQ(options.threadCount(), allThreads());
  EXPECT_EQ(options.parallel(), allThreads() > 1);
  options.distributed = true; // The ranks of the run already share the cores.
  EXPECT_EQ(options.threadCount(), 1u);
  options.threads = 3;
  EXPECT_EQ(options.threadCount(), 3u);
  EXPECT_TRUE(options.parallel());
  options.threads = 1;
  EXPECT_FALSE(options.parallel());
}

TEST(Model, CallsTargetsAndReportsErrors) {
  auto model = compileOrDie(kLinear);
  ASSERT_TRUE(model);
  auto predictions = model->call("predict", {{"x", data()["x"]}});
  ASSERT_TRUE(bool(predictions));
  const Tensor &w = model->state()["w"];
  EXPECT_FLOAT_EQ(predictions->at(3), 2 * w.at(0) + w.at(1));
  EXPECT_NE(errorOf(model->call("nope", {}).takeError()).find("unknown or ambiguous target"),
            std::string::npos);
  EXPECT_NE(errorOf(model->call("predict", {}).takeError()).find("needs input 'x'"),
            std::string::npos);
  EXPECT_NE(errorOf(model->call("predict", {{"x", matrix({2, 3}, {})}}).takeError())
                .find("expected a tensor of ?x2xf32, got 2x3xf32"),
            std::string::npos);
  // An input the target does not take is ignored: one dictionary serves every target.
  auto withExtra = model->call("predict", data());
  ASSERT_TRUE(bool(withExtra)) << errorOf(withExtra.takeError());
  EXPECT_EQ(withExtra->at(3), predictions->at(3));
  // A failed run-time check: 4 predictions against 3 targets.
  EXPECT_NE(errorOf(model->call("train", {{"x", data()["x"]}, {"t", matrix({3, 1}, {})}})
                        .takeError())
                .find("run-time check failed: kernel 'loss'"),
            std::string::npos);
}

/// An embedding trained through a gather: the row index comes from a Scalar, so the read
/// is checked per element, and its gradient is a checked scatter.
constexpr const char *kEmbedding = R"(
xgrad.graph @embed {
  %idx = xgrad.input "idx" : tensor<?xf32>
  %table = xgrad.param "table" uniform [-1.0, 1.0] seed 5 : tensor<4x2xf32>
  %rows = xgrad.kernel "lookup" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %s = xgrad.read %idx[%i] : tensor<?xf32>
    %k = xgrad.to_index %s : f32
    %v = xgrad.read %table[%k, %j] : tensor<4x2xf32>
    xgrad.accumulate %v at [%i, %j] : f32
  }
  %loss = xgrad.kernel "loss" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %rows[%i, %j] : tensor<*xf32>
    %s = arith.mulf %v, %v : f32
    %zero = arith.constant 0 : index
    xgrad.accumulate %s at [%zero] : f32
  }
  %train = xgrad.backprop %loss : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>):
    %new = xgrad.kernel init(%param : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %g = xgrad.read flat %grad[%it] : tensor<*xf32>
      %rate = arith.constant -0.1 : f32
      %step = arith.mulf %rate, %g : f32
      xgrad.accumulate %step at flat [%it] : f32
    }
    xgrad.yield %new : tensor<*xf32>
  }
  xgrad.target "train" %train : tensor<*xf32>
}
)";

/// Calls that fail a run-time check change nothing: not the state, not the step count.
void expectFailedCallsChangeNothing(Model &model, llvm::StringRef target,
                                    const std::map<std::string, Tensor> &bad,
                                    const std::map<std::string, Tensor> &good,
                                    llvm::StringRef message) {
  std::map<std::string, Tensor> before = model.state();
  int64_t step = model.step;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string error = errorOf(model.call(target, bad).takeError());
    EXPECT_NE(error.find(message), std::string::npos) << error;
    EXPECT_EQ(model.step, step);
    for (auto &[name, tensor] : before)
      EXPECT_EQ(model.state()[name], tensor) << name;
  }
  // The same model still trains afterwards.
  ASSERT_TRUE(bool(model.call(target, good)));
  EXPECT_EQ(model.step, step + 1);
  bool changed = false;
  for (auto &[name, tensor] : before)
    changed |= !(model.state()[name] == tensor);
  EXPECT_TRUE(changed);
}

TEST(Model, AFailedCheckLeavesTheStateAsItWas) {
  auto linear = compileOrDie(kLinear);
  ASSERT_TRUE(linear);
  // A graph-level check: 4 predictions against 3 targets.
  expectFailedCallsChangeNothing(*linear, "train",
                                 {{"x", data()["x"]}, {"t", matrix({3, 1}, {1, 2, 3})}},
                                 data(), "run-time check failed: kernel 'loss'");

  // A per-element check inside a kernel, on OpenMP threads when they are there.
  for (bool parallel : {false, true}) {
    CompileOptions options;
    options.threads = parallel ? 2 : 1;
    auto compiled = Model::compile(kEmbedding, options);
    ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
    std::unique_ptr<Model> embedding = std::move(*compiled);
    expectFailedCallsChangeNothing(
        *embedding, "train", {{"idx", matrix({8}, {0, 1, 2, 3, 0, 1, 2, 4})}},
        {{"idx", matrix({8}, {0, 1, 2, 3, 0, 1, 2, 3})}},
        "run-time check failed: the read of state 'table' at dimension 0 is out of "
        "bounds: index 4, extent 4");
  }
}

TEST(Model, CompileErrorsAreMessages) {
  auto broken = Model::compile("xgrad.graph @g { %x = xgrad.bogus }");
  ASSERT_FALSE(bool(broken));
  EXPECT_NE(errorOf(broken.takeError()).find("error:"), std::string::npos);
}

TEST(Model, CompilingOneGraphTwiceGivesIndependentModels) {
  auto first = compileOrDie(kLinear), second = compileOrDie(kLinear);
  ASSERT_TRUE(first && second);
  ASSERT_FALSE(bool(first->apply("train", data())));
  auto a = first->call("predict", {{"x", data()["x"]}});
  auto b = second->call("predict", {{"x", data()["x"]}});
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(*a == *b); // only the first was trained
  ASSERT_FALSE(bool(second->apply("train", data())));
  auto c = second->call("predict", {{"x", data()["x"]}});
  ASSERT_TRUE(bool(c));
  EXPECT_EQ(*a, *c);
}

TEST(Model, FitKeepsTheRemainderAndAdvancesEpochs) {
  auto model = compileOrDie(kLinear);
  ASSERT_TRUE(model);
  FitOptions options;
  options.batchSize = 3;
  options.epochs = 2;
  std::vector<int64_t> batchSizes;
  options.progress = [&](const FitProgress &p) { batchSizes.push_back(p.batches); };
  auto losses = model->fit("train", data(), options);
  ASSERT_TRUE(bool(losses)) << llvm::toString(losses.takeError());
  EXPECT_EQ(losses->size(), 2u);
  EXPECT_EQ(batchSizes, std::vector<int64_t>({2, 2, 2, 2}));
  EXPECT_EQ(model->epoch, 2);
  options.batchSize = 0;
  EXPECT_NE(errorOf(model->fit("train", data(), options).takeError()).find("batch size"),
            std::string::npos);
  std::map<std::string, Tensor> uneven = data();
  uneven["t"] = matrix({3, 1}, {1, 2, 3});
  options.batchSize = 2;
  EXPECT_NE(errorOf(model->fit("train", uneven, options).takeError()).find("samples"),
            std::string::npos);
}

TEST(Model, TrainingReducesTheLossAndShufflingIsReproducible) {
  auto a = compileOrDie(kLinear), b = compileOrDie(kLinear);
  ASSERT_TRUE(a && b);
  FitOptions options;
  options.batchSize = 2;
  options.epochs = 50;
  options.shuffle = true;
  options.seed = 9;
  auto la = a->fit("train", data(), options), lb = b->fit("train", data(), options);
  ASSERT_TRUE(la && lb);
  EXPECT_LT(la->back(), la->front() / 4);
  EXPECT_EQ(*la, *lb);
}

TEST(Model, SaveAndLoadRoundTripBitIdentically) {
  auto model = compileOrDie(kLinear);
  ASSERT_TRUE(model);
  FitOptions options;
  options.epochs = 3;
  ASSERT_TRUE(bool(model->fit("train", data(), options)));
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("xgrad-state", "bin", path);
  ASSERT_FALSE(bool(model->save(path)));
  auto trained = model->call("predict", {{"x", data()["x"]}});

  auto fresh = compileOrDie(kLinear);
  ASSERT_FALSE(bool(fresh->load(path)));
  EXPECT_EQ(fresh->epoch, 3);
  auto loaded = fresh->call("predict", {{"x", data()["x"]}});
  ASSERT_TRUE(trained && loaded);
  EXPECT_EQ(*trained, *loaded);
  llvm::sys::fs::remove(path);
}

TEST(Model, LoadRejectsCorruptTruncatedAndForeignFiles) {
  auto model = compileOrDie(kLinear);
  ASSERT_TRUE(model);
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("xgrad-state", "bin", path);
  ASSERT_FALSE(bool(model->save(path)));
  std::string bytes = (*llvm::MemoryBuffer::getFile(path))->getBuffer().str();
  Tensor before = model->state()["w"];
  auto write = [&](const std::string &content) {
    std::error_code error;
    llvm::raw_fd_ostream out(path, error);
    out << content;
  };
  std::string flipped = bytes;
  flipped[30] ^= 0x40;
  write(flipped);
  EXPECT_NE(errorOf(model->load(path)).find("checksum does not match"), std::string::npos);
  write(bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(errorOf(model->load(path)).find("checksum"), std::string::npos);
  write("not a state file");
  EXPECT_NE(errorOf(model->load(path)).find("not an xgrad state file"), std::string::npos);
  std::string version = bytes;
  version[10] = 9;
  write(version);
  EXPECT_NE(errorOf(model->load(path)).find("format version 9"), std::string::npos);
  EXPECT_EQ(model->state()["w"], before);

  // A file saved from another model.
  auto other = compileOrDie(R"(
xgrad.graph @other {
  %w = xgrad.param "w" zeros [] seed 0 : tensor<3xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %w[%i] : tensor<3xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "k" %k : tensor<*xf32>
})");
  ASSERT_TRUE(other);
  ASSERT_FALSE(bool(other->save(path)));
  EXPECT_NE(errorOf(model->load(path)).find("state 'w' is 3xf32 in the file but 2x1xf32"),
            std::string::npos);
  EXPECT_NE(errorOf(model->load("/nonexistent/state")).find("cannot load"), std::string::npos);
  llvm::sys::fs::remove(path);
}

} // namespace

namespace {
/// kLinear compiled lazily, its compile cache in a directory of its own.
class LazyModel : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("xgrad-lazy-test", directory));
    options.cacheDirectory = directory.str().str();
    auto compiled = Model::compile(kLinear, options);
    ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
    model = std::move(*compiled);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(directory); }

  llvm::SmallString<128> directory;
  CompileOptions options;
  std::unique_ptr<Model> model;
};

/// Four threads make a lazily compiled target's first calls at once: it is compiled and
/// linked once, and every thread gets the value one sequential call gives.
TEST_F(LazyModel, TargetsCompileOnceUnderConcurrentFirstCalls) {
  std::map<std::string, Tensor> inputs{{"x", data()["x"]}};
  auto expected = compileOrDie(kLinear)->call("predict", inputs);
  ASSERT_TRUE(bool(expected));
  std::vector<std::optional<Tensor>> results(4);
  std::vector<std::thread> threads;
  for (auto &result : results)
    threads.emplace_back([&] {
      auto value = model->call("predict", inputs);
      if (value)
        result = std::move(*value);
      else
        llvm::consumeError(value.takeError());
    });
  for (std::thread &thread : threads)
    thread.join();
  for (const auto &result : results) {
    ASSERT_TRUE(result.has_value());
    for (int64_t i = 0; i < expected->numElements(); ++i)
      EXPECT_EQ(result->at(i), expected->at(i));
  }
  // The interface and the code of `predict`: `train` was never called.
  unsigned entries = 0;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(directory, error), end; it != end && !error;
       it.increment(error))
    entries += llvm::StringRef(it->path()).ends_with(".xgradmod");
  EXPECT_EQ(entries, 2u);
}

/// Targets prepared together compile at once, each once (a name given twice too), and give
/// what sequential calls give; an unknown name fails the call with its name, and the
/// targets that compiled stay usable.
TEST_F(LazyModel, TargetsPreparedTogetherCompileOnceEach) {
  uint64_t misses = compileCacheStats(options).misses;
  ASSERT_FALSE(bool(model->prepareTargets({"train", "predict", "train"})));
  // Two compiles (each a lookup that missed), and the interface and the two targets' code.
  EXPECT_EQ(compileCacheStats(options).misses, misses + 2);
  EXPECT_EQ(compileCacheStats(options).entries, 3u);
  auto sequential = compileOrDie(kLinear);
  for (int step = 0; step < 3; ++step) {
    ASSERT_TRUE(bool(model->call("train", data())));
    ASSERT_TRUE(bool(sequential->call("train", data())));
  }
  std::map<std::string, Tensor> inputs{{"x", data()["x"]}};
  auto got = model->call("predict", inputs);
  auto expected = sequential->call("predict", inputs);
  ASSERT_TRUE(got && expected);
  for (int64_t i = 0; i < expected->numElements(); ++i)
    EXPECT_EQ(got->at(i), expected->at(i));

  llvm::Error unknown = model->prepareTargets({"predict", "nothing", "train"});
  ASSERT_TRUE(bool(unknown));
  EXPECT_NE(llvm::toString(std::move(unknown)).find("unknown or ambiguous target 'nothing'"),
            std::string::npos);
  EXPECT_TRUE(bool(model->call("predict", inputs)));
}
} // namespace
