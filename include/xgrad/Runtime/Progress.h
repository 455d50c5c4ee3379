//===- Progress.h - training progress that behaves on terminals and in logs -*- C++ -*-===//
//
// On a terminal, one line redrawn in place (a bar, the batch, the running loss); anywhere
// else (a log, a pipe, CI) nothing per batch and one line per epoch, so that a log holds
// what a reader wants from it rather than thousands of carriage-return fragments.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_RUNTIME_PROGRESS_H
#define XGRAD_RUNTIME_PROGRESS_H

#include "xgrad/Runtime/Model.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>

namespace xgrad {

enum class ProgressStyle {
  /// Nothing at all (`--quiet`).
  Quiet,
  /// One line per epoch, nothing per batch: what logs get.
  Lines,
  /// A line redrawn with `\r` after batches, at most every `redrawInterval`.
  Bar,
};

/// Bar when `os` is a terminal, Lines otherwise; Quiet when `quiet`.
ProgressStyle chooseProgressStyle(llvm::raw_ostream &os, bool quiet);

class TrainingProgress {
public:
  TrainingProgress(llvm::raw_ostream &os, ProgressStyle style, int64_t epochs);
  /// After a batch of the current epoch (FitOptions::progress). Draws in Bar style only: the
  /// first and the last batch of an epoch and otherwise at most every `redrawInterval`.
  void batch(const FitProgress &progress);
  /// The epoch's line, e.g. "epoch 2/5: loss 0.3512, test accuracy 87.10%, 1.2 s"; `details`
  /// (may be empty) goes between the loss and the time. Replaces the bar on a terminal.
  void endEpoch(int64_t epoch, double meanLoss, llvm::StringRef details, double seconds);

  std::chrono::milliseconds redrawInterval{100};

private:
  llvm::raw_ostream &os;
  ProgressStyle style;
  int64_t epochs;
  size_t drawnWidth = 0;
  std::chrono::steady_clock::time_point lastDraw;
};

} // namespace xgrad

#endif // XGRAD_RUNTIME_PROGRESS_H
