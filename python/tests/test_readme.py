"""Exprgrad's README programs as Exprgrad writes them: layers as methods, inputs without
shapes, and one node compiled (the model has every target it reaches)."""
import numpy as np
import pytest

import xgrad
from xgrad import Fun, Iter, exp, input, optimizers, param, select, sq

TRAIN_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
TRAIN_Y = np.array([[0], [1], [1], [0]], np.float32)


def train_xor(net):
    model = xgrad.compile(net)
    assert {"model.predict", "model.loss", "model.train"} <= set(model.targets)
    for _ in range(5000):
        model.apply("train", {"x": TRAIN_X, "y": TRAIN_Y})
    return model.call("predict", {"x": TRAIN_X})


def test_the_layers_program_in_the_chained_form():
    xgrad.randomize(21)
    net = (input("x")
           .dense(2, 4)
           .leaky_relu()
           .dense(4, 1)
           .sigmoid()
           .target("predict")
           .mse(input("y"))
           .target("loss")
           .backprop(optimizers.gradient_descent(0.1))
           .target("train"))
    np.testing.assert_allclose(train_xor(net), TRAIN_Y, atol=0.1)


def test_the_kernels_program_with_a_hand_written_optimizer():
    xgrad.randomize(21)
    y, x, it = Iter(), Iter(), Iter()
    hidden, hidden_relu, output, output_sigmoid, loss = Fun(), Fun(), Fun(), Fun(), Fun()
    hidden[y, x] += input("x")[y, it] * param([2, 4])[it, x]
    hidden[y, x] += param([4])[x]
    hidden_relu.flat[it] += select(hidden.flat[it] <= 0.0, 0.1 * hidden.flat[it], hidden.flat[it])
    output[y, x] += hidden_relu[y, it] * param([4, 1])[it, x]
    output[y, x] += param([1])[x]
    output_sigmoid.flat[it] += 1.0 / (1.0 + exp(-output.flat[it]))
    pred = output_sigmoid.target("predict")
    loss[0] += sq(pred.flat[it] - input("y").flat[it])

    def optim(param, grad):
        i = Iter()
        param.flat[i] += -0.1 * grad.flat[i]
    net = loss.target("loss").backprop(optim).target("train")
    np.testing.assert_allclose(train_xor(net), TRAIN_Y, atol=0.1)


def test_an_input_without_a_shape_that_nothing_indexes_needs_one():
    i = Iter()
    out = Fun()
    out.flat[i] += input("v").flat[i] * 2.0
    with pytest.raises(RuntimeError, match="input 'v' has no shape and no kernel indexes it"):
        xgrad.compile(out.target("t"))


def test_an_unknown_method_is_an_attribute_error():
    with pytest.raises(AttributeError, match="'Fun' object has no attribute 'densee'"):
        input("x").densee(2, 4)
