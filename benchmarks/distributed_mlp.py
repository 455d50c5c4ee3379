"""The MLP's training step, data-parallel on the ranks of an MPI run: a helper of run.py.

Usage: distributed_mlp.py STEPS BATCH. Run alone (one process) it times steps of BATCH
rows. Under ``mpirun -np N`` every rank takes its share of each batch and times two models in turn (interleaved, medians): the
distributed one, whose step all-reduces the gradients, and the same graph compiled for one
process, which does the same work on the share without the collective; their difference
is what the all-reduce costs (packing, the sum over ranks, unpacking). Prints one JSON line
(rank 0 only)."""
import json
import os
import sys
import time

import numpy as np

import xgrad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEPS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
BATCH = int(sys.argv[2]) if len(sys.argv) > 2 else 64


def main():
    source = open(os.path.join(ROOT, "examples", "fashion-mnist", "mlp.mlir")).read()
    rng = np.random.default_rng(1)
    images = rng.random((STEPS * BATCH, 784), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, STEPS * BATCH)]
    distributed = xgrad.Model(source, threads=1, cache=False, distributed=True)
    distributed.prepare("train")
    ranks, rank = xgrad.world_size(), xgrad.rank()
    share = BATCH // ranks
    local = xgrad.Model(source, threads=1, cache=False)
    local.prepare("train")

    def steps(model):
        def run():
            for s in range(STEPS):
                begin = s * BATCH + rank * share
                model.apply("train", {"images": images[begin:begin + share],
                                      "labels": labels[begin:begin + share]})
        return run

    runs = [[], []]
    for attempt in range(4):
        for model, times in ((distributed, runs[0]), (local, runs[1])):
            start = time.perf_counter()
            steps(model)()
            if attempt:  # the first is a warm-up
                times.append((time.perf_counter() - start) / STEPS)
    if rank == 0:
        print(json.dumps({"ranks": ranks, "step": float(np.median(runs[0])),
                          "local_step": float(np.median(runs[1]))}))


main()
