#!/usr/bin/env bash
# Installs a build of xgrad into a temporary prefix and uses it as another project would,
# with no path into the source or build tree: examples/embedding built with CMake
# (find_package(xgrad)), the C example built with pkg-config, the Python package imported.
# Prints one "PASS: what" or "FAIL: what" line per check; exits non-zero on any failure.
# Usage: utils/test-embedding.sh [BUILD_DIR]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${XGRAD_BUILD_DIR:-$root/build}}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
# The consumer copies the example out of the tree, so nothing it builds can find xgrad's
# sources by a relative path.
cp -r "$root/examples/embedding" "$work/src"
failures=0
check() {  # check NAME COMMAND...: runs COMMAND with its output in $work/NAME.log
  local name=$1; shift
  if "$@" > "$work/$name.log" 2>&1; then
    echo "PASS: $name"
  else
    echo "FAIL: $name"; tail -20 "$work/$name.log"; failures=$((failures + 1))
  fi
}
expect() {  # expect NAME PATTERN: the last check's output holds PATTERN
  if grep -qE "$2" "$work/$1.log"; then echo "PASS: $1 output"; else
    echo "FAIL: $1 output (expected /$2/)"; cat "$work/$1.log"; failures=$((failures + 1)); fi
}

check install cmake --install "$build" --prefix "$prefix"
# Nothing installed may name the build or source tree (but the source may sit inside ...).
check install-has-no-build-paths bash -c "! grep -rlF '$build/' '$prefix' --exclude='*.a'"

export PATH=$prefix/bin:$PATH
check cmake-configure cmake -S "$work/src" -B "$work/obj" -G Ninja \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 -DCMAKE_PREFIX_PATH="$prefix"
check cmake-build cmake --build "$work/obj"
expected='affine = \[1, 3, 5, 7\]'
check embed-cpp "$work/obj/embed-cpp"
expect embed-cpp "xgrad [0-9.]+ \(C\+\+\): $expected"
expect embed-cpp "error: target 'affine' needs input 'x'"
check embed-frontend "$work/obj/embed-frontend"
expect embed-frontend "front end: $expected"
check embed-c "$work/obj/embed-c"
expect embed-c "xgrad [0-9.]+ \(C, header [0-9]+\.[0-9]+\.[0-9]+\): $expected"

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
check pkg-config-build bash -c "clang-22 '$work/src/embed.c' \$(pkg-config --cflags --libs xgrad) -o '$work/embed-c-pkg-config'"
check pkg-config-run "$work/embed-c-pkg-config"
expect pkg-config-run "$expected"

# Python: the installed package, from a directory outside both trees.
site=$(find "$prefix" -name __init__.py -path '*/xgrad/*' -printf '%h\n' | head -1)
check python-import bash -c "cd '$work' && PYTHONPATH='$(dirname "$site")' /usr/bin/python3 -c '
import numpy as np, xgrad
assert xgrad.__file__.startswith(\"$prefix/\"), xgrad.__file__
i = xgrad.Iter(\"i\")
x = xgrad.input(\"x\", [None])
y = xgrad.Fun()
y[i] += x[i] * 2.0 + 1.0
print(\"python:\", xgrad.compile(y.target(\"affine\")).call(\"affine\", {\"x\": np.arange(4, dtype=np.float32)}))
'"
expect python-import "python: \[1\. 3\. 5\. 7\.\]"

[ $failures -eq 0 ]
