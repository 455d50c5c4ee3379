//===- fashion_mnist.cpp - train a Fashion-MNIST classifier with xgrad ----===//
//
//   fashion-mnist [--model mlp|cnn|FILE.mlir] [--data DIR] [--epochs 5] [--batch 64]
//                 [--limit N] [--load FILE] [--save FILE] [--quiet] [--distributed]
//   mpirun -np 2 fashion-mnist --distributed ...   (data-parallel, docs/Distributed.md)
//
// Loads the IDX files (gzip) of the Debian package dataset-fashion-mnist, builds the model
// with the C++ front end (or reads it as xgrad IR), compiles it through xgrad's pipeline and
// JIT, trains it with mini-batches and prints the loss, test accuracy and time of every
// epoch: on a terminal after a progress bar redrawn in place, in a log one line per epoch.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Frontend/Layers.h"
#include "xgrad/Runtime/Distributed.h"
#include "xgrad/Runtime/Idx.h"
#include "xgrad/Runtime/Model.h"
#include "xgrad/Runtime/Progress.h"
#include "xgrad/Tools/CommandLine.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"

#include <chrono>

using namespace llvm;

static cl::OptionCategory category("fashion-mnist options");
static cl::opt<std::string>
    modelPath("model",
              cl::desc("mlp (784-128-10), cnn (conv 5x5x8, pool, conv 3x3x16, pool, dense), or "
                       "a file of xgrad IR"),
              cl::init("mlp"), cl::cat(category));
static cl::opt<double> rate("rate",
                            cl::desc("Adam's learning rate (default: 0.001 for the MLP, "
                                     "0.002 for the CNN)"),
                            cl::init(0), cl::cat(category));
static cl::list<int> cnnFilters("filters", cl::desc("The CNN's filters per convolution"),
                                cl::CommaSeparated, cl::cat(category));
static cl::opt<std::string> savePath("save", cl::desc("Save the trained state to this file"),
                                     cl::cat(category));
static cl::opt<std::string> loadPath("load",
                                     cl::desc("Start from the state saved in this file (with "
                                              "--epochs 0: only measure its test accuracy)"),
                                     cl::cat(category));
static cl::opt<bool> distributedRun(
    "distributed",
    cl::desc("Train data-parallel over the ranks of an MPI run (mpirun -np N fashion-mnist "
             "--distributed): each rank trains on its share of every batch of --batch images"),
    cl::cat(category));
static cl::opt<std::string> dataDir("data", cl::desc("Directory of the IDX files"),
                                    cl::init("/usr/share/datasets/fashion-mnist"),
                                    cl::cat(category));
static cl::opt<int> epochs("epochs", cl::desc("Training epochs"), cl::init(5), cl::cat(category));
static cl::opt<int> batchSize("batch", cl::desc("Mini-batch size"), cl::init(64),
                              cl::cat(category));
static cl::opt<int> limit("limit", cl::desc("Train on the first N images only (0: all)"),
                          cl::init(0), cl::cat(category));
static cl::opt<unsigned> threads("num-threads",
                               cl::desc("Threads of the kernels (0: one per core, 1: sequential)"),
                               cl::init(xgrad::CompileOptions().threads), cl::cat(category));
static cl::opt<bool> quiet("quiet",
                           cl::desc("No progress and no line per epoch: only the final test "
                                    "accuracy (and errors)"),
                           cl::cat(category));
static cl::opt<bool> shuffleSamples("shuffle", cl::desc("Shuffle the samples every epoch"),
                                    cl::init(true), cl::cat(category));

[[noreturn]] static void fail(const Twine &message) {
  xgrad::distributed::failTool("fashion-mnist", message);
}

template <typename T> static T orFail(Expected<T> value) {
  if (!value)
    fail(toString(value.takeError()));
  return std::move(*value);
}

/// The models of the examples, written with the front end's layers.
static std::string buildModel(StringRef kind) {
  using namespace xgrad::layers;
  xgrad::randomize(1);
  xgrad::Fun logits;
  if (kind == "mlp") {
    xgrad::Fun images = xgrad::input("images", {-1, 784});
    logits = dense(relu(dense(images, 784, 128)), 128, 10);
  } else {
    int64_t first = cnnFilters.size() > 0 ? cnnFilters[0] : 8;
    int64_t second = cnnFilters.size() > 1 ? cnnFilters[1] : 16;
    xgrad::Fun images = xgrad::input("images", {-1, 28, 28, 1});
    xgrad::Fun hidden = maxPool2d(relu(conv2d(images, 1, 5, 5, first)));
    hidden = maxPool2d(relu(conv2d(hidden, first, 3, 3, second)));
    logits = dense(flatten(hidden, 5 * 5 * second), 5 * 5 * second, 10);
  }
  xgrad::Fun predict = logits.target("predict");
  xgrad::Fun loss = softmaxCrossEntropy(predict, xgrad::input("labels", {-1, 10}));
  double eta = rate > 0 ? double(rate) : kind == "mlp" ? 0.001 : 0.002;
  return xgrad::toMLIR({predict, loss.backprop(adam(eta)).target("train")});
}

/// Images as [N, pixels] scaled to [0, 1]; labels one-hot [N, 10].
/// The files are data from elsewhere: every shape and label is checked before it is used.
static std::pair<xgrad::Tensor, xgrad::Tensor> load(StringRef prefix, int count) {
  std::string imagesPath = (dataDir + "/" + prefix + "-images-idx3-ubyte.gz").str();
  std::string labelsPath = (dataDir + "/" + prefix + "-labels-idx1-ubyte.gz").str();
  xgrad::Tensor images =
      orFail(xgrad::readIdx(imagesPath, xgrad::ElementType::f32, 1.0 / 255));
  xgrad::Tensor labels = orFail(xgrad::readIdx(labelsPath));
  if (images.shape().size() < 2)
    fail(imagesPath + ": expected images of rank 2 or more ([N, pixels...]), found rank " +
         Twine(images.shape().size()));
  if (labels.shape().size() != 1)
    fail(labelsPath + ": expected labels of rank 1 ([N]), found rank " +
         Twine(labels.shape().size()));
  int64_t n = images.shape()[0];
  if (n == 0)
    fail(imagesPath + ": holds no images");
  if (labels.shape()[0] != n)
    fail(prefix + ": " + Twine(n) + " images but " + Twine(labels.shape()[0]) + " labels");
  // A label indexes a row of 10 in the one-hot matrix.
  for (int64_t i = 0; i < n; ++i)
    if (labels.at(i) >= 10)
      fail(labelsPath + ": label " + Twine(int64_t(labels.at(i))) + " of image " + Twine(i) +
           " is not a class 0..9");
  images.reshape({n, images.numElements() / n});
  if (count > 0 && count < n) {
    std::vector<int64_t> first(count);
    for (int i = 0; i < count; ++i)
      first[i] = i;
    images = images.gatherRows(first);
    labels = labels.gatherRows(first);
    n = count;
  }
  xgrad::Tensor oneHot(xgrad::ElementType::f32, {n, 10});
  for (int64_t i = 0; i < n; ++i)
    oneHot.set(i * 10 + int64_t(labels.at(i)), 1.0);
  return {std::move(images), std::move(oneHot)};
}

/// The share of the test images each rank classifies, the counts summed over the ranks.
static double accuracy(xgrad::Model &model, const xgrad::Tensor &images,
                       const xgrad::Tensor &labels) {
  int64_t n = images.shape()[0], correct = 0;
  auto [first, last] = model.isDistributed() ? xgrad::distributed::shareOf(n)
                                             : std::pair<int64_t, int64_t>{0, n};
  for (int64_t begin = first; begin < last; begin += 1000) {
    std::vector<int64_t> rows;
    for (int64_t i = begin; i < std::min(last, begin + 1000); ++i)
      rows.push_back(i);
    xgrad::Tensor logits = orFail(model.call("predict", {{"images", images.gatherRows(rows)}}));
    for (size_t r = 0; r < rows.size(); ++r) {
      int best = 0;
      for (int c = 1; c < 10; ++c)
        if (logits.at(r * 10 + c) > logits.at(r * 10 + best))
          best = c;
      correct += labels.at(rows[r] * 10 + best) == 1.0;
    }
  }
  double counts[] = {double(correct)};
  if (model.isDistributed())
    xgrad::distributed::sumOverRanks(counts);
  return counts[0] / n;
}

int main(int argc, char **argv) {
  xgrad::tools::setUpCommandLine(category);
  cl::ParseCommandLineOptions(argc, argv, "Train a Fashion-MNIST classifier with xgrad\n");
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
  };

  // First: every rank knows its rank before it prints anything.
  if (distributedRun)
    if (Error error = xgrad::distributed::initialize())
      fail(toString(std::move(error)));
  // Only rank 0 reports; the others train silently (errors still say which rank).
  bool report = xgrad::distributed::rank() == 0;
  bool silent = quiet || !report;
  auto [trainImages, trainLabels] = load("train", limit);
  auto [testImages, testLabels] = load("t10k", 0);
  if (!silent)
    outs() << "Fashion-MNIST: " << trainImages.shape()[0] << " training and "
           << testImages.shape()[0] << " test images\n";

  std::string source;
  if (modelPath == "mlp" || modelPath == "cnn") {
    source = buildModel(modelPath);
  } else {
    auto file = MemoryBuffer::getFile(modelPath);
    if (!file)
      fail("cannot read " + modelPath + ": " + file.getError().message());
    source = (*file)->getBuffer().str();
  }
  if (modelPath == "cnn") {
    trainImages.reshape({trainImages.shape()[0], 28, 28, 1});
    testImages.reshape({testImages.shape()[0], 28, 28, 1});
  }
  xgrad::CompileOptions options;
  options.threads = threads;
  options.sourceName = modelPath;
  options.distributed = distributedRun;
  Clock::time_point start = Clock::now();
  std::unique_ptr<xgrad::Model> model = orFail(xgrad::Model::compile(source, options));
  // Targets compile on their first call: the two this program calls are compiled here, so
  // that the time printed is the whole compile (or the compile cache's reading of it).
  if (Error error = model->prepareTargets({"train", "predict"}))
    fail(toString(std::move(error)));
  if (!loadPath.empty())
    if (Error error = model->load(loadPath))
      fail(toString(std::move(error)));
  if (!silent)
    outs() << "compiled " << modelPath << " in " << format("%.0f", 1000 * seconds(start))
           << " ms\n";

  xgrad::TrainingProgress progress(outs(), xgrad::chooseProgressStyle(outs(), silent), epochs);
  double acc = 0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    xgrad::FitOptions fit;
    fit.batchSize = batchSize;
    fit.shuffle = shuffleSamples;
    fit.seed = 42;
    fit.progress = [&](const xgrad::FitProgress &p) {
      progress.batch({epoch, p.batch, p.batches, p.meanLoss});
    };
    start = Clock::now();
    std::vector<double> loss =
        orFail(model->fit("train", {{"images", trainImages}, {"labels", trainLabels}}, fit));
    double trainTime = seconds(start);
    acc = accuracy(*model, testImages, testLabels);
    progress.endEpoch(epoch, loss[0], formatv("test accuracy {0:F2}%", 100 * acc).str(),
                      trainTime);
  }
  if (epochs == 0 && !loadPath.empty())
    acc = accuracy(*model, testImages, testLabels);
  if (report && (quiet || epochs == 0) && (epochs > 0 || !loadPath.empty()))
    outs() << "test accuracy " << format("%.2f%%", 100 * acc) << "\n";
  if (!savePath.empty()) {
    if (Error error = model->save(savePath))
      fail(toString(std::move(error)));
    if (!silent)
      outs() << "saved the trained state to " << savePath << "\n";
  }
  return 0;
}
