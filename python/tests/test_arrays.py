"""Exprgrad's Array[T]: literal lists read at an index, against numpy, and their gradient."""
import numpy as np
import pytest

import xgrad
from xgrad import Fun, Iter, input, wrap

A = np.array([0.5, -1.5, 2.0, 0.25, 3.0], np.float64)


def test_a_table_with_computed_elements_matches_numpy():
    i = Iter("i")
    a, out = input("a", [None]), Fun()
    table = xgrad.array([0.25, a[i] * 2.0, 1.0])
    out[i] += table[wrap(i, table.len)]
    got = xgrad.compile(out.target("out"), dtype="f64").call("out", {"a": A})
    expected = np.array([[0.25, 2 * v, 1.0][k % 3] for k, v in enumerate(A)])
    np.testing.assert_array_equal(got, expected)


def test_an_index_array_and_a_read_at_a_data_dependent_index():
    i = Iter("i")
    k, out = input("k", [None]), Fun()
    offsets = xgrad.array([2, 0, 1])
    values = xgrad.array([10.0, 20.0, 30.0])
    out[i] += values[offsets[xgrad.to_index(k[i])]]
    model = xgrad.compile(out.target("out"))
    picks = np.array([0, 1, 2, 1], np.float32)
    np.testing.assert_array_equal(model.call("out", {"k": picks}),
                                  np.array([10.0, 20.0, 30.0])[np.array([2, 0, 1])[[0, 1, 2, 1]]])
    with pytest.raises(RuntimeError, match="the read of an array at dimension 0 is out of "
                                           "bounds: index 3, extent 3"):
        model.call("out", {"k": np.array([0, 3], np.float32)})


def test_the_gradient_of_a_read_goes_to_the_element_it_selected():
    i = Iter("i")
    a, loss = input("a", [None]), Fun()
    loss[0] += xgrad.array([a[i] * a[i], 3.0 * a[i]])[wrap(i, 2)]
    model = xgrad.compile(loss.grad(a).target("da"), dtype="f64")
    expected = np.where(np.arange(len(A)) % 2 == 0, 2 * A, 3.0)
    np.testing.assert_allclose(model.call("da", {"a": A}), expected)


def test_an_array_of_mixed_types_or_nothing_is_an_error():
    with pytest.raises(TypeError, match="an array holds values of one type: element 1 is Iter"):
        xgrad.array([1.0, Iter()])
    with pytest.raises(ValueError, match="at least one element"):
        xgrad.array([])


def test_a_constant_index_outside_is_a_compile_error():
    i = Iter("i")
    a, out = input("a", [None]), Fun()
    out[i] += xgrad.array([1.0, 2.0])[2] * a[i]
    with pytest.raises(RuntimeError, match="reads element 2 of an array of 2"):
        xgrad.compile(out.target("out"))
