"""Fashion-MNIST with xgrad from Python: the same MLP (or CNN) as the C++ example, trained with
mini-batches; prints loss and test accuracy per epoch and writes the curves to a PNG.

    PYTHONPATH=build/python_packages /usr/bin/python3 examples/fashion-mnist/fashion_mnist.py \
        [--model mlp|cnn] [--epochs 5] [--limit N] [--plot curves.png]
"""
import argparse
import gzip
import time

import numpy as np

import xgrad
from xgrad import input, layers, optimizers
from xgrad.plot import plot_history


def load(directory, prefix, limit=0):
    with gzip.open(f"{directory}/{prefix}-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(f"{directory}/{prefix}-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return images.astype(np.float32) / 255, np.eye(10, dtype=np.float32)[labels]


def build(kind):
    xgrad.randomize(1)
    if kind == "mlp":
        logits = layers.dense(layers.relu(layers.dense(input("images", [None, 784]), 784, 128)),
                              128, 10)
        rate = 0.001
    else:
        hidden = layers.max_pool2d(layers.relu(layers.conv2d_layer(
            input("images", [None, 28, 28, 1]), 1, 5, 5, 8)))
        hidden = layers.max_pool2d(layers.relu(layers.conv2d_layer(hidden, 8, 3, 3, 16)))
        logits = layers.dense(layers.flatten(hidden, 400), 400, 10)
        rate = 0.002
    predict = logits.target("predict")
    loss = layers.softmax_cross_entropy(predict, input("labels", [None, 10]))
    return xgrad.compile(predict, loss.backprop(optimizers.adam(rate)).target("train"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--plot", default="fashion-mnist.png")
    args = parser.parse_args()

    train_images, train_labels = load(args.data, "train", args.limit)
    test_images, test_labels = load(args.data, "t10k")
    if args.model == "cnn":
        train_images = train_images.reshape(-1, 28, 28, 1)
        test_images = test_images.reshape(-1, 28, 28, 1)
    model = build(args.model)
    losses, accuracies = [], []
    for epoch in range(args.epochs):
        start = time.time()
        loss = model.fit("train", {"images": train_images, "labels": train_labels},
                         batch_size=args.batch, shuffle=True, seed=42)[0]
        seconds = time.time() - start
        logits = np.concatenate([model.call("predict", {"images": test_images[i:i + 1000]})
                                 for i in range(0, len(test_images), 1000)])
        accuracy = float((logits.argmax(1) == test_labels.argmax(1)).mean())
        losses.append(loss)
        accuracies.append(accuracy)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {loss:.4f}, "
              f"test accuracy {100 * accuracy:.2f}%, {seconds:.1f} s")
    plot_history(args.plot, losses, accuracies, f"Fashion-MNIST {args.model}")
    print(f"wrote the curves to {args.plot}")


if __name__ == "__main__":
    main()
