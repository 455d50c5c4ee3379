//===- Progress.cpp - training progress for terminals and logs ------------===//
#include "xgrad/Runtime/Progress.h"
#include "xgrad/Runtime/Distributed.h"

#include "llvm/Support/Format.h"

using namespace xgrad;

ProgressStyle xgrad::chooseProgressStyle(llvm::raw_ostream &os, bool quiet) {
  if (quiet)
    return ProgressStyle::Quiet;
  // mpirun hands every rank a pseudo-terminal whatever its own output is (a log, a pipe):
  // under it, lines.
  if (distributed::launchedWithPeers())
    return ProgressStyle::Lines;
  return os.is_displayed() ? ProgressStyle::Bar : ProgressStyle::Lines;
}

TrainingProgress::TrainingProgress(llvm::raw_ostream &os, ProgressStyle style, int64_t epochs)
    : os(os), style(style), epochs(epochs) {}

void TrainingProgress::batch(const FitProgress &progress) {
  if (style != ProgressStyle::Bar || progress.batches <= 0)
    return;
  auto now = std::chrono::steady_clock::now();
  bool edge = progress.batch <= 1 || progress.batch >= progress.batches;
  if (!edge && now - lastDraw < redrawInterval)
    return;
  lastDraw = now;
  const int64_t width = 30;
  int64_t done = width * std::min(progress.batch, progress.batches) / progress.batches;
  std::string line;
  llvm::raw_string_ostream(line)
      << "epoch " << progress.epoch + 1 << "/" << epochs << " [" << std::string(done, '=')
      << std::string(width - done, ' ') << "] " << progress.batch << "/" << progress.batches
      << " loss " << llvm::format("%.4f", progress.meanLoss);
  drawnWidth = std::max(drawnWidth, line.size());
  os << "\r" << line;
  os.flush();
}

void TrainingProgress::endEpoch(int64_t epoch, double meanLoss, llvm::StringRef details,
                                double seconds) {
  if (style == ProgressStyle::Quiet)
    return;
  std::string line;
  llvm::raw_string_ostream out(line);
  out << "epoch " << epoch + 1 << "/" << epochs << ": loss " << llvm::format("%.4f", meanLoss);
  if (!details.empty())
    out << ", " << details;
  out << ", " << llvm::format("%.1f", seconds) << " s";
  if (style == ProgressStyle::Bar) {
    // Over the bar, blanking what the longer bar drew past the end of this line.
    os << "\r" << line;
    if (drawnWidth > line.size())
      os << std::string(drawnWidth - line.size(), ' ');
    drawnWidth = 0;
  } else {
    os << line;
  }
  os << "\n";
  os.flush();
}
