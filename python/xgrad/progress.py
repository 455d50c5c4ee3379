"""Training progress for ``Model.fit``: a bar on a terminal, one line per epoch in a log.

``verbose`` as Keras users know it: 0 prints nothing, 2 one line per epoch, 1 (the default)
that line after a bar redrawn in place while the epoch runs, when the stream is a terminal.
The bar is tqdm's when tqdm is installed (Debian: python3-tqdm), else a line of our own.
Nothing is written per batch to a stream that is not a terminal, so logs stay readable.
"""
import sys
import time

try:
    import tqdm as _tqdm
except ImportError:  # the bar falls back to our own line
    _tqdm = None

_REDRAW_SECONDS = 0.1


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class FitReporter:
    """The callback ``fit`` hands the compiled loop: called after every batch."""

    def __init__(self, epochs, verbose=1, stream=None, use_tqdm=None):
        if verbose not in (0, 1, 2):
            raise ValueError(f"verbose must be 0, 1 or 2, not {verbose!r}")
        self.epochs = epochs
        self.verbose = verbose
        self.stream = stream if stream is not None else sys.stderr
        self.bar = verbose == 1 and _is_terminal(self.stream)
        self.tqdm = (_tqdm is not None) if use_tqdm is None else use_tqdm
        self._tqdm_bar = None
        self._started = 0.0
        self._drawn = 0.0
        self._width = 0

    def __call__(self, epoch, batch, batches, loss):
        if batch == 1 or self._started == 0.0:
            self._started = time.monotonic()
        if self.bar:
            self._draw(epoch, batch, batches, loss)
        if batch == batches:
            self._end_epoch(epoch, loss)

    def _draw(self, epoch, batch, batches, loss):
        label = f"epoch {epoch + 1}/{self.epochs}"
        if self.tqdm:
            if self._tqdm_bar is None:
                self._tqdm_bar = _tqdm.tqdm(total=batches, desc=label, file=self.stream,
                                            leave=False, unit="batch")
            self._tqdm_bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
            self._tqdm_bar.update(batch - self._tqdm_bar.n)
            return
        now = time.monotonic()
        if 1 < batch < batches and now - self._drawn < _REDRAW_SECONDS:
            return
        self._drawn = now
        done = 30 * batch // batches
        line = f"{label} [{'=' * done}{' ' * (30 - done)}] {batch}/{batches} loss {loss:.4f}"
        self._width = max(self._width, len(line))
        self.stream.write("\r" + line)
        self.stream.flush()

    def _end_epoch(self, epoch, loss):
        seconds = time.monotonic() - self._started
        self._started = 0.0
        line = f"epoch {epoch + 1}/{self.epochs}: loss {loss:.4f}, {seconds:.1f} s"
        if self._tqdm_bar is not None:
            self._tqdm_bar.close()
            self._tqdm_bar = None
        elif self.bar:
            line = "\r" + line.ljust(self._width)
            self._width = 0
        self.stream.write(line + "\n")
        self.stream.flush()
