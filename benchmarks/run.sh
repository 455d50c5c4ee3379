#!/usr/bin/env bash
# xgrad next to numpy/OpenBLAS and PyTorch, interleaved in one process, medians; writes the
# table to docs/Performance.md. A benchmark, never a test.
#   benchmarks/run.sh [--quick]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${XGRAD_BUILD_DIR:-$root/build}
export XGRAD_BUILD_DIR=$build
# Without OpenBLAS, Debian's numpy uses the reference BLAS and the comparison means nothing.
"$root/utils/install-deps.sh" libopenblas0-pthread python3-torch
"$root/utils/build.sh" _xgrad xgrad-python-files >&2
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on these machines and halve OpenBLAS: unset
# them for this command only. One thread unless a workload says otherwise.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
  PYTHONPATH="$build/python_packages" /usr/bin/python3 "$root/benchmarks/run.py" "$@"
