"""Reads outside a tensor: a clear error that names the tensor, the dimension and the
iterator, never a value read from outside the buffer."""
import numpy as np
import pytest

import xgrad
from xgrad import Fun, Iter, input, wrap

A = np.arange(1, 6, dtype=np.float32)


def shifted(shape, offset):
    y = Iter("y")
    a, o = input("a", shape), Fun()
    o[y] += a[y - offset]
    return o.target("o")


@pytest.mark.parametrize("shape", [[None], [5]])
@pytest.mark.parametrize("offset", [1, 7])
def test_a_read_before_the_start_is_an_error_naming_tensor_dimension_and_iterator(shape, offset):
    with pytest.raises(RuntimeError, match=f"the read of input 'a' at dimension 0 has the "
                                           f"negative index -{offset} when iterator `y` is 0"):
        xgrad.compile(shifted(shape, offset))


def test_the_gradient_of_a_read_before_the_start_is_rejected_too():
    y = Iter("y")
    a, b, o = input("a", [None]), input("b", [None]), Fun()
    o[y] += a[y - 1] * b[y]
    with pytest.raises(RuntimeError, match="negative index"):
        xgrad.compile(o.target("o"))


def test_wrap_of_a_negative_index_reads_inside():
    y = Iter("y")
    a, b, o = input("a", [None]), input("b", [None]), Fun()
    o[y] += a[wrap(y - 7, 5)] * b[y]
    got = xgrad.compile(o.target("o")).call("o", {"a": A, "b": A})
    expected = A[(np.arange(5) - 7) % 5] * A
    np.testing.assert_array_equal(got, expected)


def test_a_shifted_read_inside_the_range_another_read_gives():
    y = Iter("y")
    a, b, o = input("a", [None]), input("b", [None]), Fun()
    o[y] += a[y + 1] * b[y]
    got = xgrad.compile(o.target("o")).call("o", {"a": A, "b": A[:4]})
    np.testing.assert_array_equal(got, A[1:] * A[:4])
    with pytest.raises(RuntimeError, match="input 'a' at dimension 0"):
        xgrad.compile(o.target("o")).call("o", {"a": A, "b": A})


DIFFERENCES = np.array([1, 2, 4, 8, 16], np.float32)


@pytest.mark.parametrize("shape", [[None], [5]])
def test_with_shape_gives_written_iterators_a_shorter_range(shape):
    y, i = Iter("y"), Iter("i")
    a, w = input("a", shape), input("w", [None])
    d, loss = Fun(), Fun()
    d[y] += a[y + 1] - a[y]
    d.with_shape([a.shape[0] - 1])
    loss[0] += d[i] * d[i] * w[i]
    model = xgrad.compile(d.target("d"), loss.grad(a).target("grad"))
    np.testing.assert_array_equal(model.call("d", {"a": DIFFERENCES}), np.diff(DIFFERENCES))
    weights = np.array([1, 2, 3, 4], np.float32)
    expected = np.zeros(5, np.float32)
    expected[1:] += 2 * np.diff(DIFFERENCES) * weights
    expected[:-1] -= 2 * np.diff(DIFFERENCES) * weights
    np.testing.assert_array_equal(model.call("grad", {"a": DIFFERENCES, "w": weights}), expected)


@pytest.mark.parametrize("shape", [[None], [5]])
def test_a_range_shorter_than_a_plain_read_stays_inside_every_buffer(shape):
    # `a[y + 0]` is a plain read of extent 5 over a range of 4 (from `a[y + 1]`): lowered so
    # that the loop runs 4 times (a linalg.generic would take 5 from `a`'s shape).
    y = Iter("y")
    a, d = input("a", shape), Fun()
    d[y] += a[y + 1] - a[y + 0]
    np.testing.assert_array_equal(xgrad.compile(d.target("d")).call("d", {"a": DIFFERENCES}),
                                  np.diff(DIFFERENCES))


def test_a_given_shape_longer_than_a_read_is_an_error():
    y = Iter("y")
    a, d = input("a", [None]), Fun()
    d[y] += a[y]
    d.with_shape([a.shape[0] + 1])
    with pytest.raises(RuntimeError, match="the read of input 'a' at dimension 0 can index "
                                           "past its extent"):
        xgrad.compile(d.target("d"))


def test_plain_extents_that_disagree_without_a_given_shape_stay_an_error():
    y, x, it = Iter("y"), Iter("x"), Iter("it")
    a, b, o = input("a", [None, None]), input("b", [None, None]), Fun()
    o[y, x] += a[y, it] * b[it, x]
    with pytest.raises(RuntimeError, match="iterator `it` has one extent from dimension 1 of "
                                           "input 'a' and another from dimension 0 of input 'b' "
                                           "\\(3 vs 4\\)"):
        xgrad.compile(o.target("o")).call("o", {"a": np.ones((2, 3), np.float32),
                                                "b": np.ones((4, 2), np.float32)})
