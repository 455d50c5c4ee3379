//===- Fit.cpp - mini-batch training --------------------------------------===//
#include "xgrad/Runtime/Model.h"
#include "xgrad/Runtime/Distributed.h"

#include "llvm/Support/WithColor.h"

#include <cmath>
#include <numeric>

using namespace xgrad;

/// A Fisher-Yates shuffle driven by splitmix64, so the order depends only on the seed.
static void shuffle(std::vector<int64_t> &order, uint64_t seed) {
  auto next = [&seed] {
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[next() % i]);
}

llvm::Expected<std::vector<double>> Model::fit(llvm::StringRef target,
                                               const std::map<std::string, Tensor> &inputs,
                                               const FitOptions &options) {
  if (options.batchSize <= 0)
    return llvm::createStringError("fit: the batch size must be positive, got %lld",
                                   (long long)options.batchSize);
  // Only the inputs the target takes are batched (the others are ignored, as by `call`).
  const TargetSignature *signature = findTarget(target);
  auto taken = [&](const std::string &name) {
    return !signature || llvm::any_of(signature->inputs,
                                      [&](const ValueSpec &spec) { return spec.name == name; });
  };
  int64_t samples = -1;
  for (auto &[name, tensor] : inputs) {
    if (!taken(name))
      continue;
    if (tensor.shape().empty())
      return llvm::createStringError("fit: input '%s' has no sample dimension", name.c_str());
    if (samples >= 0 && tensor.shape()[0] != samples)
      return llvm::createStringError(
          "fit: input '%s' has %lld samples, but another input has %lld", name.c_str(),
          (long long)tensor.shape()[0], (long long)samples);
    samples = tensor.shape()[0];
  }
  if (samples <= 0)
    return llvm::createStringError("fit: no samples to train on");

  bool sharesBatches = signature && signature->collective && distributed::size() > 1;
  std::vector<double> losses;
  bool warned = false;
  std::vector<int64_t> order(samples);
  int64_t batches = (samples + options.batchSize - 1) / options.batchSize;
  for (int64_t epoch = 0; epoch < options.epochs; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    if (options.shuffle)
      shuffle(order, options.seed ^ (uint64_t(this->epoch) * 0x100000001b3ULL));
    double total = 0;
    for (int64_t batch = 0; batch < batches; ++batch) {
      int64_t begin = batch * options.batchSize;
      int64_t end = std::min(samples, begin + options.batchSize);
      // Among peers each rank trains on its share of the batch: the step sums their
      // gradients, so the update is the whole batch's.
      if (sharesBatches) {
        auto [first, last] = distributed::shareOf(end - begin);
        end = begin + last;
        begin += first;
      }
      llvm::ArrayRef<int64_t> rows(order.data() + begin, end - begin);
      std::map<std::string, Tensor> slice;
      for (auto &[name, tensor] : inputs)
        if (taken(name))
          slice[name] = tensor.gatherRows(rows);
      llvm::Expected<Tensor> loss = call(target, slice);
      if (!loss)
        return loss.takeError();
      double batchLoss = 0;
      for (int64_t i = 0; i < loss->numElements(); ++i)
        batchLoss += loss->at(i);
      // Training goes on (the caller may stop it), but silently NaN state helps nobody.
      if (!std::isfinite(batchLoss) && !warned) {
        warned = true;
        llvm::WithColor::warning()
            << "fit: the loss of target '" << target << "' became " << batchLoss
            << " at epoch " << this->epoch << ", batch " << batch + 1
            << "; compile with checkFinite (xgrad-run --check-finite, Python "
               "check_finite=True) to find the first kernel that made it\n";
      }
      total += batchLoss;
      if (options.progress)
        options.progress({this->epoch, batch + 1, batches, total / (batch + 1)});
    }
    losses.push_back(total / batches);
    ++this->epoch;
  }
  return losses;
}
