"""Prints whether every value of an .npy file is within a tolerance of the expected ones."""
import sys

import numpy as np

values = np.load(sys.argv[1]).ravel()
expected = np.array([float(v) for v in sys.argv[2].split(",")])
tolerance = float(sys.argv[3])
error = np.abs(values - expected).max()
finite = bool(np.isfinite(values).all())
print(f"finite: {finite}")
print(f"max error {error:.3g} within {tolerance}: {bool(finite and error <= tolerance)}")
