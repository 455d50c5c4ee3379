"""Spoils the one compile cache entry in a directory, as a crash, a bad disk or another
xgrad would: `flip` a byte of the object code, `truncate` it to half, give it another format
`version`, or `swap` it for the entry of another key stored after it (the newer entry is
renamed over the older one, so the file under the older key holds the newer one's bytes)."""
import os
import struct
import sys

directory, how = sys.argv[1], sys.argv[2]
entries = sorted((os.path.join(directory, name) for name in os.listdir(directory)
                  if name.endswith(".xgradmod")), key=os.path.getmtime)
path = entries[0]
data = bytearray(open(path, "rb").read())
# "XGRADCCH", the 64-digit key, then the module: "XGRADMOD", u32 version, u32 CRC, payload.
module = 8 + 64
if how == "flip":
    data[len(data) - 100] ^= 0xFF
elif how == "truncate":
    data = data[: len(data) // 2]
elif how == "version":
    data[module + 8: module + 12] = struct.pack("<I", 99)
elif how == "swap":
    os.replace(entries[-1], path)
    sys.exit(0)
else:
    sys.exit(f"unknown spoiling {how}")
open(path, "wb").write(data)
