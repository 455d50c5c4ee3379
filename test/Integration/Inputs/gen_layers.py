"""Generates the RUN and CHECK lines of ../layers.mlir: the expected values are computed
with numpy, independently of xgrad. Usage: python3 gen_layers.py > header.txt, then replace
the comment block at the top of layers.mlir with it."""
import numpy as np
np.set_printoptions(precision=10)
def lit(a): return "x".join(map(str, a.shape)) + ":" + ",".join("%.10g" % v for v in a.ravel())
def fmt(a):
    # mirror xgrad::Tensor::print with 8 significant digits
    a = np.asarray(a)
    def rec(x, depth):
        if x.ndim == 1:
            return "[" + ", ".join("%.8g" % v for v in x) + "]"
        return "[" + (",\n" + " " * (depth + 1)).join(rec(s, depth + 1) for s in x) + "]"
    return rec(a, 0)
rng = np.random.default_rng(7)
x = np.round(rng.uniform(-1, 1, (3, 2)), 3); W = np.round(rng.uniform(-1, 1, (2, 4)), 3); bias = np.round(rng.uniform(-1, 1, 4), 3)
img = np.round(rng.uniform(-1, 1, (1, 4, 4, 1)), 3); filt = np.round(rng.uniform(-1, 1, (2, 3, 3, 1)), 3)
small = np.round(rng.uniform(-1, 1, (1, 2, 2, 1)), 3)
logits = np.round(rng.uniform(-2, 2, (2, 3)), 3); labels = np.array([[0, 1, 0], [1, 0, 0]], float)
v = np.round(rng.uniform(-2, 2, 6), 3); u = np.round(rng.uniform(-2, 2, 6), 3)
m = np.round(rng.uniform(-1, 1, (2, 3)), 3)
k = np.round(rng.uniform(-1, 1, 3), 3)

cases = []
dense = x @ W + bias
conv = np.zeros((1, 2, 2, 2))
for yy in range(2):
    for xx in range(2):
        for f in range(2):
            conv[0, yy, xx, f] = (img[0, yy:yy+3, xx:xx+3, :] * filt[f]).sum()
pool = img.reshape(1, 2, 2, 2, 2, 1).max(axis=(2, 4))
up = small.repeat(2, axis=1).repeat(2, axis=2)
e = np.exp(logits); soft = e / e.sum(axis=1, keepdims=True)
ce = np.array([-(labels * np.log(soft)).sum() / 2])
mse = np.array([((v - u) ** 2).sum() / 6])
relu = np.where(v >= 0, v, 0.0)
leaky = np.where(v >= 0, 1.0, 0.01) * v
sig = 1 / (1 + np.exp(-v))
tanh = np.tanh(v)
transpose = m.T
rowsum = m.sum(axis=1)
total = np.array([m.sum()])
gather = v[np.arange(12) // 2]
scatter = np.convolve(v, k)  # out[y + j] += v[y] * k[j]
flat = m * 2.0
add = v + u; sub = v - u; mn = np.minimum(v, u); mx = np.maximum(v, u)
runs = [
    ("dense", {"x": x, "w": W, "bias": bias}, dense),
    ("conv2d", {"images": img, "filters": filt}, conv),
    ("maxpool2d", {"images": img}, pool),
    ("upsample2", {"small": small}, up),
    ("softmax", {"logits": logits}, soft),
    ("cross_entropy", {"logits": logits, "labels": labels}, ce),
    ("mse", {"v": v, "u": u}, mse),
    ("relu", {"v": v}, relu), ("leaky_relu", {"v": v}, leaky), ("sigmoid", {"v": v}, sig), ("tanh", {"v": v}, tanh),
    ("transpose", {"m": m}, transpose), ("rowsum", {"m": m}, rowsum), ("total", {"m": m}, total),
    ("gather", {"v": v}, gather), ("scatter", {"v": v, "k": k}, scatter), ("flat_double", {"m": m}, flat),
    ("add", {"v": v, "u": u}, add), ("sub", {"v": v, "u": u}, sub), ("min", {"v": v, "u": u}, mn), ("max", {"v": v, "u": u}, mx),
]
lines = ["// Each layer kernel of Exprgrad (dnn.nim, base.nim) and each access form, run through the",
         "// JIT on fixed inputs; the expected values were computed independently with numpy.",
         "// Every target runs with linalg, with plain loops, and on OpenMP threads; the threaded",
         "// result is bit-identical to the single-threaded one.",
         "// The graph round-trips, and every kernel gets an inferred shape:",
         "// RUN: xgrad-opt %s | xgrad-opt | FileCheck %s --check-prefix=ROUNDTRIP",
         "// RUN: xgrad-opt %s --mlir-print-op-generic | xgrad-opt | FileCheck %s --check-prefix=ROUNDTRIP",
         "// ROUNDTRIP: xgrad.graph @layers",
         "// ROUNDTRIP-COUNT-23: xgrad.kernel",
         "// RUN: xgrad-opt %s --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes))' | FileCheck %s --check-prefix=INFERRED",
         "// INFERRED-COUNT-23: xgrad.kernel {{.*}} -> tensor<{{[0-9?]}}",
         "// INFERRED-NOT: -> tensor<*x"]
for name, ins, exp in runs:
    args = " ".join(f"--input {n}={lit(a)}" for n, a in ins.items())
    pre = name.upper().replace("_", "-")
    for mode in ["", " --no-linalg", " --parallel --parallel-min-work=0"]:
        lines.append(f"// RUN: xgrad-run %s --target {name} {args} --precision 8{mode} | FileCheck %s --check-prefix={pre}")
    lines.append(f"// RUN: xgrad-run %s --target {name} {args} --num-threads 1 --output %t.{name}.serial.npy && "
                 f"env OMP_NUM_THREADS=2 xgrad-run %s --target {name} {args} --parallel --parallel-min-work=0 --output %t.{name}.parallel.npy && "
                 f"cmp %t.{name}.serial.npy %t.{name}.parallel.npy")
    text = fmt(exp).split("\n")
    lines.append(f"// {pre}: {name}: " + "x".join(map(str, exp.shape)) + "xf64")
    for t in text:
        t = t.replace("[[", "{{\\[\\[}}")
        lines.append(f"// {pre}-NEXT: {t}")
print("\n".join(lines))
