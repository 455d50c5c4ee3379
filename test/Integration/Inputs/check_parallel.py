"""Recomputes test/Integration/parallel.mlir's targets with numpy (float64 reference)."""
import sys

import numpy as np

prefix = sys.argv[1]
a = np.load(prefix + ".a.npy").astype(np.float64)
b = np.load(prefix + ".b.npy").astype(np.float64)
rows = np.maximum(a @ b, 0).sum(axis=1)
print("matmul+relu+sum matches numpy:",
      np.allclose(np.load(prefix + ".serial.npy"), rows, rtol=1e-4, atol=1e-4))
h, w = a.shape[0] - b.shape[0] + 1, a.shape[1] - b.shape[1] + 1
conv = np.zeros((h, w))
for dy in range(b.shape[0]):
    for dx in range(b.shape[1]):
        conv += a[dy:dy + h, dx:dx + w] * b[dy, dx]
print("conv matches numpy:",
      np.allclose(np.load(prefix + ".conv.serial.npy"), conv, rtol=1e-4, atol=1e-3))
