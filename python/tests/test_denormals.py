"""Subnormals: flushed to zero inside compiled code by default, kept with
flush_denormals=False, and the caller's floating-point mode is left as it was."""
import pathlib

import numpy as np

import xgrad

# The graph of the integration test (its RUN lines are comments to the parser).
ROOT = pathlib.Path(__file__).parents[2]
SOURCE = (ROOT / "test" / "Integration" / "denormals.mlir").read_text()


def subnormal_in_python():
    return np.float32(1e-20) * np.float32(1e-20)


def test_flushed_inside_and_restored_outside():
    x = np.array([1e-10, 1.0, 1e-40], dtype=np.float32)
    for threads in (1, 2):
        model = xgrad.Model(SOURCE, threads=threads, parallel_min_work=0)
        expected = np.array([0, 1e-30, 0], dtype=np.float32)
        np.testing.assert_array_equal(model.call("tiny", {"x": x}), expected)
        assert subnormal_in_python() != 0


def test_kept_when_asked():
    x = np.array([1e-10, 1.0], dtype=np.float32)
    model = xgrad.Model(SOURCE, flush_denormals=False)
    result = model.call("tiny", {"x": x})
    assert 0 < result[0] < np.finfo(np.float32).tiny
    assert result[1] == np.float32(1e-30)
