#!/usr/bin/env bash
# Installs the Debian packages xgrad needs, only those missing, so a second run is instant.
# Usage: utils/install-deps.sh [extra-package ...]
set -euo pipefail
packages=(libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools clang-22 lld-22 ninja-build
          cmake ccache zlib1g-dev libgtest-dev python3-dev pybind11-dev python3-numpy python3-pytest
          python3-matplotlib python3-torch python3-tqdm libclang-rt-22-dev pkg-config
          openmpi-bin libopenmpi-dev
          "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "xgrad: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq >&2 || true
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
