//===- Initializers.cpp - reproducible parameter initialisation -----------===//
#include "xgrad/Runtime/Initializers.h"

#include <cmath>

using namespace xgrad;

namespace {
/// splitmix64: tiny, fast and fully specified, unlike std::uniform_real_distribution.
class Generator {
public:
  explicit Generator(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }

private:
  uint64_t state;
};
} // namespace

llvm::Error xgrad::initialize(Tensor &tensor, llvm::StringRef kind, llvm::ArrayRef<double> args,
                              uint64_t seed) {
  Generator generator(seed);
  int64_t count = tensor.numElements();
  if (kind == "zeros" || kind == "constant") {
    double value = kind == "zeros" ? 0.0 : args.empty() ? 0.0 : args[0];
    for (int64_t i = 0; i < count; ++i)
      tensor.set(i, value);
  } else if (kind == "uniform" && args.size() == 2) {
    for (int64_t i = 0; i < count; ++i)
      tensor.set(i, args[0] + (args[1] - args[0]) * generator.uniform());
  } else if (kind == "normal" && args.size() == 2) {
    // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
    for (int64_t i = 0; i < count; ++i) {
      double radius = std::sqrt(-2.0 * std::log(1.0 - generator.uniform()));
      double angle = 2.0 * M_PI * generator.uniform();
      tensor.set(i, args[0] + args[1] * radius * std::cos(angle));
    }
  } else {
    return llvm::createStringError("unknown initializer '%s' with %zu arguments",
                                   kind.str().c_str(), args.size());
  }
  return llvm::Error::success();
}
