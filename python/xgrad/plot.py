"""Training curves as a PNG, with matplotlib (Debian's python3-matplotlib)."""


def plot_history(path, losses, accuracies=None, title="xgrad training"):
    """Writes the loss (and, if given, accuracy) per epoch to ``path`` as a PNG."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, loss_axis = plt.subplots(figsize=(6, 4))
    epochs = range(1, len(losses) + 1)
    loss_axis.plot(epochs, losses, "o-", color="tab:blue", label="loss")
    loss_axis.set_xlabel("epoch")
    loss_axis.set_ylabel("loss", color="tab:blue")
    if accuracies is not None:
        accuracy_axis = loss_axis.twinx()
        accuracy_axis.plot(epochs, [100 * a for a in accuracies], "s-", color="tab:orange")
        accuracy_axis.set_ylabel("test accuracy (%)", color="tab:orange")
    loss_axis.set_title(title)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
