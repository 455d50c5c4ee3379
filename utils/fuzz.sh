#!/usr/bin/env bash
# Runs every libFuzzer target of xgrad for SECONDS each (default 60), starting from its corpus
# in test/Fuzz/<target>. New inputs go to a scratch corpus, crashes to
# build-sanitize/fuzz-artifacts/<target>/; each crash found becomes a regression test.
# Usage: utils/fuzz.sh [seconds]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=${XGRAD_SANITIZE_BUILD_DIR:-$root/build-sanitize}
targets=(npy idx ppm state ir)
XGRAD_BUILD_DIR=$build XGRAD_CMAKE_ARGS="-DLLVM_USE_SANITIZER=Address;Undefined -DXGRAD_FUZZ=ON" \
  "$root/utils/build.sh" "${targets[@]/#/xgrad-fuzz-}" || { echo "build failed"; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
crashed=0
for target in "${targets[@]}"; do
  artifacts=$build/fuzz-artifacts/$target
  mkdir -p "$scratch/$target" "$artifacts"
  echo "== xgrad-fuzz-$target, $seconds s"
  # The IR target compiles through MLIR: memory per input is MLIR's, not a leak.
  "$build/bin/xgrad-fuzz-$target" "$scratch/$target" "$root/test/Fuzz/$target" \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" 2>&1 | grep -E "^(#[0-9]+ +DONE|==|SUMMARY|stat::number_of_executed_units)" || true
  found=$(ls "$artifacts" | wc -l)
  if [ "$found" -gt 0 ]; then
    echo "xgrad-fuzz-$target: $found crashing inputs in $artifacts"
    crashed=$((crashed + found))
  fi
done
echo "$crashed crashing inputs"
[ "$crashed" -eq 0 ]
