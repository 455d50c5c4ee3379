"""xgrad next to its peers, interleaved in one process (A B A B ...), medians.

Called by benchmarks/run.sh, which installs the peers, builds xgrad and sets the environment
(OpenBLAS' core type and L2 size unset, thread counts explicit). Prints one table and writes
it to docs/Performance.md. A benchmark, never a test: the machine is shared and noisy, read
the ratios.
"""
import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time

import numpy as np
import torch

import xgrad
from xgrad import input, layers, optimizers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def matmul_source(m, k, n, dynamic_rows=False, transpose_a=False, transpose_b=False):
    rows = "?" if dynamic_rows else str(m)
    a_type = f"tensor<{k}x{rows}xf32>" if transpose_a else f"tensor<{rows}x{k}xf32>"
    a_read = "%a[%it, %y]" if transpose_a else "%a[%y, %it]"
    b_type = f"tensor<{n}x{k}xf32>" if transpose_b else f"tensor<{k}x{n}xf32>"
    b_read = "%b[%x, %it]" if transpose_b else "%b[%it, %x]"
    return f"""xgrad.graph @bench {{
  %a = xgrad.input "a" : {a_type}
  %b = xgrad.input "b" : {b_type}
  %c = xgrad.kernel "matmul" -> tensor<*xf32> {{
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read {a_read} : {a_type}
    %r = xgrad.read {b_read} : {b_type}
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }}
  xgrad.target "matmul" %c : tensor<*xf32>
}}"""


def interleaved(runs, *functions):
    """Median seconds of each function, calls interleaved; one warm-up call each."""
    for f in functions:
        f()
    times = [[] for _ in functions]
    for _ in range(runs):
        for f, t in zip(functions, times):
            start = time.perf_counter()
            f()
            t.append(time.perf_counter() - start)
    return [float(np.median(t)) for t in times]


def interleaved_blocks(rounds, *functions, settle=0.25, measure=0.25):
    """Median seconds of each function over rounds of A-block B-block ...: each block calls
    its function for `settle` seconds unrecorded, then `measure` seconds recorded. On two
    cores, threads of the previous block's runtime still spin for their wait time after
    it returns (libomp 200 ms, OpenBLAS about 0.1 s), and calls timed in the meantime measure
    that competition instead of the code."""
    times = [[] for _ in functions]
    for _ in range(rounds):
        for f, t in zip(functions, times):
            begin = time.perf_counter()
            while time.perf_counter() - begin < settle:
                f()
            begin = time.perf_counter()
            while time.perf_counter() - begin < measure or not t:
                start = time.perf_counter()
                f()
                t.append(time.perf_counter() - start)
    return [float(np.median(t)) for t in times]


class Table:
    def __init__(self):
        self.rows = []

    def add(self, work, unit, xgrad_value, peer_name, peer_value, higher_is_better):
        ratio = xgrad_value / peer_value if higher_is_better else peer_value / xgrad_value
        self.rows.append((work, unit, xgrad_value, peer_name, peer_value, ratio))
        print(f"{work:58s} {unit:8s} xgrad {xgrad_value:9.3f}  {peer_name} {peer_value:9.3f}  "
              f"speed ratio {ratio:5.2f}", flush=True)

    def markdown(self):
        lines = ["| work | unit | xgrad | peer | peer's figure | xgrad speed / peer's |",
                 "|---|---|---|---|---|---|"]
        for work, unit, x, peer, p, ratio in self.rows:
            lines.append(f"| {work} | {unit} | {x:.3f} | {peer} | {p:.3f} | {ratio:.2f} |")
        return "\n".join(lines)


def set_blas_threads(threads):
    """OpenBLAS' threads at run time (numpy and PyTorch share Debian's libopenblas; the
    environment's OPENBLAS_NUM_THREADS only sets the start value)."""
    for path in set(re.findall(r"/\S*openblas\S*\.so\S*", open("/proc/self/maps").read())):
        library = ctypes.CDLL(path)
        if hasattr(library, "openblas_set_num_threads"):
            library.openblas_set_num_threads(threads)


def bench_matmuls(table, quick, runs):
    rng = np.random.default_rng(0)
    sizes = [(512, 512, 512)] if quick else [(256, 256, 256), (512, 512, 512),
                                             (1024, 1024, 1024), (1000, 1000, 1000)]
    thread_counts = [1] if quick else [1, 2]
    for threads in thread_counts:
        torch.set_num_threads(threads)
        set_blas_threads(threads)
        for m, k, n in sizes:
            a = rng.standard_normal((m, k), dtype=np.float32)
            b = rng.standard_normal((k, n), dtype=np.float32)
            model = xgrad.Model(matmul_source(m, k, n), threads=threads, cache=False)
            inputs = {"a": a, "b": b}
            result = model.call("matmul", inputs)
            assert np.allclose(result, a @ b, rtol=1e-3, atol=1e-3), "xgrad's matmul is wrong"
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            functions = (lambda: model.call("matmul", inputs), lambda: a @ b,
                         lambda: torch.matmul(ta, tb))
            tx, tn, tt = (interleaved(runs, *functions) if threads == 1 else
                          interleaved_blocks(3, *functions))
            flops = 2.0 * m * n * k / 1e9
            work = f"matmul {m}x{k}x{n} f32, {threads} thread{'s' if threads > 1 else ''}"
            table.add(work, "GFLOP/s", flops / tx, "numpy/OpenBLAS", flops / tn, True)
            table.add(work, "GFLOP/s", flops / tx, "torch.matmul", flops / tt, True)
    torch.set_num_threads(1)
    set_blas_threads(1)
    # The dense layer 784 -> 128 at batch 64: forward, the weight gradient as autodiff
    # writes it (images^T . delta, the batch as the reduction), and the input gradient
    # (delta . weights^T).
    for label, source, shapes in [
            ("dense forward 64x784 . 784x128", matmul_source(64, 784, 128, dynamic_rows=True),
             ((64, 784), (784, 128))),
            ("dense weight gradient 784x64 . 64x128",
             matmul_source(784, 64, 128, transpose_a=True), ((64, 784), (64, 128))),
            ("dense input gradient 64x128 . 128x784",
             matmul_source(64, 128, 784, dynamic_rows=True, transpose_b=True),
             ((64, 128), (784, 128)))]:
        a = rng.standard_normal(shapes[0], dtype=np.float32)
        b = rng.standard_normal(shapes[1], dtype=np.float32)
        model = xgrad.Model(source, threads=1, cache=False)
        inputs = {"a": a, "b": b}
        peer = ((lambda: a.T @ b) if "weight" in label else
                (lambda: a @ b.T) if "input" in label else (lambda: a @ b))
        assert np.allclose(model.call("matmul", inputs), peer(), rtol=1e-3, atol=1e-3)
        tx, tn = interleaved(runs * 10, lambda: model.call("matmul", inputs), peer)
        flops = 2.0 * 64 * 784 * 128 / 1e9
        table.add(label + ", 1 thread", "GFLOP/s", flops / tx, "numpy/OpenBLAS", flops / tn,
                  True)


def read_mlp():
    with open(os.path.join(ROOT, "examples", "fashion-mnist", "mlp.mlir")) as f:
        return f.read()


class TorchMLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(784, 128)
        self.out = torch.nn.Linear(128, 10)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


def bench_mlp(table, quick):
    rng = np.random.default_rng(1)
    steps = 100 if quick else 938
    images = rng.random((steps * 64, 784), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, steps * 64)]
    start = time.perf_counter()
    model = xgrad.Model(read_mlp(), threads=1, cache=False)
    model.prepare("train", "predict")
    compile_seconds = time.perf_counter() - start

    net = TorchMLP()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    timages, tlabels = torch.from_numpy(images), torch.from_numpy(labels)

    def xgrad_epoch():
        for s in range(steps):
            model.apply("train", {"images": images[s * 64:(s + 1) * 64],
                                  "labels": labels[s * 64:(s + 1) * 64]})

    def torch_epoch():
        for s in range(steps):
            optimizer.zero_grad()
            logits = net(timages[s * 64:(s + 1) * 64])
            loss = torch.nn.functional.cross_entropy(logits, tlabels[s * 64:(s + 1) * 64])
            loss.backward()
            optimizer.step()

    tx, tt = interleaved(1 if quick else 3, xgrad_epoch, torch_epoch)
    table.add(f"MLP 784-128-10 Adam, batch 64, {steps} train steps, 1 thread", "s", tx,
              "PyTorch", tt, False)
    test = rng.random((10000, 784), dtype=np.float32)
    ttest = torch.from_numpy(test)

    def torch_predict():
        with torch.no_grad():
            net(ttest)
    tx, tt = interleaved(3 if quick else 10, lambda: model.call("predict", {"images": test}),
                         torch_predict)
    table.add("MLP inference on 10000 images, 1 thread", "s", tx, "PyTorch", tt, False)
    return compile_seconds


class TorchCNN(torch.nn.Module):
    """Exprgrad's Fashion-MNIST CNN, as examples/fashion-mnist builds it."""
    def __init__(self):
        super().__init__()
        # Exprgrad's conv2d layer has no bias, and neither do these.
        self.conv1 = torch.nn.Conv2d(1, 8, 5, bias=False)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, bias=False)
        self.dense = torch.nn.Linear(5 * 5 * 16, 10)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.dense(torch.flatten(x, 1))


def bench_cnn(table, quick):
    xgrad.randomize(3)
    images = input("images", [None, 28, 28, 1])
    labels = input("labels", [None, 10])
    hidden = layers.max_pool2d(layers.relu(layers.conv2d_layer(images, 1, 5, 5, 8)))
    hidden = layers.max_pool2d(layers.relu(layers.conv2d_layer(hidden, 8, 3, 3, 16)))
    logits = layers.dense(layers.flatten(hidden, 5 * 5 * 16), 5 * 5 * 16, 10).target("predict")
    loss = layers.softmax_cross_entropy(logits, labels).target("loss")
    train = loss.backprop(optimizers.adam(0.002)).target("train")
    start = time.perf_counter()
    model = xgrad.compile(logits, loss, train, threads=1, cache=False)
    model.prepare("train", "predict")
    compile_seconds = time.perf_counter() - start

    rng = np.random.default_rng(2)
    steps = 20 if quick else 200
    data = rng.random((steps * 32, 28, 28, 1), dtype=np.float32)
    onehot = np.eye(10, dtype=np.float32)[rng.integers(0, 10, steps * 32)]
    net = TorchCNN()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.002)
    tdata = torch.from_numpy(data).permute(0, 3, 1, 2).contiguous()
    tlabels = torch.from_numpy(onehot)

    def xgrad_steps():
        for s in range(steps):
            model.apply("train", {"images": data[s * 32:(s + 1) * 32],
                                  "labels": onehot[s * 32:(s + 1) * 32]})

    def torch_steps():
        for s in range(steps):
            optimizer.zero_grad()
            out = net(tdata[s * 32:(s + 1) * 32])
            torch.nn.functional.cross_entropy(out, tlabels[s * 32:(s + 1) * 32]).backward()
            optimizer.step()
    tx, tt = interleaved(1 if quick else 3, xgrad_steps, torch_steps)
    table.add(f"CNN (Exprgrad's), batch 32, {steps} train steps, 1 thread", "s", tx,
              "PyTorch", tt, False)
    test = rng.random((1000 if quick else 10000, 28, 28, 1), dtype=np.float32)
    ttest = torch.from_numpy(test).permute(0, 3, 1, 2).contiguous()

    def torch_predict():
        with torch.no_grad():
            net(ttest)
    tx, tt = interleaved(3, lambda: model.call("predict", {"images": test}), torch_predict)
    table.add(f"CNN inference on {len(test)} images, 1 thread", "s", tx, "PyTorch", tt, False)
    return compile_seconds


def bench_conv(table, quick):
    """One convolution layer alone, as the CNN has them (no bias): forward, the filter
    gradient, a gradient-descent step (no input gradient on either side)."""
    rng = np.random.default_rng(4)
    steps = 20 if quick else 200
    for size, channels, kernel, filters in [(28, 1, 5, 8), (12, 8, 3, 16)]:
        xgrad.randomize(5)
        images = input("images", [None, size, size, channels])
        out = size - kernel + 1
        conv = layers.conv2d_layer(images, channels, kernel, kernel, filters)
        loss = layers.mse(conv, input("target", [None, out, out, filters])).target("loss")
        train = loss.backprop(optimizers.gradient_descent(0.01)).target("train")
        model = xgrad.compile(conv.target("conv"), loss, train, threads=1, cache=False)
        model.prepare("train")
        data = rng.random((32, size, size, channels), dtype=np.float32)
        target = rng.random((32, out, out, filters), dtype=np.float32)
        net = torch.nn.Conv2d(channels, filters, kernel, bias=False)
        optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
        tdata = torch.from_numpy(data).permute(0, 3, 1, 2).contiguous()
        ttarget = torch.from_numpy(target).permute(0, 3, 1, 2).contiguous()

        def xgrad_steps():
            for _ in range(steps):
                model.apply("train", {"images": data, "target": target})

        def torch_steps():
            for _ in range(steps):
                optimizer.zero_grad()
                torch.nn.functional.mse_loss(net(tdata), ttarget).backward()
                optimizer.step()
        tx, tt = interleaved(3, xgrad_steps, torch_steps)
        table.add(f"conv2d {kernel}x{kernel} {channels}->{filters} on 32x{size}x{size}, "
                  f"forward + backward + step, {steps} steps, 1 thread", "s", tx, "PyTorch",
                  tt, False)


def bench_xor(table):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    y = np.array([[0], [1], [1], [0]], np.float32)
    xgrad.randomize(21)
    predict = layers.sigmoid(layers.dense(
        layers.leaky_relu(layers.dense(input("x", [None, 2]), 2, 4)), 4, 1)).target("predict")
    loss = layers.mse(predict, input("y", [None, 1])).target("loss")
    train = loss.backprop(optimizers.gradient_descent(0.1)).target("train")
    start = time.perf_counter()
    model = xgrad.compile(predict, loss, train, threads=1, cache=False)
    model.prepare("train", "predict")
    compile_seconds = time.perf_counter() - start
    net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.LeakyReLU(),
                              torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    tx_, ty_ = torch.from_numpy(x), torch.from_numpy(y)

    def xgrad_train():
        for _ in range(5000):
            model.apply("train", {"x": x, "y": y})

    def torch_train():
        for _ in range(5000):
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(net(tx_), ty_).backward()
            optimizer.step()
    tx, tt = interleaved(3, xgrad_train, torch_train)
    table.add("README XOR, 5000 train steps, 1 thread", "s", tx, "PyTorch", tt, False)
    return compile_seconds


# One process's `compile` of the MLP with the cache in a directory of its own: the seconds
# from the call to a model ready to run its training step and prediction, and its hits (3:
# the model's interface and the two targets' code).
COMPILE_MLP = """
import sys, time, xgrad
source = open(sys.argv[2]).read()
start = time.perf_counter()
xgrad.Model(source, threads=1, cache_dir=sys.argv[1]).prepare("train", "predict")
print(time.perf_counter() - start, xgrad.compile_cache_stats(sys.argv[1])["hits"])
"""


def bench_cache_hit():
    """The compile of the MLP in a second process, the first having stored it."""
    import tempfile
    mlp = os.path.join(ROOT, "examples", "fashion-mnist", "mlp.mlir")
    with tempfile.TemporaryDirectory() as cache_dir:
        runs = [subprocess.run([sys.executable, "-c", COMPILE_MLP, cache_dir, mlp],
                               capture_output=True, text=True, check=True).stdout.split()
                for _ in range(2)]
    seconds, hits = float(runs[1][0]), int(runs[1][1])
    assert hits == 3, "the second process missed the compile cache"
    return seconds


def bench_distributed(table, quick):
    """The MLP's training step on 2 MPI ranks next to one process (benchmarks/
    distributed_mlp.py); returns the all-reduce's share of the 2-rank step per batch."""
    script = os.path.join(ROOT, "benchmarks", "distributed_mlp.py")
    mpirun = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", "-x", "PYTHONPATH",
              "-x", "OMP_NUM_THREADS", "-x", "OPENBLAS_NUM_THREADS"]
    steps = "50" if quick else "300"
    shares = {}
    for batch in (64,) if quick else (64, 128):
        def run(*prefix):
            out = subprocess.run([*prefix, sys.executable, script, steps, str(batch)],
                                 capture_output=True, text=True, check=True, timeout=600)
            return json.loads(out.stdout.strip().splitlines()[-1])
        one, two = run(), run(*mpirun)
        table.add(f"MLP train step, batch {batch}: 2 MPI ranks ({batch // 2} rows each, "
                  "gradients all-reduced) vs 1 process", "ms", two["step"] * 1000,
                  "xgrad, 1 process", one["step"] * 1000, False)
        shares[batch] = (two["step"] - two["local_step"]) / two["step"]
    return shares


def blas_of_numpy():
    maps = open("/proc/self/maps").read()
    libs = sorted(set(re.findall(r"/\S*(?:openblas|blas|mkl)\S*\.so\S*", maps)))
    return ", ".join(libs) or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a subset, in under a minute")
    parser.add_argument("--output", default=os.path.join(ROOT, "docs", "Performance.md"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    table = Table()
    runs = 5 if args.quick else 15
    bench_matmuls(table, args.quick, runs)
    mlp_compile = bench_mlp(table, args.quick)
    cnn_compile = bench_cnn(table, args.quick)
    bench_conv(table, args.quick)
    xor_compile = bench_xor(table)
    mlp_cache_hit = bench_cache_hit()
    allreduce_shares = bench_distributed(table, args.quick)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"Model name:\s*(.*)", cpu)
    flags = re.search(r"Flags:\s*(.*)", cpu)
    vector = "AVX-512" if flags and "avx512f" in flags.group(1) else "AVX2"
    text = f"""# Performance

Generated by `benchmarks/run.sh{' --quick' if args.quick else ''}` on
{datetime.date.today().isoformat()}: xgrad and its peer measured in one process, interleaved
(A B A B ...; two-thread rows in blocks of 0.25 s after 0.25 s unrecorded, so that neither
side is timed against the other runtime's spinning workers), medians; thread counts set on
both sides. Do not edit by hand: rerun the command. The machines are shared and noisy: read
the ratios, not the absolute figures.

- CPU: {model.group(1) if model else platform.processor()} ({os.cpu_count()} cores, {vector})
- numpy's BLAS: {blas_of_numpy()}; PyTorch {torch.__version__}
- xgrad's figures include the Python API's cost of each call: inputs are read in place
  (C-contiguous arrays of the element type), results handed to numpy without a copy.

{table.markdown()}

Speed ratio: above 1, xgrad is faster.

Cold compile (from IR text or the Python graph to a model ready to run its training step
and prediction, the compile cache off; the loss target, never called, is never compiled): MLP
with Adam {mlp_compile * 1000:.0f} ms, CNN with Adam {cnn_compile * 1000:.0f} ms, README XOR
{xor_compile * 1000:.0f} ms. The MLP compiled in a second process, read from the
compile cache the first one filled: {mlp_cache_hit * 1000:.1f} ms. Peak resident memory of
the whole benchmark process: {peak_kib / 1024:.0f} MiB.

Data-parallel MPI training (docs/Distributed.md): the all-reduce's share of the 2-rank MLP
step (the step minus the same graph compiled for one process run on the rank's share, over
the step): {", ".join(f"batch {b}: {100 * s:.1f}%" for b, s in allreduce_shares.items())}.
"""
    with open(args.output, "w") as f:
        f.write(text)
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
