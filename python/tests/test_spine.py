"""The compiler's spine from Python: one pipeline (the stage printer equals xgrad-opt), one
set of compile options, and the compiled module as bytes that run in a fresh process."""
import os
import subprocess
import sys

import numpy as np
import pytest

import xgrad
from xgrad import input, layers, optimizers

BUILD = os.environ.get("XGRAD_BUILD_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(xgrad.__file__), "..", ".."))
XGRAD_OPT = os.path.join(BUILD, "bin", "xgrad-opt")
STAGES = ["xgrad", "inferred", "functions", "linalg", "scheduled", "llvm"]
CORES = xgrad._xgrad.all_threads()


def xor_targets():
    xgrad.randomize(21)
    predict = layers.sigmoid(layers.dense(
        layers.leaky_relu(layers.dense(input("x", [None, 2]), 2, 4)), 4, 1)).target("predict")
    loss = layers.mse(predict, input("y", [None, 1])).target("loss")
    train = loss.backprop(optimizers.gradient_descent(0.1)).target("train")
    return [predict, loss, train]


def classifier_targets(kind):
    xgrad.randomize(1)
    if kind == "mlp":
        logits = layers.dense(layers.relu(layers.dense(input("images", [None, 784]), 784, 128)),
                              128, 10)
    else:
        hidden = layers.max_pool2d(layers.relu(layers.conv2d_layer(
            input("images", [None, 28, 28, 1]), 1, 5, 5, 8)))
        hidden = layers.max_pool2d(layers.relu(layers.conv2d_layer(hidden, 8, 3, 3, 16)))
        logits = layers.dense(layers.flatten(hidden, 400), 400, 10)
    predict = logits.target("predict")
    loss = layers.softmax_cross_entropy(predict, input("labels", [None, 10]))
    return [predict, loss.backprop(optimizers.adam(0.001)).target("train")]


MODELS = {"xor": xor_targets, "mlp": lambda: classifier_targets("mlp"),
          "cnn": lambda: classifier_targets("cnn")}


def inputs_for(kind):
    rng = np.random.default_rng(5)
    if kind == "xor":
        return {"x": np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32),
                "y": np.array([[0], [1], [1], [0]], np.float32)}
    images = rng.random((4, 784) if kind == "mlp" else (4, 28, 28, 1), dtype=np.float32)
    return {"images": images, "labels": np.eye(10, dtype=np.float32)[[3, 1, 4, 1]]}


def xgrad_opt(source, options):
    # A sanitized interpreter preloads the shared sanitizer runtime; xgrad-opt links its own.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    run = subprocess.run([XGRAD_OPT, f"--xgrad-pipeline={options}"], input=source,
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_every_stage_prints_what_xgrad_opt_prints(kind):
    model = xgrad.compile(*MODELS[kind](), threads=1)
    for stage in STAGES:
        assert model.ir(stage) == xgrad_opt(model.source, f"until={stage} threads=1"), stage
    parallel = xgrad.compile(*MODELS[kind](), threads=2)
    for stage in ["linalg", "llvm"]:
        assert parallel.ir(stage) == xgrad_opt(parallel.source, f"until={stage} threads=2")
    assert "omp.parallel" in parallel.ir("llvm") or "omp.wsloop" in parallel.ir("llvm")
    assert "omp." not in model.ir("llvm")
    # The default, threads=0, is one per core in both.
    default = xgrad.compile(*MODELS[kind]())
    assert default.ir("llvm") == xgrad_opt(default.source, "until=llvm")
    assert default.ir("llvm") == xgrad_opt(default.source, f"until=llvm threads={CORES}")


def test_unknown_stage_lists_the_stages():
    model = xgrad.compile(*xor_targets())
    with pytest.raises(RuntimeError, match="unknown stage 'lowered'.*scheduled, llvm"):
        model.ir("lowered")


RUN_EVERY_TARGET = """
import sys, numpy as np, xgrad
def run(model, inputs):
    out = {}
    for target in sorted(model.targets):
        value = model.call(target, {n: inputs[n] for n in model.inputs(target)})
        out["value " + target] = value
    for name, tensor in model.state.items():
        out["state " + name] = tensor
    return {k: (str(v.dtype), v.shape, v.tobytes().hex()) for k, v in out.items()}
"""


@pytest.mark.parametrize("kind", ["xor", "mlp", "cnn"])
def test_compiled_module_runs_bit_identically_in_a_fresh_process(kind, tmp_path):
    model = xgrad.compile(*MODELS[kind]())
    data = model.compiled()
    inputs = inputs_for(kind)
    (tmp_path / "module.xgc").write_bytes(data)
    np.savez(tmp_path / "inputs.npz", **inputs)
    namespace = {}
    exec(RUN_EVERY_TARGET, namespace)
    expected = namespace["run"](model, inputs)
    script = RUN_EVERY_TARGET + f"""
model = xgrad.Model.from_compiled(open({str(tmp_path / 'module.xgc')!r}, 'rb').read())
inputs = dict(np.load({str(tmp_path / 'inputs.npz')!r}))
print(repr(run(model, inputs)))
"""
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert fresh.returncode == 0, fresh.stderr
    assert eval(fresh.stdout) == expected
    assert any(k.startswith("state ") for k in expected)


def test_damaged_compiled_modules_are_errors():
    data = xgrad.compile(*xor_targets()).compiled()
    with pytest.raises(RuntimeError, match="not a compiled xgrad module"):
        xgrad.Model.from_compiled(b"garbage")
    with pytest.raises(RuntimeError, match="corrupt|malformed"):
        xgrad.Model.from_compiled(data[: len(data) // 2])
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0x40
    with pytest.raises(RuntimeError, match="checksum"):
        xgrad.Model.from_compiled(bytes(flipped))
    loaded = xgrad.Model.from_compiled(data)
    with pytest.raises(ValueError, match="no IR"):
        loaded.ir("llvm")


@pytest.mark.parametrize("dtype", ["float64", "f64", np.float64, np.dtype("float64")])
def test_dtype_spellings_of_f64_give_an_f64_model(dtype):
    model = xgrad.compile(*xor_targets(), dtype=dtype)
    assert "f64" in model.ir("xgrad") and "f32" not in model.ir("xgrad")
    value = model.call("predict", {"x": np.zeros((1, 2))})
    assert value.dtype == np.float64


def test_unsupported_options_are_errors_not_defaults():
    with pytest.raises(ValueError, match="dtype 'f16' is not supported"):
        xgrad.compile(*xor_targets(), dtype="f16")
    with pytest.raises(ValueError, match="dtype 'float16' is not supported"):
        xgrad.compile(*xor_targets(), dtype=np.float16)
    with pytest.raises(TypeError, match="dtype must be"):
        xgrad.compile(*xor_targets(), dtype=object())
    with pytest.raises(ValueError, match=r"threads must be 0 \(one per core\) or more, got -1"):
        xgrad.compile(*xor_targets(), threads=-1)
    with pytest.raises(ValueError, match="optimisation level must be 0 to 3"):
        xgrad.compile(*xor_targets(), opt_level=4)
    with pytest.raises(TypeError):
        xgrad.compile(*xor_targets(), paralel=True)


def test_options_reach_the_code():
    x = {"x": np.array([[0, 1]], np.float32)}
    reference = xgrad.compile(*xor_targets()).call("predict", x)
    for options in [dict(threads=1), dict(threads=2), dict(use_linalg=False),
                    dict(opt_level=0), dict(parallel=True)]:
        model = xgrad.compile(*xor_targets(), **options)
        np.testing.assert_allclose(model.call("predict", x), reference, rtol=1e-6)
    loops = xgrad.compile(*xor_targets(), use_linalg=False)
    assert "linalg.generic" not in loops.ir("linalg")
    assert "linalg.generic" in xgrad.compile(*xor_targets()).ir("linalg")
