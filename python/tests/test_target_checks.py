"""A target runs only the run-time checks of the kernels it computes."""
import numpy as np
import pytest

import xgrad
from xgrad import Fun, Iter, input, layers


def test_a_target_does_not_run_another_targets_checks():
    i, j = Iter("i"), Iter("j")
    a = input("a", [None, None])
    d, e = Fun(), Fun()
    d[i] += a[i, i]
    e[i, j] += a[i, j] * 2.0
    model = xgrad.compile(d.named("diag").target("diag"), e.target("double"))
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(model.call("double", {"a": x}), 2 * x)
    assert "xgrad.check" not in model.ir("functions").split("@model.double")[1]
    with pytest.raises(RuntimeError, match="kernel 'diag': iterator `i` has one extent from "
                                           "dimension 0 of input 'a' and another from "
                                           "dimension 1 of input 'a' \\(2 vs 3\\)"):
        model.call("diag", {"a": x})
    square = np.arange(9, dtype=np.float32).reshape(3, 3)
    np.testing.assert_array_equal(model.call("diag", {"a": square}), np.diag(square))


def test_two_reshapes_of_one_input_as_two_targets():
    x = input("x", [None])
    model = xgrad.compile(layers.reshape(x, [-1, 5]).target("five"),
                          layers.reshape(x, [-1, 4]).target("four"))
    assert model.call("five", {"x": np.arange(10, dtype=np.float32)}).shape == (2, 5)
    assert model.call("four", {"x": np.arange(8, dtype=np.float32)}).shape == (2, 4)
    with pytest.raises(RuntimeError, match="four|reshape"):
        model.call("four", {"x": np.arange(10, dtype=np.float32)})
