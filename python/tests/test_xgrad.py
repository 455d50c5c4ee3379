"""The xgrad Python package: kernels, layers against PyTorch, training, errors."""
import sys

import numpy as np
import pytest
import torch

import xgrad
from xgrad import (Fun, Iter, cos, exp, input, layers, ln, log2, log10, max, min, optimizers,
                   param, pow, select, sin, sq, sqrt, tanh, to_index, to_scalar, wrap)

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
Y = np.array([[0], [1], [1], [0]], np.float32)


def train_xor(model):
    for _ in range(5000):
        model.apply("train", {"x": X, "y": Y})
    return model.call("predict", {"x": X})


def test_readme_xor_with_layers_converges():
    xgrad.randomize(21)
    predict = layers.sigmoid(layers.dense(
        layers.leaky_relu(layers.dense(input("x", [None, 2]), 2, 4)), 4, 1)).target("predict")
    loss = layers.mse(predict, input("y", [None, 1])).target("loss")
    train = loss.backprop(optimizers.gradient_descent(0.1)).target("train")
    predictions = train_xor(xgrad.compile(predict, loss, train))
    assert np.abs(predictions - Y).max() < 0.1


def test_readme_xor_in_kernels_converges():
    xgrad.randomize(21)
    y, x, it = Iter(), Iter(), Iter()
    hidden, hidden_relu, output, output_sigmoid, loss = Fun(), Fun(), Fun(), Fun(), Fun()
    inputs, labels = input("x", [None, 2]), input("y", [None, 1])
    w1, b1, w2, b2 = param([2, 4]), param([4]), param([4, 1]), param([1])
    hidden[y, x] += inputs[y, it] * w1[it, x]
    hidden[y, x] += b1[x]
    hidden_relu.flat[it] += select(hidden.flat[it] <= 0.0, 0.1 * hidden.flat[it],
                                   hidden.flat[it])
    output[y, x] += hidden_relu[y, it] * w2[it, x]
    output[y, x] += b2[x]
    output_sigmoid.flat[it] += 1.0 / (1.0 + exp(-output.flat[it]))
    pred = output_sigmoid.target("predict")
    loss[0] += sq(pred.flat[it] - labels.flat[it])

    def optim(param, grad):
        i = Iter()
        param.flat[i] += -0.1 * grad.flat[i]
    net = loss.target("loss").backprop(optim).target("train")
    predictions = train_xor(xgrad.compile(pred, net))
    assert np.abs(predictions - Y).max() < 0.1


def test_every_instruction_matches_numpy():
    a_np = np.array([0.5, 1.5, 2.25, 3.25])
    b_np = np.array([2.5, 0.75, 2.25, 1.5])
    a, b, i = input("a", [None]), input("b", [None]), Iter()
    cases = {
        "add": (lambda: a[i] + b[i], a_np + b_np),
        "sub": (lambda: a[i] - b[i], a_np - b_np),
        "mul": (lambda: a[i] * b[i], a_np * b_np),
        "div": (lambda: a[i] / b[i], a_np / b_np),
        "neg": (lambda: -a[i], -a_np),
        "sq": (lambda: sq(a[i]), a_np ** 2),
        "min": (lambda: min(a[i], b[i]), np.minimum(a_np, b_np)),
        "max": (lambda: max(a[i], b[i]), np.maximum(a_np, b_np)),
        "select": (lambda: select(a[i] < b[i], a[i], b[i]), np.where(a_np < b_np, a_np, b_np)),
        "eq": (lambda: to_scalar(a[i] == b[i]), (a_np == b_np) * 1.0),
        "ne": (lambda: to_scalar(a[i] != b[i]), (a_np != b_np) * 1.0),
        "gt": (lambda: to_scalar(a[i] > b[i]), (a_np > b_np) * 1.0),
        "le": (lambda: to_scalar(a[i] <= b[i]), (a_np <= b_np) * 1.0),
        "ge": (lambda: to_scalar(a[i] >= b[i]), (a_np >= b_np) * 1.0),
        "and_or_not": (lambda: to_scalar((a[i] < b[i]) & ~(a[i] > b[i]) | (a[i] == b[i])),
                       (((a_np < b_np) & ~(a_np > b_np)) | (a_np == b_np)) * 1.0),
        "sin": (lambda: sin(a[i]), np.sin(a_np)),
        "cos": (lambda: cos(a[i]), np.cos(a_np)),
        "exp": (lambda: exp(a[i]), np.exp(a_np)),
        "pow": (lambda: pow(a[i], b[i]), a_np ** b_np),
        "sqrt": (lambda: sqrt(a[i]), np.sqrt(a_np)),
        "ln": (lambda: ln(a[i]), np.log(a_np)),
        "log2": (lambda: log2(a[i]), np.log2(a_np)),
        "log10": (lambda: log10(a[i]), np.log10(a_np)),
        "tanh": (lambda: tanh(a[i]), np.tanh(a_np)),
        # `+ a[i] - a[i]` (exactly zero) gives the iterator its range.
        "index": (lambda: to_scalar((i // 2) + (i % 3) * wrap(i - 1, 4)) + a[i] - a[i],
                  (np.arange(4) // 2 + (np.arange(4) % 3) * ((np.arange(4) - 1) % 4)) * 1.0),
        "to_index": (lambda: to_scalar(to_index(a[i])), np.trunc(a_np)),
        "shape": (lambda: to_scalar(a.len + a.shape[0] + a.shape.len) + a[i] - a[i],
                  np.full(4, 9.0)),
    }
    targets = []
    for name, (build, _) in cases.items():
        out = Fun()
        out[i] += build()
        targets.append(out.target(name))
    model = xgrad.compile(*targets, dtype="f64")
    for name, (_, expected) in cases.items():
        needed = {"a": a_np, "b": b_np}
        try:
            result = model.call(name, needed)
        except RuntimeError:
            result = model.call(name, {"a": a_np})
        np.testing.assert_allclose(result, expected, rtol=1e-12, err_msg=name)


RNG = np.random.default_rng(5)
IMAGES = RNG.standard_normal((2, 6, 6, 3)).astype(np.float32)
FILTERS = RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)
MATRIX = RNG.standard_normal((3, 5)).astype(np.float32)
PROBABILITIES = torch.softmax(torch.tensor(MATRIX), 1).numpy()
ONE_HOT = np.eye(5, dtype=np.float32)[[1, 4, 0]]
# Never equal to MATRIX: at ties min/max pass the gradient to one side, torch splits it.
OTHER = RNG.standard_normal((3, 5)).astype(np.float32)

# name: (input arrays, xgrad layer, torch reference)
LAYERS = {
    "relu": ([MATRIX], layers.relu, torch.relu),
    "leaky_relu": ([MATRIX], lambda v: layers.leaky_relu(v, 0.2),
                   lambda v: torch.nn.functional.leaky_relu(v, 0.2)),
    "sigmoid": ([MATRIX], layers.sigmoid, torch.sigmoid),
    "tanh": ([MATRIX], layers.tanh, torch.tanh),
    "softmax": ([MATRIX], layers.softmax, lambda v: torch.softmax(v, 1)),
    "cross_entropy": ([PROBABILITIES, ONE_HOT], layers.cross_entropy,
                      lambda p, t: -(t * torch.log(p)).sum(0, keepdim=True).sum(1) / p.shape[0]),
    "softmax_cross_entropy": ([MATRIX, ONE_HOT], layers.softmax_cross_entropy,
                              lambda v, t: torch.nn.functional.cross_entropy(
                                  v, t.argmax(1)).reshape(1)),
    "mse": ([MATRIX, OTHER], layers.mse,
            lambda a, b: ((a - b) ** 2).sum().reshape(1) / a.shape[0]),
    "conv2d": ([IMAGES, FILTERS], layers.conv2d,
               lambda i, f: torch.nn.functional.conv2d(
                   i.permute(0, 3, 1, 2), f.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)),
    "conv2d_stride": ([IMAGES, FILTERS], lambda i, f: layers.conv2d(i, f, 2),
                      lambda i, f: torch.nn.functional.conv2d(
                          i.permute(0, 3, 1, 2), f.permute(0, 3, 1, 2),
                          stride=2).permute(0, 2, 3, 1)),
    "conv2d_padding": ([IMAGES, FILTERS], lambda i, f: layers.conv2d(i, f, 2, 1),
                       lambda i, f: torch.nn.functional.conv2d(
                           i.permute(0, 3, 1, 2), f.permute(0, 3, 1, 2), stride=2,
                           padding=1).permute(0, 2, 3, 1)),
    "max_pool2d": ([IMAGES], layers.max_pool2d,
                   lambda i: torch.nn.functional.max_pool2d(
                       i.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)),
    "upsample2": ([IMAGES], layers.upsample2,
                  lambda i: torch.nn.functional.interpolate(
                      i.permute(0, 3, 1, 2), scale_factor=2).permute(0, 2, 3, 1)),
    "flatten": ([IMAGES], lambda i: layers.flatten(i, 108), lambda i: i.reshape(2, 108)),
    "add": ([MATRIX, OTHER], layers.add, torch.add),
    "sub": ([MATRIX, OTHER], layers.sub, torch.sub),
    "mul": ([MATRIX, OTHER], layers.mul, torch.mul),
    "div": ([MATRIX, OTHER + 4], layers.div, torch.div),
    "minimum": ([MATRIX, OTHER], layers.minimum, torch.minimum),
    "maximum": ([MATRIX, OTHER], layers.maximum, torch.maximum),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_forward_and_gradient_match_torch(name):
    arrays, layer, reference = LAYERS[name]
    inputs = [input(f"in{k}", [None] + list(a.shape[1:])) for k, a in enumerate(arrays)]
    out = layer(*inputs)
    # The gradient of sum(out * weights) with fixed random weights reaches every element.
    expected = reference(*[torch.tensor(a) for a in arrays])
    weights_np = np.random.default_rng(9).standard_normal(expected.shape).astype(np.float32)
    weights = input("weights", list(weights_np.shape))
    loss, it = Fun(), Iter()
    loss[0] += out.flat[it] * weights.flat[it]
    targets = [out.target("out")] + [loss.grad(x).target(f"grad{k}")
                                     for k, x in enumerate(inputs)]
    model = xgrad.compile(*targets)
    feed = {f"in{k}": a for k, a in enumerate(arrays)}
    np.testing.assert_allclose(model.call("out", feed), expected.numpy(), atol=1e-5, rtol=0)

    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    (reference(*tensors) * torch.tensor(weights_np)).sum().backward()
    everything = dict(feed, weights=weights_np)
    for k, tensor in enumerate(tensors):
        if tensor.grad is None:
            continue  # torch's reference does not differentiate it (labels through argmax)
        gradient = model.call(f"grad{k}", {name: everything[name]
                                           for name in model.inputs(f"grad{k}")})
        np.testing.assert_allclose(gradient, tensor.grad.numpy(), atol=1e-5, rtol=0,
                                   err_msg=f"gradient of input {k}")


def test_softmax_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [50.0, 60.0, 70.0]], np.float32)
    labels = np.eye(3, dtype=np.float32)[[0, 1]]
    x, t = input("x", [None, 3]), input("t", [None, 3])
    model = xgrad.compile(layers.softmax(x).target("softmax"),
                          layers.softmax_cross_entropy(x, t).target("loss"))
    probabilities = model.call("softmax", {"x": logits})
    assert np.isfinite(probabilities).all()
    np.testing.assert_allclose(probabilities, torch.softmax(torch.tensor(logits), 1).numpy(),
                               atol=1e-6)
    loss = model.call("loss", {"x": logits, "t": labels})
    expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor([0, 1]))
    np.testing.assert_allclose(loss, [expected.item()], rtol=1e-5)


def test_max_reduction_and_its_gradient():
    x = input("x", [None, 4])
    row_max, y, i = Fun(), Iter(), Iter()
    row_max[y].max(x[y, i])
    loss, j = Fun(), Iter()
    loss[0] += sq(row_max[j])
    model = xgrad.compile(row_max.target("max"), loss.grad(x).target("grad"), dtype="f64")
    values = np.array([[1.0, 7.0, -3.0, 2.0], [-5.0, -1.0, -8.0, -2.0]])
    np.testing.assert_array_equal(model.call("max", {"x": values}), [7.0, -1.0])
    expected = np.zeros_like(values)
    expected[0, 1], expected[1, 1] = 14.0, -2.0
    np.testing.assert_array_equal(model.call("grad", {"x": values}), expected)


def test_dense_matches_torch_with_its_parameters():
    xgrad.randomize(3)
    x = input("x", [None, 5])
    out = layers.dense(x, 5, 2)
    loss, it = Fun(), Iter()
    loss[0] += sq(out.flat[it])
    model = xgrad.compile(out.target("out"), loss.grad(x).target("grad"))
    state = model.state
    # A layer's parameters are named after it: the first dense layer's are dense0.w, dense0.b.
    weights, bias = state["dense0.w"], state["dense0.b"]
    result = model.call("out", {"x": MATRIX})
    np.testing.assert_allclose(result, MATRIX @ weights + bias, atol=1e-5)
    np.testing.assert_allclose(model.call("grad", {"x": MATRIX}), 2 * result @ weights.T,
                               atol=1e-5)


def linear_model():
    x, t = input("x", [None, 2]), input("t", [None, 1])
    xgrad.randomize(7)
    y = layers.dense(x, 2, 1)
    loss = layers.mse(y, t)
    return xgrad.compile(y.target("predict"), loss.backprop(optimizers.adam(0.05)).target("train"))


def test_fit_apply_call_save_and_load(tmp_path):
    x = np.random.default_rng(0).standard_normal((50, 2)).astype(np.float32)
    t = (x @ np.array([[2.0], [-1.0]]) + 0.5).astype(np.float32)
    model = linear_model()
    losses = model.fit("train", {"x": x, "t": t}, batch_size=16, epochs=30, shuffle=True,
                       verbose=0)
    assert len(losses) == 30 and losses[-1] < losses[0] / 10
    assert model.epoch == 30
    path = tmp_path / "linear.state"
    model.save(path)
    fresh = linear_model()
    assert not np.array_equal(fresh.call("predict", {"x": x}), model.call("predict", {"x": x}))
    fresh.load(path)
    assert fresh.epoch == 30
    np.testing.assert_array_equal(fresh.call("predict", {"x": x}),
                                  model.call("predict", {"x": x}))
    (tmp_path / "broken").write_bytes(path.read_bytes()[:40])
    with pytest.raises(RuntimeError, match="cannot load"):
        fresh.load(tmp_path / "broken")


def test_errors_arrive_as_exceptions_with_the_compilers_message():
    model = linear_model()
    with pytest.raises(RuntimeError, match=r"expected a tensor of \?x2xf32, got 3x3xf32"):
        model.call("predict", {"x": np.zeros((3, 3), np.float32)})
    with pytest.raises(RuntimeError, match="needs input 'x'"):
        model.call("predict", {})
    with pytest.raises(RuntimeError, match="unknown or ambiguous target 'nope'"):
        model.call("nope", {})
    with pytest.raises(RuntimeError, match="run-time check failed"):
        model.apply("train", {"x": np.zeros((4, 2), np.float32), "t": np.zeros((3, 1), np.float32)})
    with pytest.raises(TypeError, match="expected numbers"):
        model.call("predict", {"x": np.zeros((3, 2), np.complex64)})
    with pytest.raises(RuntimeError, match="cannot parse the model"):
        xgrad.Model("xgrad.graph @g { xgrad.bogus }")
    out, i = Fun(), Iter()
    with pytest.raises(TypeError, match="accumulate"):
        out[i] = 1.0
    with pytest.raises(RuntimeError, match="read before anything was written"):
        Fun()[i] + 1.0
    a = input("a", [3])
    bad = Fun()
    bad[i] += a[i // 2]
    with pytest.raises(RuntimeError, match="cannot infer the range of iterator #0"):
        xgrad.compile(bad.target("bad"))


def test_ir_after_every_stage():
    model = linear_model()
    assert "xgrad.kernel" in model.ir("xgrad")
    assert "bounds(" in model.ir("inferred") and "xgrad.update" in model.ir("inferred")
    assert "func.func @model.train" in model.ir("functions")
    assert "linalg.generic" in model.ir("linalg")
    assert "llvm.func" in model.ir("llvm")
    with pytest.raises(RuntimeError, match="unknown stage"):
        model.ir("nope")


def test_plot_writes_a_png(tmp_path):
    from xgrad.plot import plot_history
    path = tmp_path / "curve.png"
    plot_history(path, [1.0, 0.5, 0.3], [0.7, 0.8, 0.85])
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_names_with_quotes_backslashes_and_non_ascii_round_trip():
    # Printed unescaped, this name ended the string literal: "expected ':'".
    name = 'a"b\\c é'
    a, i, out = input(name, [3]), Iter(name), Fun()
    out[i] += a[i] * 2.0
    model = xgrad.compile(out.named(name).target(name + " out"))
    assert model.targets == ["model." + name + " out"]
    assert model.inputs(name + " out") == [name]
    np.testing.assert_array_equal(
        model.call(name + " out", {name: np.array([1, 2, 3], np.float32)}), [2, 4, 6])


def test_compiler_errors_name_the_users_file_line_and_iterator():
    a, y, up = input("a", [3]), Iter("y"), Fun()
    declared = sys._getframe().f_lineno - 1
    up[y] += a[y // 2]
    written = sys._getframe().f_lineno - 1
    with pytest.raises(RuntimeError) as error:
        xgrad.compile(up.named("up").target("up"))
    message = str(error.value)
    assert f"test_xgrad.py:{written}:" in message and "error:" in message, message
    assert "cannot infer the range of iterator `y` of kernel 'up'" in message, message
    assert f"test_xgrad.py:{declared}:" in message and "iterator `y` is declared here" in message
    assert "`with_shape` in Python" in message, message
    assert "see current operation" not in message and "model:" not in message, message


def test_a_temporary_larger_than_memory_is_an_error_and_keeps_the_state():
    from xgrad import Fun, Iter
    xgrad.randomize(5)
    hidden = layers.dense(input("x", [None, 1]), 1, 100000)
    it = Iter()
    total = Fun()
    total[0] += hidden.flat[it]
    model = xgrad.compile(total.target("loss").backprop(
        optimizers.gradient_descent(0.1)).target("train"))
    before = {name: value.copy() for name, value in model.state.items()}
    # A batch of a million: the dense layer's 10^6 x 10^5 result would be 400 GB.
    with pytest.raises(RuntimeError, match=r"kernel '[^']*': its result \(tensor<\?x100000xf32>\) "
                                           r"needs 400000000000 bytes, more than the \d+ bytes"):
        model.apply("train", {"x": np.ones((10**6, 1), np.float32)})
    after = model.state
    assert before.keys() == after.keys()
    for name in before:
        assert before[name].tobytes() == after[name].tobytes(), name
    model.apply("train", {"x": np.ones((2, 1), np.float32)})
    assert any(before[n].tobytes() != v.tobytes() for n, v in model.state.items())


def xor_with_rate(rate, **options):
    xgrad.randomize(21)
    predict = layers.sigmoid(layers.dense(
        layers.leaky_relu(layers.dense(input("x", [None, 2]), 2, 4)), 4, 1)).target("predict")
    loss = layers.mse(predict, input("y", [None, 1])).target("loss")
    train = loss.backprop(optimizers.gradient_descent(rate)).target("train")
    return xgrad.compile(predict, loss, train, **options)


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], np.float32)


def test_a_diverging_fit_warns_once(capfd):
    model = xor_with_rate(1e30)
    losses = model.fit("train", {"x": XOR_X, "y": XOR_Y}, batch_size=4, epochs=5,
                       verbose=0)
    assert not all(np.isfinite(losses))
    warnings = capfd.readouterr().err.count("fit: the loss of target 'train' became")
    assert warnings == 1


def test_check_finite_names_the_first_kernel_and_keeps_the_state():
    model = xor_with_rate(1e30, check_finite=True)
    data = {"x": XOR_X, "y": XOR_Y}
    with pytest.raises(RuntimeError, match=r"kernel '[^']+' of target '[^']*train' produced \d+ "
                                           r"non-finite values \(NaN or infinity\)"):
        for _ in range(10):
            before = {name: value.copy() for name, value in model.state.items()}
            model.apply("train", data)
    # The failing step changed nothing: the state is the last finite one.
    for name, value in model.state.items():
        assert value.tobytes() == before[name].tobytes(), name
        assert np.all(np.isfinite(value)), name


def test_empty_inputs_and_outputs_cross_the_boundary():
    # No element to copy: the arrays' data may be null, which memcpy must not get (UBSan).
    x = input("x", [None, 3])
    i, j = Iter(), Iter()
    doubled = Fun()
    doubled[i, j] += x[i, j] * 2.0
    model = xgrad.compile(doubled.target("double"))
    out = model.call("double", {"x": np.zeros((0, 3), np.float32)})
    assert out.shape == (0, 3) and out.dtype == np.float32
    losses = model.fit("double", {"x": np.ones((2, 3), np.float32)}, batch_size=1,
                       verbose=0)
    assert losses == [6.0]
