"""Data-parallel training from Python (docs/Distributed.md): ``xgrad.compile(...,
distributed=True)`` under ``mpirun -np 2`` ends with one process's state and loss."""
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

import xgrad

HERE = pathlib.Path(__file__).parent
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe"]


def run(*command, **kwargs):
    # A hang (a rank waiting for a peer for ever) fails the test instead of stalling it.
    return subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ), **kwargs)


def test_two_ranks_end_with_one_process_state(tmp_path):
    assert shutil.which("mpirun"), "utils/install-deps.sh installs openmpi-bin"
    one = run(sys.executable, str(HERE / "distributed_xor.py"), "one", str(tmp_path / "one"))
    assert one.returncode == 0, one.stderr
    two = run(*MPIRUN, "-np", "2", sys.executable, str(HERE / "distributed_xor.py"),
              "distributed", str(tmp_path / "two"))
    assert two.returncode == 0, two.stderr
    # Both ranks report the global loss, the one the single process has.
    lines = sorted(line for line in two.stdout.splitlines() if line.startswith("rank"))
    assert [line.split(":")[0] for line in lines] == ["rank 0 of 2", "rank 1 of 2"]
    assert len({line.split(":")[1] for line in lines}) == 1
    assert lines[0].split(": ")[1] == one.stdout.strip().split(": ")[1]
    # Only rank 0 printed progress.
    assert two.stderr.count("epoch 50/50") == 1, two.stderr

    # The same state, loaded into a model of one process.
    xgrad.randomize(21)
    from xgrad import input, optimizers
    net = (input("x").dense(2, 4).leaky_relu().dense(4, 1).sigmoid().target("predict")
           .mse(input("y")).target("loss").backprop(optimizers.adam(0.01)).target("train"))
    first, second = xgrad.compile(net, cache=False), xgrad.compile(net, cache=False)
    first.load(tmp_path / "one")
    second.load(tmp_path / "two")
    for name, value in first.state.items():
        np.testing.assert_allclose(second.state[name], value, rtol=0,
                                   atol=1e-5 * np.abs(value).max(), err_msg=name)


def test_options_are_checked():
    with pytest.raises(ValueError, match="loss_reduction must be 'mean' or 'sum', got 'median'"):
        xgrad.compile(xgrad.input("x", [2]).target("x"), loss_reduction="median")
