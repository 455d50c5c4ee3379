#!/usr/bin/env bash
# Configures (once) and builds xgrad in build/ with clang-22, lld, Ninja and ccache.
# Usage: utils/build.sh [ninja targets...]
# XGRAD_BUILD_DIR picks the build directory, XGRAD_CMAKE_ARGS adds options to its
# configuration (utils/test.sh --sanitize: a separate directory with ASan, UBSan, fuzzers).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/utils/install-deps.sh"
build=${XGRAD_BUILD_DIR:-$root/build}
# A fresh clone elsewhere still hits the cache: paths under the checkout are hashed relative.
export CCACHE_BASEDIR=$root
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/xgrad-ccache}
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Configured once; again whenever XGRAD_CMAKE_ARGS asks for options (cheap when nothing changed).
if [ ! -f "$build/build.ninja" ] || [ -n "${XGRAD_CMAKE_ARGS:-}" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit ${XGRAD_CMAKE_ARGS:-} >&2
fi
cmake --build "$build" -- "$@" >&2
