"""Inputs as users pass them: one dictionary for every target, NumPy arrays of any float or
integer type, lists; a missing input or a non-numeric one is an error that says what."""
import numpy as np
import pytest

import xgrad
from xgrad import input, layers, optimizers

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
T = np.array([[0], [1], [1], [0]], np.float32)


def model(dtype="f32"):
    x, t = input("x", [None, 2]), input("t", [None, 1])
    xgrad.randomize(3)
    y = layers.dense(x, 2, 1)
    train = layers.mse(y, t).backprop(optimizers.adam(0.05)).target("train")
    return xgrad.compile(y.target("predict"), train, dtype=dtype)


def test_one_dictionary_serves_every_target():
    m = model()
    data = {"x": X, "t": T}
    before = m.call("predict", data)  # `t` is not an input of predict: ignored
    losses = m.fit("train", data, batch_size=2, epochs=3, verbose=0)
    assert len(losses) == 3
    assert not np.array_equal(m.call("predict", data), before)
    # An extra entry of another length is ignored by fit too, not batched.
    m.fit("train", {**data, "unused": np.zeros(7, np.float32)}, batch_size=2, verbose=0)


def test_a_missing_input_is_named():
    with pytest.raises(RuntimeError, match="target 'train' needs input 't'"):
        model().call("train", {"x": X})


@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int32, np.uint8, np.int64])
def test_arrays_of_other_numeric_types_are_converted(dtype):
    m32, m64 = model("f32"), model("f64")
    expected = m32.call("predict", {"x": X})
    np.testing.assert_allclose(m32.call("predict", {"x": X.astype(dtype)}), expected)
    got64 = m64.call("predict", {"x": X.astype(dtype)})
    assert got64.dtype == np.float64
    np.testing.assert_allclose(got64, m64.call("predict", {"x": X.astype(np.float64)}))


def test_an_f32_array_trains_an_f64_model_and_lists_work():
    m = model("f64")
    m.fit("train", {"x": X, "t": T}, batch_size=4, epochs=2, verbose=0)
    np.testing.assert_array_equal(m.call("predict", {"x": X.tolist()}),
                                  m.call("predict", {"x": X.astype(np.float64)}))


@pytest.mark.parametrize("value, what", [
    (np.array([["a", "b"]]), "has dtype <U1"),
    (np.ones((1, 2), bool), "has dtype bool"),
    (np.ones((1, 2), complex), "has dtype complex128"),
    (object(), "has dtype object"),
])
def test_a_non_numeric_input_is_a_type_error_saying_what_was_expected(value, what):
    with pytest.raises(TypeError, match=f"input 'x' {what}.*expected numbers \\(target "
                                        f"'predict' computes in float32\\)"):
        model().call("predict", {"x": value})
