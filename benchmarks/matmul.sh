#!/usr/bin/env bash
# Matmul 512x512x512 f32: an xgrad kernel on 1 and 2 threads next to numpy (OpenBLAS),
# measured in one run. A benchmark, not a test: the machine is shared and noisy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XGRAD_BUILD_DIR:-$root/build}
export XGRAD_BUILD_DIR=$build
# Without OpenBLAS, Debian's numpy uses the reference BLAS and the comparison means nothing.
"$root/utils/install-deps.sh" libopenblas0-pthread
"$root/utils/build.sh" xgrad-bench-matmul
size=${SIZE:-512}

xgrad1=$(OMP_NUM_THREADS=1 "$build/bin/xgrad-bench-matmul" --size "$size")
xgrad2=$(OMP_NUM_THREADS=2 "$build/bin/xgrad-bench-matmul" --size "$size" --parallel)
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on these machines and halve OpenBLAS: unset
# them for numpy in this command only.
numpy() {
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=$1 OMP_NUM_THREADS=$1 \
    /usr/bin/python3 - "$size" <<'PY'
import sys, time
import numpy as np
n = int(sys.argv[1])
a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
a @ b
times = []
for _ in range(10):
    start = time.perf_counter(); a @ b; times.append(time.perf_counter() - start)
print(f"{2 * n ** 3 / min(times) / 1e9:.1f}")
PY
}
numpy1=$(numpy 1)
numpy2=$(numpy 2)
blas=$(/usr/bin/python3 -c "
import numpy, re
maps = open('/proc/self/maps').read()
libs = sorted(set(re.findall(r'/\S*(?:openblas|blas|mkl)\S*\.so\S*', maps)))
print(', '.join(libs) or 'unknown')")
echo "matmul ${size}^3 f32, GFLOP/s (best of 10)"
echo "numpy BLAS: $blas"
printf '%-10s %8s %8s %8s\n' threads xgrad numpy xgrad/numpy
awk -v x="$xgrad1" -v n="$numpy1" 'BEGIN { printf "%-10s %8.1f %8.1f %8.2f\n", 1, x, n, x / n }'
awk -v x="$xgrad2" -v n="$numpy2" 'BEGIN { printf "%-10s %8.1f %8.1f %8.2f\n", 2, x, n, x / n }'
