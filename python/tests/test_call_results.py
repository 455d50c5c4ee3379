"""A call's result is the compiled code's own buffer, handed to numpy without a copy
(lib/Runtime/Model.cpp, TensorBytes): it must stay valid and unshared whatever runs next."""
import gc

import numpy as np

import xgrad
from xgrad import input, layers, optimizers


def small_model():
    xgrad.randomize(5)
    x = input("x", [None, 3])
    predict = layers.dense(x, 3, 4).target("predict")
    loss = layers.mse(predict, input("y", [None, 4])).target("loss")
    train = loss.backprop(optimizers.adam(0.01)).target("train")
    return xgrad.compile(predict, loss, train, cache=False)


def test_a_result_is_not_copied_and_outlives_later_calls_and_the_model():
    model = small_model()
    x = np.arange(600, dtype=np.float32).reshape(200, 3) / 600
    first = model.call("predict", {"x": x})
    # Owned through a capsule holding the tensor: numpy did not allocate and copy it.
    assert not first.flags.owndata
    expected = first.copy()
    second = model.call("predict", {"x": x[::-1].copy()})
    assert not np.shares_memory(first, second)
    y = np.zeros((200, 4), dtype=np.float32)
    for _ in range(3):
        model.apply("train", {"x": x, "y": y})
    del model
    gc.collect()
    np.testing.assert_array_equal(first, expected)
    first += 1  # Writable, and ours alone.
    np.testing.assert_array_equal(first, expected + 1)


def test_an_empty_result():
    model = small_model()
    empty = model.call("predict", {"x": np.zeros((0, 3), dtype=np.float32)})
    assert empty.shape == (0, 4) and empty.dtype == np.float32
    ones = model.call("predict", {"x": np.ones((2, 3), dtype=np.float32)})
    np.testing.assert_array_equal(ones[0], ones[1])


def test_state_after_training_steps_is_the_models_own():
    model = small_model()
    x = np.random.default_rng(0).random((32, 3), dtype=np.float32)
    y = np.ones((32, 4), dtype=np.float32)
    before = model.call("loss", {"x": x, "y": y})
    for _ in range(20):
        model.apply("train", {"x": x, "y": y})
    state = model.state
    after = model.call("loss", {"x": x, "y": y})
    assert after < before
    for array in state.values():
        array[...] = 0  # A copy: the model's state is untouched.
    np.testing.assert_array_equal(model.call("loss", {"x": x, "y": y}), after)
