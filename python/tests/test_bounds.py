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
