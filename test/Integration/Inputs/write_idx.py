"""Writes an IDX file of unsigned bytes: write_idx.py PATH DIMS [VALUES].

DIMS is comma-separated ("" for rank 0); VALUES (comma-separated, cycled) fill the data,
zeros by default. The data always holds as many bytes as the header promises.
"""
import math
import sys

path, dims = sys.argv[1], [int(d) for d in sys.argv[2].split(",") if d]
values = [int(v) for v in sys.argv[3].split(",")] if len(sys.argv) > 3 else [0]
count = math.prod(dims)
with open(path, "wb") as out:
    out.write(bytes([0, 0, 8, len(dims)]))
    for d in dims:
        out.write(d.to_bytes(4, "big"))
    out.write(bytes(values[i % len(values)] for i in range(count)))
