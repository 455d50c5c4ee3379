"""The on-disk compile cache from Python: a second process reads what the first stored and
computes bit-identical values, processes racing on one entry all succeed, ``cache=False``
leaves no trace, and a changed option misses. A model is cached as its interface plus one
entry per target that was called (targets compile lazily, apart)."""
import os
import subprocess
import sys
import textwrap

import numpy as np

import xgrad

# Compiles the MLP of Fashion-MNIST with Adam, takes two training steps on seeded data and
# writes the predictions and the cache statistics next to the cache.
TRAIN_TWO_STEPS = textwrap.dedent("""
    import json, sys
    import numpy as np
    import xgrad
    from xgrad import input, layers, optimizers
    cache_dir, out = sys.argv[1], sys.argv[2]
    options = dict(cache_dir=cache_dir, cache=sys.argv[3] == "cache")
    xgrad.randomize(1)
    logits = layers.dense(layers.relu(layers.dense(input("images", [None, 784]), 784, 128)),
                          128, 10)
    predict = logits.target("predict")
    train = layers.softmax_cross_entropy(predict, input("labels", [None, 10])).backprop(
        optimizers.adam(0.001)).target("train")
    model = xgrad.compile(predict, train, **options)
    rng = np.random.default_rng(0)
    images = rng.random((64, 784), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 64)]
    for _ in range(2):
        model.apply("train", {"images": images, "labels": labels})
    np.save(out + ".npy", model.call("predict", {"images": images}))
    json.dump(xgrad.compile_cache_stats(cache_dir), open(out + ".json", "w"))
""")


def run_training(tmp_path, name, cache=True, wait=True):
    command = [sys.executable, "-c", TRAIN_TWO_STEPS, str(tmp_path / "cache"),
               str(tmp_path / name), "cache" if cache else "no-cache"]
    process = subprocess.Popen(command, env=dict(os.environ), stderr=subprocess.PIPE,
                               text=True)
    return finish(process, tmp_path, name) if wait else process


def finish(process, tmp_path, name):
    _, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors
    import json
    stats = json.load(open(tmp_path / (name + ".json")))
    return np.load(tmp_path / (name + ".npy")), stats


def test_second_process_hits_and_computes_the_same_bits(tmp_path):
    cold, first = run_training(tmp_path, "first")
    # The interface, the training step and the prediction.
    assert (first["hits"], first["misses"], first["entries"]) == (0, 3, 3)
    warm, second = run_training(tmp_path, "second")
    assert (second["hits"], second["misses"], second["rejected"]) == (3, 0, 0)
    assert second["entries"] == 3
    uncached, _ = run_training(tmp_path, "uncached", cache=False)
    assert cold.tobytes() == warm.tobytes() == uncached.tobytes()


def test_processes_racing_on_one_entry_all_succeed(tmp_path):
    racers = [run_training(tmp_path, f"racer{i}", wait=False) for i in range(3)]
    results = [finish(process, tmp_path, f"racer{i}") for i, process in enumerate(racers)]
    for values, stats in results:
        assert values.tobytes() == results[0][0].tobytes()
        assert stats["rejected"] == 0 and stats["write_errors"] == 0
    names = os.listdir(tmp_path / "cache")
    assert len(names) == 3 and all(n.endswith(".xgradmod") for n in names), names
    _, after = run_training(tmp_path, "after")
    assert (after["hits"], after["misses"], after["rejected"]) == (3, 0, 0)


def test_no_cache_neither_reads_nor_writes(tmp_path):
    run_training(tmp_path, "uncached", cache=False)
    assert not (tmp_path / "cache").exists()


def test_a_changed_option_misses(tmp_path):
    source = "\n".join([
        'xgrad.graph @g {',
        '  %x = xgrad.input "x" : tensor<?xf32>',
        '  %y = xgrad.kernel "double" -> tensor<*xf32> {',
        '  ^bb0(%i: index):',
        '    %v = xgrad.read %x[%i] : tensor<?xf32>',
        '    %p = arith.addf %v, %v : f32',
        '    xgrad.accumulate %p at [%i] : f32',
        '  }',
        '  xgrad.target "double" %y : tensor<*xf32>',
        '}'])
    cache_dir = tmp_path / "cache"
    before = xgrad.compile_cache_stats(cache_dir)
    xgrad.Model(source, cache_dir=cache_dir)
    xgrad.Model(source, cache_dir=cache_dir)
    xgrad.Model(source, cache_dir=cache_dir, opt_level=3)
    xgrad.Model(source, cache_dir=cache_dir, source_name="other.mlir")
    model = xgrad.Model(source, cache_dir=cache_dir, threads=2)
    np.testing.assert_array_equal(model.call("double", {"x": np.arange(3, dtype=np.float32)}),
                                  [0, 2, 4])
    model = xgrad.Model(source, cache_dir=cache_dir, threads=2, parallel_min_work=0)
    np.testing.assert_array_equal(model.call("double", {"x": np.arange(3, dtype=np.float32)}),
                                  [0, 2, 4])
    after = xgrad.compile_cache_stats(cache_dir)
    assert after["hits"] - before["hits"] == 1
    assert after["misses"] - before["misses"] == 7  # 5 interfaces, 2 targets' code
    assert after["entries"] == 7


def double_and_square():
    x = xgrad.input("x", [None])
    i = xgrad.Iter()
    double, square = xgrad.Fun(), xgrad.Fun()
    double[i] += x[i] * 2.0
    square[i] += x[i] * x[i]
    return double.target("double"), square.target("square")


def test_targets_compile_on_their_first_call(tmp_path):
    cache_dir = tmp_path / "cache"
    model = xgrad.compile(*double_and_square(), cache_dir=cache_dir)
    assert xgrad.compile_cache_stats(cache_dir)["entries"] == 1  # the interface only
    x = np.arange(4, dtype=np.float32)
    np.testing.assert_array_equal(model.call("square", {"x": x}), x * x)
    assert xgrad.compile_cache_stats(cache_dir)["entries"] == 2
    np.testing.assert_array_equal(model.call("square", {"x": x}), x * x)
    assert xgrad.compile_cache_stats(cache_dir)["entries"] == 2  # linked once
    np.testing.assert_array_equal(model.call("double", {"x": x}), 2 * x)
    assert xgrad.compile_cache_stats(cache_dir)["entries"] == 3
    # The bytes of a lazy model hold every target, compiled as one module.
    again = xgrad.Model.from_compiled(model.compiled())
    np.testing.assert_array_equal(again.call("double", {"x": x}), 2 * x)
    np.testing.assert_array_equal(again.call("square", {"x": x}), x * x)


def test_lazy_false_compiles_every_target_up_front(tmp_path):
    cache_dir = tmp_path / "cache"
    model = xgrad.compile(*double_and_square(), cache_dir=cache_dir, lazy=False)
    before = xgrad.compile_cache_stats(cache_dir)
    assert before["entries"] == 1
    x = np.arange(4, dtype=np.float32)
    np.testing.assert_array_equal(model.call("square", {"x": x}), x * x)
    np.testing.assert_array_equal(model.call("double", {"x": x}), 2 * x)
    after = xgrad.compile_cache_stats(cache_dir)
    assert after["entries"] == 1 and after["misses"] == before["misses"]


def test_a_relative_schedule_is_found_when_a_lazy_target_compiles(tmp_path, monkeypatch):
    # The schedule names no kernel of the model: it must be read, and changes nothing.
    (tmp_path / "schedule.mlir").write_text(
        "module attributes {transform.with_named_sequence} {\n"
        "  transform.named_sequence @other(%k: !transform.any_op {transform.readonly}) {\n"
        "    transform.yield\n  }\n}\n")
    monkeypatch.chdir(tmp_path)
    model = xgrad.compile(*double_and_square(), schedule="schedule.mlir", cache=False)
    monkeypatch.chdir("/")
    x = np.arange(4, dtype=np.float32)
    np.testing.assert_array_equal(model.call("double", {"x": x}), 2 * x)
