"""Compares two state files of xgrad (Model::save): the same names, shapes and types, and
values within a relative tolerance. Prints one line per tensor and a verdict.

Usage: compare_states.py A B TOLERANCE
The format (lib/Runtime/SaveLoad.cpp): "XGRADSTATE", u32 version, i64 epoch, i64 step,
u32 count, then per tensor u32 name length, name, u8 type (0 f32, 1 f64), u32 rank,
i64 extents, the elements; then a CRC-32 of everything before it."""
import struct
import sys
import zlib

import numpy as np


def read(path):
    data = open(path, "rb").read()
    assert data.startswith(b"XGRADSTATE"), path + ": not an xgrad state file"
    assert zlib.crc32(data[:-4]) == struct.unpack("<I", data[-4:])[0], path + ": bad checksum"
    at = len(b"XGRADSTATE")
    (version, epoch, step, count) = struct.unpack_from("<IqqI", data, at)
    at += 24
    tensors = {}
    for _ in range(count):
        (length,) = struct.unpack_from("<I", data, at)
        at += 4
        name = data[at:at + length].decode()
        at += length
        kind, rank = struct.unpack_from("<BI", data, at)
        at += 5
        shape = struct.unpack_from("<%dq" % rank, data, at)
        at += 8 * rank
        dtype = np.float32 if kind == 0 else np.float64
        elements = int(np.prod(shape)) if rank else 1
        tensors[name] = np.frombuffer(data, dtype, elements, at).reshape(shape)
        at += elements * np.dtype(dtype).itemsize
    return step, tensors


step_a, a = read(sys.argv[1])
step_b, b = read(sys.argv[2])
tolerance = float(sys.argv[3])
print("steps: %d %d" % (step_a, step_b))
assert sorted(a) == sorted(b), "different tensors: %s vs %s" % (sorted(a), sorted(b))
worst = 0.0
for name in sorted(a):
    assert a[name].shape == b[name].shape, name + ": different shapes"
    scale = np.maximum(np.abs(a[name]), np.abs(b[name])).max()
    error = float(np.abs(a[name] - b[name]).max() / scale) if scale > 0 else 0.0
    worst = max(worst, error)
    print("%s: %s max relative difference %.2g" % (name, "x".join(map(str, a[name].shape)), error))
print("within %g: %s" % (tolerance, worst <= tolerance))
