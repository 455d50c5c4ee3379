"""Compiled code runs without the GIL: other Python threads make progress during a long call,
and one model's inference target called from 4 threads at once gives the values of
sequential calls, also while another thread trains it (each call sees whole steps)."""
import threading

import numpy as np

import xgrad
from xgrad import input, layers, optimizers


def product_model(n, threads):
    return xgrad.Model(f"""xgrad.graph @g {{
  %a = xgrad.input "a" : tensor<{n}x{n}xf32>
  %b = xgrad.input "b" : tensor<{n}x{n}xf32>
  %c = xgrad.kernel "matmul" -> tensor<*xf32> {{
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read %a[%y, %it] : tensor<{n}x{n}xf32>
    %r = xgrad.read %b[%it, %x] : tensor<{n}x{n}xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }}
  xgrad.target "matmul" %c : tensor<*xf32>
}}""", threads=threads)


def test_other_threads_run_during_a_call():
    import time
    n = 1536
    # One thread: the call takes one core and the counter has the other (with the default,
    # one thread per core, the kernel's threads would starve it whatever the GIL does).
    model = product_model(n, threads=1)
    a = np.ones((n, n), np.float32)
    model.call("matmul", {"a": a, "b": a})  # compiled and warm
    running = threading.Event()
    ticks = []

    def count():
        running.set()
        while running.is_set():
            ticks.append(time.perf_counter())

    counter = threading.Thread(target=count)
    counter.start()
    running.wait()
    start = time.perf_counter()
    model.call("matmul", {"a": a, "b": a})  # about 0.1-0.3 s
    end = time.perf_counter()
    running.clear()
    counter.join()
    # The ticks well inside the call: with the GIL held there, none.
    margin = (end - start) / 4
    inside = sum(start + margin < t < end - margin for t in ticks)
    assert inside > 100, (inside, end - start)


def mlp():
    xgrad.randomize(1)
    logits = layers.dense(layers.relu(layers.dense(input("images", [None, 64]), 64, 32)), 32, 10)
    predict = logits.target("predict")
    train = layers.softmax_cross_entropy(predict, input("labels", [None, 10])).backprop(
        optimizers.adam(0.01)).target("train")
    return xgrad.compile(predict, train)


def test_concurrent_inference_equals_sequential():
    model = mlp()
    rng = np.random.default_rng(0)
    batches = [rng.random((256, 64), dtype=np.float32) for _ in range(8)]
    expected = [model.call("predict", {"images": b}) for b in batches]
    results = [[None] * len(batches) for _ in range(4)]

    def predict_all(t):
        for i, b in enumerate(batches):
            results[t][i] = model.call("predict", {"images": b})

    threads = [threading.Thread(target=predict_all, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for per_thread in results:
        for got, want in zip(per_thread, expected):
            assert got.tobytes() == want.tobytes()


def test_inference_during_training_sees_whole_steps():
    model = mlp()
    rng = np.random.default_rng(1)
    images = rng.random((64, 64), dtype=np.float32)
    labels = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 64)]
    probe = rng.random((16, 64), dtype=np.float32)
    # The prediction after each number of steps, computed sequentially on a twin model.
    twin = mlp()
    after = [twin.call("predict", {"images": probe}).tobytes()]
    for _ in range(20):
        twin.apply("train", {"images": images, "labels": labels})
        after.append(twin.call("predict", {"images": probe}).tobytes())
    seen = []

    def watch():
        for _ in range(50):
            seen.append(model.call("predict", {"images": probe}).tobytes())

    watcher = threading.Thread(target=watch)
    watcher.start()
    for _ in range(20):
        model.apply("train", {"images": images, "labels": labels})
    watcher.join()
    assert all(s in after for s in seen)
