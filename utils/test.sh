#!/usr/bin/env bash
# Builds xgrad and runs every test suite: lit (FileCheck), C++ unit tests, Python tests.
# Ends with one line "N passed, N failed" totalling all suites; exits non-zero on any failure.
#   utils/test.sh             the normal build, in build/
#   utils/test.sh --sanitize  a build with AddressSanitizer (leaks included, except under
#                             Python: see below) and UndefinedBehaviorSanitizer in
#                             build-sanitize/, and each fuzzer briefly; every sanitizer
#                             report, in any suite, is one more failure
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sanitize=0
for arg in "$@"; do
  case $arg in
    --sanitize) sanitize=1 ;;
    *) echo "usage: utils/test.sh [--sanitize]" >&2; exit 2 ;;
  esac
done
passed=0 failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
if [ $sanitize = 1 ]; then
  build=${XGRAD_SANITIZE_BUILD_DIR:-$root/build-sanitize}
  export XGRAD_CMAKE_ARGS="-DLLVM_USE_SANITIZER=Address;Undefined -DXGRAD_FUZZ=ON"
  # Reports go to files, so that a test expecting a failure (`not xgrad-run ...`) cannot
  # hide one; a report also ends its process with an error.
  mkdir -p "$log/sanitizer"
  # use_sigaltstack=0: a thread that first writes a file through LLVM (the object code of a
  # target compiled on a thread of Model::prepareTargets) gets LLVM's alternate signal stack,
  # and ASan, when the thread ends, unmaps it as its own and dies ("failed to deallocate");
  # compiler-rt's fix (llvm/llvm-project#194868) is newer than clang 22's runtime.
  export ASAN_OPTIONS="log_path=$log/sanitizer/asan:detect_leaks=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:use_sigaltstack=0"
  export UBSAN_OPTIONS="log_path=$log/sanitizer/ubsan:print_stacktrace=1:halt_on_error=1"
  # OpenMPI's own leaks (the file says how they are told from xgrad's).
  export LSAN_OPTIONS="suppressions=$root/utils/sanitizer/lsan.supp:print_suppressions=0"
else
  build=${XGRAD_BUILD_DIR:-$root/build}
fi
export XGRAD_BUILD_DIR=$build
XGRAD_BUILD_DIR=$build "$root/utils/build.sh" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
# Every suite shares one compile cache that starts empty: the first compile of each model is
# a cold one, later ones read the cache, and nothing lands in the user's ~/.cache.
export XGRAD_CACHE_DIR="$log/compile-cache"

# lit: "Passed" / "Failed" (and "Unresolved", "Timed Out", ...) lines of its summary.
echo "== lit (test/)"
/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log/lit" | grep -E '^(FAIL|UNRESOLVED|TIMEOUT|XPASS|  [A-Z][a-z].*: [0-9]+)' || true
n=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$log/lit"); passed=$((passed + ${n:-0}))
for kind in Failed Unresolved 'Timed Out' 'Unexpectedly Passed' Unsupported 'Expectedly Failed'; do
  n=$(sed -n "s/^ *$kind *: *\([0-9]*\).*/\1/p" "$log/lit"); failed=$((failed + ${n:-0}))
done
grep -q 'Total Discovered Tests' "$log/lit" || { echo "lit did not run"; failed=$((failed + 1)); }

# GoogleTest: one summary per binary.
for t in "$build"/unittests/*-tests; do
  [ -x "$t" ] || continue
  echo "== $(basename "$t")"
  "$t" --gtest_brief=1 2>&1 | tee "$log/gtest" | tail -3
  # --gtest_brief prints no "N tests failed" summary: the failures are the tests run that
  # did not pass.
  ran=$(sed -n 's/^\[==========\] \([0-9]*\) tests\{0,1\} from .* ran\..*/\1/p' "$log/gtest")
  n=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log/gtest")
  passed=$((passed + ${n:-0})); failed=$((failed + ${ran:-0} - ${n:-0}))
  [ -n "$ran" ] || { echo "$t crashed"; failed=$((failed + 1)); }
done

# pytest, with Debian's interpreter (the first python3 on PATH may not see numpy/torch).
# Sanitized, the interpreter (not instrumented) loads the sanitizer runtime first.
preload=
[ $sanitize = 1 ] && preload=$(clang++-22 -print-file-name=libclang_rt.asan-x86_64.so)
if [ -d "$root/python/tests" ] && ls "$build"/python_packages/xgrad/_xgrad*.so >/dev/null 2>&1; then
  echo "== pytest (python/tests)"
  # The interpreter keeps its own objects until exit, on purpose, and LeakSanitizer cannot
  # tell them from xgrad's (every stack runs through the interpreter): leaks are checked by
  # the C++ suites, whose binaries are all instrumented; here AddressSanitizer and UBSan.
  pyasan=${ASAN_OPTIONS:-}
  [ $sanitize = 1 ] && pyasan="$ASAN_OPTIONS:detect_leaks=0"
  PYTHONPATH="$build/python_packages" LD_PRELOAD=$preload ASAN_OPTIONS=$pyasan \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider "$root/python/tests" 2>&1 \
    | tee "$log/pytest" | grep -E '^(FAILED|ERROR)|[0-9]+ (passed|failed)' | tail -20
  n=$(grep -oE '[0-9]+ passed' "$log/pytest" | tail -1 | cut -d' ' -f1); passed=$((passed + ${n:-0}))
  n=$(grep -oE '[0-9]+ (failed|error|errors)' "$log/pytest" | awk '{s+=$1} END {print s+0}'); failed=$((failed + n))
fi

# Installed and used as another project would (the normal build only: a sanitized build's
# archives need the sanitizer runtime in whatever links them).
if [ $sanitize = 0 ]; then
  echo "== install and embed (utils/test-embedding.sh)"
  "$root/utils/test-embedding.sh" "$build" > "$log/embedding" 2>&1
  n=$(grep -c '^PASS: ' "$log/embedding"); passed=$((passed + n)); echo "$n checks passed"
  n=$(grep -c '^FAIL: ' "$log/embedding"); failed=$((failed + n))
  [ "$n" -eq 0 ] || cat "$log/embedding"
  grep -qE '^(PASS|FAIL): ' "$log/embedding" || { echo "the embedding test did not run"; failed=$((failed + 1)); }
fi

# The fuzzers, briefly, over their corpora (utils/fuzz.sh runs them long): their harnesses
# must build and run, and no seed may crash.
if [ $sanitize = 1 ]; then
  for target in npy idx ppm state ir; do
    echo "== xgrad-fuzz-$target (10 s)"
    mkdir -p "$log/fuzz-$target"
    if ASAN_OPTIONS="${ASAN_OPTIONS/log_path=*asan:/}" "$build/bin/xgrad-fuzz-$target" \
         "$log/fuzz-$target" "$root/test/Fuzz/$target" -max_total_time=10 -timeout=30 \
         -artifact_prefix="$log/fuzz-$target/crash-" > "$log/fuzz.out" 2>&1; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); tail -30 "$log/fuzz.out"
    fi
  done
fi

if [ $sanitize = 1 ]; then
  reports=$(ls "$log/sanitizer" | wc -l)
  echo "== sanitizer reports: $reports"
  for report in "$log"/sanitizer/*; do
    [ -f "$report" ] && { echo "-- $(basename "$report")"; head -40 "$report"; }
  done
  failed=$((failed + reports))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
