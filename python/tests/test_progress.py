"""fit's progress: a bar on a terminal (tqdm's when installed, else our own line), one line
per epoch and nothing per batch anywhere else, nothing at all with verbose=0."""
import io
import os
import pty
import re
import subprocess
import sys

import numpy as np
import pytest

import xgrad
from xgrad import input, layers, optimizers
from xgrad.progress import FitReporter

EPOCH_LINE = re.compile(r"^epoch (\d+)/3: loss \d+\.\d{4}, \d+\.\d s$")


def data():
    x = np.random.default_rng(0).standard_normal((40, 2)).astype(np.float32)
    return {"x": x, "t": (x @ np.array([[2.0], [-1.0]])).astype(np.float32)}


def model():
    x, t = input("x", [None, 2]), input("t", [None, 1])
    y = layers.dense(x, 2, 1)
    return xgrad.compile(layers.mse(y, t).backprop(optimizers.adam(0.05)).target("train"))


class Terminal(io.StringIO):
    def isatty(self):
        return True


def fit_into(stream, verbose=1, use_tqdm=None):
    """Runs fit with the reporter writing to `stream`, as Model.fit builds it."""
    reporter = FitReporter(3, verbose, stream=stream, use_tqdm=use_tqdm)
    return model()._model.fit("train", data(), 4, 3, False, 0, reporter)


def test_a_log_gets_one_line_per_epoch_and_nothing_per_batch():
    log = io.StringIO()
    losses = fit_into(log)
    lines = log.getvalue().split("\n")
    assert lines[-1] == "" and "\r" not in log.getvalue()
    assert [int(EPOCH_LINE.match(line).group(1)) for line in lines[:-1]] == [1, 2, 3]
    assert lines[2].startswith(f"epoch 3/3: loss {losses[2]:.4f}")


def test_verbose_0_is_silent_and_fit_defaults_to_stderr(capsys):
    m = model()
    m.fit("train", data(), batch_size=4, epochs=2, verbose=0)
    assert capsys.readouterr().err == ""
    m.fit("train", data(), batch_size=4, epochs=2)
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "\r" not in err  # pytest's capture is not a terminal
    with pytest.raises(ValueError, match="verbose must be 0, 1 or 2"):
        m.fit("train", data(), verbose=3)


def test_a_terminal_gets_a_redrawn_bar_then_the_epoch_line():
    terminal = Terminal()
    fit_into(terminal, use_tqdm=False)
    out = terminal.getvalue()
    # Ten batches an epoch: at least the first and the last are drawn, then the epoch's line
    # over the bar.
    assert out.count("\repoch 1/3 [") >= 2 and "10/10 loss" in out
    finals = [line.split("\r")[-1].rstrip() for line in out.split("\n")[:-1]]
    assert len(finals) == 3 and all(EPOCH_LINE.match(line) for line in finals)


def test_the_bar_is_tqdms_when_tqdm_is_installed():
    terminal = Terminal()
    fit_into(terminal, use_tqdm=True)
    out = terminal.getvalue()
    assert "batch/s" in out and "epoch 2/3" in out  # tqdm's rate, in our unit
    finals = [line.split("\r")[-1].rstrip() for line in out.split("\n")[:-1]]
    assert len(finals) == 3 and all(EPOCH_LINE.match(line) for line in finals)


def test_verbose_2_prints_lines_even_on_a_terminal():
    terminal = Terminal()
    fit_into(terminal, verbose=2)
    assert "\r" not in terminal.getvalue() and terminal.getvalue().count("\n") == 3


SCRIPT = """
import numpy as np, xgrad
from xgrad import input, layers, optimizers
x, t = input("x", [None, 2]), input("t", [None, 1])
m = xgrad.compile(layers.mse(layers.dense(x, 2, 1), t).backprop(optimizers.adam(0.05)).target("train"))
v = np.ones((8, 2), np.float32)
m.fit("train", {"x": v, "t": v[:, :1]}, batch_size=2, epochs=1)
"""


def test_a_real_pseudo_terminal_redraws():
    main, secondary = pty.openpty()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    process = subprocess.run([sys.executable, "-c", SCRIPT], stderr=secondary, env=env,
                             timeout=120)
    os.close(secondary)
    out = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    assert process.returncode == 0
    assert b"\r" in out and b"epoch 1/1: loss" in out
