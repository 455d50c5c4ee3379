#!/usr/bin/env bash
# The xgrad demo: trains Exprgrad's README XOR model and a Fashion-MNIST classifier end to end
# through the xgrad pipeline and the JIT. Installs what is missing and builds as needed.
# Usage: utils/demo.sh [--quick] [--cnn]
#   --quick: one Fashion-MNIST epoch on 10000 images; --cnn: also train the small CNN
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XGRAD_BUILD_DIR:-$root/build}
export XGRAD_BUILD_DIR=$build
"$root/utils/install-deps.sh" dataset-fashion-mnist
echo "== building xgrad"
"$root/utils/build.sh" xgrad-run fashion-mnist xor-example

fashion=(--epochs 5)
cnn=0
for arg in "$@"; do
  case "$arg" in
    --quick) fashion=(--epochs 1 --limit 10000) ;;
    --cnn) cnn=1 ;;
    *) echo "usage: utils/demo.sh [--quick] [--cnn]" >&2; exit 2 ;;
  esac
done

echo
echo "== Exprgrad's README XOR model (kernel form, hand-written optimizer), 5000 epochs"
echo "   x = [[0, 0], [0, 1], [1, 0], [1, 1]], y = [0, 1, 1, 0]"
start=$(date +%s.%N)
"$build/bin/xgrad-run" "$root/examples/xor/xor_kernels.mlir" \
  --train train --epochs 5000 --target predict \
  --input x=4x2:0,0,0,1,1,0,1,1 --input y=4x1:0,1,1,0
echo "   (compile and 5000 training steps: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }') s)"

echo
echo "== The same two programs written with the C++ front end (examples/xor/xor.cpp)"
"$build/bin/xor-example"

echo
echo "== Fashion-MNIST, multi-layer perceptron 784-128-10, Adam, batch 64"
"$build/bin/fashion-mnist" --model mlp "${fashion[@]}"
if [ "$cnn" = 1 ]; then
  echo
  echo "== Fashion-MNIST, CNN: conv 5x5x16, max pool, conv 3x3x32, max pool, dense; Adam, batch 32"
  "$build/bin/fashion-mnist" --model cnn --filters 16,32 --batch 32 "${fashion[@]}"
fi
