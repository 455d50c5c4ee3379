"""Subnormals: flushed to zero inside compiled code by default, kept with
flush_denormals=False, and the caller's floating-point mode is left as it was."""
import numpy as np

import xgrad

SOURCE = """xgrad.graph @tiny {
  %x = xgrad.input "x" : tensor<?xf32>
  %y = xgrad.kernel "tiny" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %s = arith.constant 1.0e-30 : f32
    %p = arith.mulf %v, %s : f32
    xgrad.accumulate %p at [%i] : f32
  }
  xgrad.target "tiny" %y : tensor<*xf32>
}"""


def subnormal_in_python():
    return np.float32(1e-20) * np.float32(1e-20)


def test_flushed_inside_and_restored_outside():
    x = np.array([1e-10, 1.0, 1e-40], dtype=np.float32)
    for threads in (1, 2):
        model = xgrad.Model(SOURCE, threads=threads)
        expected = np.array([0, 1e-30, 0], dtype=np.float32)
        np.testing.assert_array_equal(model.call("tiny", {"x": x}), expected)
        assert subnormal_in_python() != 0


def test_kept_when_asked():
    x = np.array([1e-10, 1.0], dtype=np.float32)
    model = xgrad.Model(SOURCE, flush_denormals=False)
    result = model.call("tiny", {"x": x})
    assert 0 < result[0] < np.finfo(np.float32).tiny
    assert result[1] == np.float32(1e-30)
