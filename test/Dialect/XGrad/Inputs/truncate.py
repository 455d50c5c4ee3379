"""Feeds every prefix (at a stride) of an .mlir file to a tool and reports how each run ended.

A parse error must end in exit status 1 with a diagnostic; a crash (a signal, or status > 1)
is counted separately so that FileCheck can require there are none.
"""
import subprocess
import sys

tool, path, stride = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(path, encoding="utf-8").read()
counts = {"ok": 0, "diagnosed": 0, "crashed": 0}
for end in range(0, len(text), stride):
    run = subprocess.run([tool, "-"], input=text[:end].encode(), capture_output=True)
    if run.returncode == 0:
        counts["ok"] += 1
    elif run.returncode == 1 and b"error:" in run.stderr:
        counts["diagnosed"] += 1
    else:
        counts["crashed"] += 1
        print(f"crash at prefix {end}: status {run.returncode}", file=sys.stderr)
print(f"crashed: {counts['crashed']}")
print(f"diagnosed: {counts['diagnosed']}")
