//===- CommandLine.h - --help and --version of xgrad's programs -*- C++ -*-===//
//
// libLLVM.so registers several hundred back-end flags (AMDGPU, ARM, Polly, ...) in every
// program that links it; none of them means anything to a user of xgrad. Each main puts its
// own options in one category and hides the rest; `--help-hidden` still lists everything.
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_TOOLS_COMMANDLINE_H
#define XGRAD_TOOLS_COMMANDLINE_H

#include "xgrad/Version.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <dlfcn.h>

namespace xgrad::tools {

inline void printVersion(llvm::raw_ostream &os) {
  os << "xgrad version " XGRAD_VERSION "\n"
     << "  built with LLVM and MLIR " LLVM_VERSION_STRING "\n";
}

/// Shows only `category` (and --help, --version) in --help, and xgrad's version in --version.
inline void setUpCommandLine(llvm::cl::OptionCategory &category) {
  llvm::cl::HideUnrelatedOptions(category);
  llvm::cl::SetVersionPrinter(printVersion);
}

/// For xgrad-opt, whose MLIR options share the "General options" category with LLVM's
/// back-end flags: hides every option whose storage lies in libLLVM itself. MLIR's options
/// (libMLIR, or registered at run time by MlirOptMain) and --help/--version stay.
inline void hideLLVMOptions() {
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *option = entry.second;
    if (option->getOptionHiddenFlag() != llvm::cl::NotHidden)
      continue;
    bool generic = false;
    for (llvm::cl::OptionCategory *category : option->Categories)
      generic |= category->getName() == "Generic Options" ||
                 category->getName() == "Color Options";
    Dl_info info;
    if (!generic && dladdr(option, &info) && info.dli_fname &&
        llvm::StringRef(info.dli_fname).contains("libLLVM"))
      option->setHiddenFlag(llvm::cl::Hidden);
  }
  llvm::cl::SetVersionPrinter(printVersion);
}

} // namespace xgrad::tools

#endif // XGRAD_TOOLS_COMMANDLINE_H
