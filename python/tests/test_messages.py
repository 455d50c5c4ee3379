"""Messages that say what went wrong in the user's terms."""
import numpy as np
import pytest

import xgrad
from xgrad import Fun, Iter, input, layers


def test_a_reshape_that_loses_elements_says_so():
    x = input("x", [None])
    model = xgrad.compile(layers.reshape(x, [-1, 5]).target("r"),
                          layers.reshape(x, [6, 7]).target("s"))
    values = np.arange(36, dtype=np.float32)
    with pytest.raises(RuntimeError, match=r"reshape of input 'x' to \[-1, 5\]: 36 elements "
                                           r"is not a multiple of 5$"):
        model.call("r", {"x": values})
    with pytest.raises(RuntimeError, match=r"reshape of input 'x' to \[6, 7\]: 36 elements, "
                                           r"not 42$"):
        model.call("s", {"x": values})
    assert model.call("r", {"x": values[:35]}).shape == (7, 5)


def test_a_reshape_of_static_extents_fails_at_compile_time():
    x = input("x", [36])
    with pytest.raises(RuntimeError, match=r"error: reshape of input 'x' to \[-1, 5\]: 36 "
                                           r"elements is not a multiple of 5"):
        xgrad.compile(layers.reshape(x, [-1, 5]).target("r"))


@pytest.mark.parametrize("shape, message", [
    ([-1, -1], "only one extent can be -1"),
    ([0, -1], "an extent of 0 next to -1"),
    ([-3, 2], "extent -3 is neither -1"),
])
def test_a_reshape_to_a_meaningless_shape_is_a_value_error(shape, message):
    with pytest.raises(ValueError, match=message):
        layers.reshape(input("x", [None]), shape)


def test_a_kernel_without_a_name_is_named_in_messages():
    i = Iter("i")
    a = input("a", [None, None])
    d = Fun()
    d[i] += a[i, i]
    with pytest.raises(RuntimeError, match="kernel 'kernel0': iterator `i`"):
        xgrad.compile(d.target("d")).call("d", {"a": np.ones((2, 3), np.float32)})
