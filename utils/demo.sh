#!/usr/bin/env bash
# The xgrad demo: trains Exprgrad's README XOR model and a Fashion-MNIST classifier end to end
# through the xgrad pipeline and the JIT. Installs what is missing and builds as needed.
# Usage: utils/demo.sh [--quick]   (--quick: one Fashion-MNIST epoch on 10000 images)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XGRAD_BUILD_DIR:-$root/build}
export XGRAD_BUILD_DIR=$build
"$root/utils/install-deps.sh" dataset-fashion-mnist
echo "== building xgrad"
"$root/utils/build.sh" xgrad-run fashion-mnist

fashion=(--epochs 5)
[ "${1:-}" = "--quick" ] && fashion=(--epochs 1 --limit 10000)

echo
echo "== Exprgrad's README XOR model (kernel form, hand-written optimizer), 5000 epochs"
echo "   x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [0, 1, 1, 0]"
start=$(date +%s.%N)
"$build/bin/xgrad-run" "$root/examples/xor/xor_kernels.mlir" \
  --train train --epochs 5000 --target predict \
  --input x=4x2:0,0,0,1,1,0,1,1 --input y=4x1:0,1,1,0
echo "   (compile and 5000 training steps: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }') s)"

echo
echo "== Fashion-MNIST, multi-layer perceptron 784-128-10, Adam, batch 64"
"$build/bin/fashion-mnist" "${fashion[@]}"
