"""xgrad: Exprgrad's differentiable array language, compiled through MLIR.

Kernels read as in Exprgrad::

    y, x, it = Iter(), Iter(), Iter()
    out = Fun()
    out[y, x] += a[y, it] * b[it, x]        # out[y, x] ++= a[y, it] * b[it, x] | (y, x, it)
    relu = Fun()
    relu.flat[it] += select(h.flat[it] >= 0.0, h.flat[it], 0.0)   # {} is .flat[]

Nothing computes until ``compile``: the graph is printed as xgrad IR and compiled through the
pipeline and the JIT. Errors from the compiler or a run arrive as ``RuntimeError`` with the
compiler's message, which names the file and line of your code that wrote the kernel (the IR
carries them as ``loc(...)``) and the iterator by its name: ``Iter("y")``.
"""
import inspect
import itertools
import os
import sys

import numpy as np

from . import _xgrad
from . import progress as _progress
from ._xgrad import Boolean, Index, Iter, Scalar, epoch, randomize, select_index, step, wrap

__all__ = ["Fun", "Iter", "Index", "Scalar", "Boolean", "Model", "compile", "input", "param",
           "cached", "select", "select_index", "sq", "min", "max", "sin", "cos", "exp", "pow",
           "sqrt", "ln", "log2", "log10", "tanh", "wrap", "to_scalar", "to_index", "epoch", "step",
           "randomize", "layers", "optimizers", "compile_cache_stats", "host_vector_width", "array"]


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _user_location():
    """(file, line, column) of the innermost caller outside this package, for the front end
    to attribute what it builds to (the C++ side calls this at every node it creates)."""
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE):
        frame = frame.f_back
    if frame is None:
        return None
    # The column of the executing instruction (co_positions has one entry per code unit).
    position = next(itertools.islice(frame.f_code.co_positions(), frame.f_lasti // 2, None),
                    None)
    column = position[2] + 1 if position and position[2] is not None else 1
    return frame.f_code.co_filename, frame.f_lineno, column


class _Written:
    """What ``+=`` leaves in ``fun[...]``: the write already happened."""


_WRITTEN = _Written()


def _scalar(value):
    if isinstance(value, _Ref):
        return value.value
    if isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool):
        return Scalar(float(value))
    return value


def _index(value):
    return Index(int(value)) if isinstance(value, (int, np.integer)) else value


def _scalar_function(name):
    native = getattr(_xgrad, name)

    def function(*args):
        return native(*[_scalar(a) for a in args])
    function.__name__ = name
    function.__doc__ = f"Exprgrad's {name}, on Scalars (numbers and reads convert)."
    return function


select = _scalar_function("select")
sq, sin, cos, exp, sqrt, tanh = (_scalar_function(n) for n in ("sq", "sin", "cos", "exp", "sqrt", "tanh"))
ln, log2, log10, pow = (_scalar_function(n) for n in ("ln", "log2", "log10", "pow"))
to_index = _scalar_function("to_index")
_scalar_min, _scalar_max = _scalar_function("min"), _scalar_function("max")


def min(a, b):
    """Exprgrad's min: of two Scalars, or of two Indexes when either is one (``min(y, n - 1)``)."""
    if isinstance(a, Index) or isinstance(b, Index):
        return _xgrad.min_index(_index(a), _index(b))
    return _scalar_min(a, b)


def max(a, b):
    """Exprgrad's max: of two Scalars, or of two Indexes when either is one."""
    if isinstance(a, Index) or isinstance(b, Index):
        return _xgrad.max_index(_index(a), _index(b))
    return _scalar_max(a, b)


def array(elements):
    """Exprgrad's ``Array[T]``: ``array([0.25, 0.5, 1.0])[k]``, ``array([a[i], b[i]])[k]``,
    ``.len``. All Indexes (ints, iterators, index arithmetic) make an Index array; otherwise
    every element must be a Scalar (numbers, reads, Scalar arithmetic). A read outside the
    array fails the run (at a constant index, the compile); its gradient goes to the element
    the read selected."""
    elements = list(elements)
    if not elements:
        raise ValueError("an array needs at least one element")
    if all(isinstance(e, (int, np.integer, Index)) and not isinstance(e, bool) for e in elements):
        return _Array(_xgrad.index_array([_index(e) for e in elements]))
    scalars = [_scalar(e) for e in elements]
    for position, e in enumerate(scalars):
        if not isinstance(e, Scalar):
            raise TypeError(f"an array holds values of one type: element {position} is "
                            f"{type(elements[position]).__name__}, the others Scalars")
    return _Array(_xgrad.scalar_array(scalars))


class _Array:
    def __init__(self, native):
        self._native = native

    def __getitem__(self, index):
        return self._native[_index(index)]

    @property
    def len(self):
        return self._native.len


def to_scalar(value):
    if isinstance(value, Boolean):
        return _xgrad.bool_to_scalar(value)
    return _xgrad.to_scalar(_index(value))


class _Ref:
    """``fun[i, j]`` or ``fun.flat[k]``: a Scalar when read, a kernel when ``+=`` is applied."""

    def __init__(self, fun, indices, flat):
        self._fun, self._indices, self._flat = fun, indices, flat

    @property
    def value(self):
        return self._fun.read(self._indices, self._flat)

    def __iadd__(self, value):
        self._fun.write(self._indices, self._flat, _scalar(value))
        return _WRITTEN

    def max(self, value):
        """Keeps the largest value here instead of the sum (a maximum reduction)."""
        self._fun.write(self._indices, self._flat, _scalar(value), True)


def _forward(name):
    if name.startswith("__r") and name != "__rshift__":
        # other OP ref: apply the plain operator to the Scalar on the left.
        plain = "__" + name[3:]

        def reflected(self, other):
            return getattr(_scalar(other), plain)(self.value)
        return reflected

    def method(self, *args):
        return getattr(self.value, name)(*[_scalar(a) for a in args])
    return method


for _name in ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
              "__truediv__", "__rtruediv__", "__neg__", "__pow__", "__eq__", "__ne__", "__lt__",
              "__gt__", "__le__", "__ge__"]:
    setattr(_Ref, _name, _forward(_name))
_Ref.__hash__ = None


def _key(key):
    return [_index(k) for k in (key if isinstance(key, tuple) else (key,))]


class _Shape:
    def __init__(self, fun):
        self._fun = fun

    def __getitem__(self, dim):
        return self._fun.dim(dim)

    @property
    def len(self):
        """``tensor.shape.len``: the rank."""
        return self._fun.rank()


class _Flat:
    def __init__(self, owner):
        self._owner = owner

    def __getitem__(self, index):
        return _Ref(self._owner._fun, [_index(index)], True)

    def __setitem__(self, index, value):
        self._owner._check_written(value)


class Fun:
    """A tensor of the graph: an input, a parameter, a kernel's result or a target."""

    def __init__(self, fun=None):
        self._fun = fun if fun is not None else _xgrad.Fun()

    def __getitem__(self, key):
        return _Ref(self._fun, _key(key), False)

    def __setitem__(self, key, value):
        self._check_written(value)

    @staticmethod
    def _check_written(value):
        if value is not _WRITTEN:
            raise TypeError("xgrad kernels accumulate: write `out[...] += value` (Exprgrad's ++=)")

    @property
    def flat(self):
        """Exprgrad's ``fun{i}``: the row-major data directly."""
        return _Flat(self)

    @property
    def shape(self):
        return _Shape(self._fun)

    @property
    def len(self):
        return self._fun.length()

    def with_shape(self, shape):
        self._fun.with_shape([_index(s) for s in shape])
        return self

    def copy_shape(self, other):
        self._fun.copy_shape(other._fun)
        return self

    def named(self, name):
        self._fun.named(name)
        return self

    def custom_grad(self, gradient):
        """``gradient(grads)`` writes ``grads.of(x)[...] += ...`` using ``grads.result()``."""
        def call(sink):
            gradient(_GradientSink(sink))
        self._fun.custom_grad(call)
        return self

    def target(self, name):
        return Fun(self._fun.target(name))

    # Layers and losses as methods, as in Exprgrad:
    # ``input("x").dense(2, 4).leaky_relu().dense(4, 1).sigmoid().target("predict")``.
    _LAYER_METHODS = frozenset({
        "dense", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "cross_entropy",
        "softmax_cross_entropy", "mse", "conv2d", "conv2d_layer", "pad2d", "max_pool2d",
        "upsample2", "reshape", "flatten"})

    def __getattr__(self, name):
        if name in Fun._LAYER_METHODS:
            layer = getattr(layers, name)
            return lambda *args, **kwargs: layer(self, *args, **kwargs)
        raise AttributeError(f"'Fun' object has no attribute '{name}'")

    def backprop(self, optimizer, state=()):
        """Trains every parameter this loss depends on with ``optimizer(param, grad)`` (or
        ``optimizer(param, grad, state)``, where ``state["name"]`` is persistent)."""
        with_state = len(inspect.signature(optimizer).parameters) >= 3

        def call(param, grad, state_tensors):
            arguments = [Fun(param), Fun(grad)]
            if with_state:
                arguments.append(_State(state_tensors))
            optimizer(*arguments)
        return Fun(self._fun.backprop(call, list(state)))

    def grad(self, wrt):
        return Fun(self._fun.grad(wrt._fun))

    def cache(self, name):
        return Fun(self._fun.cache(name))


class _State:
    def __init__(self, state):
        self._state = state

    def __getitem__(self, name):
        return Fun(self._state[name])


class _GradientSink:
    def __init__(self, sink):
        self._sink = sink

    def result(self):
        return Fun(self._sink.result())

    def of(self, value):
        return Fun(self._sink.of(value._fun))


def input(name, shape=None):
    """``input("x", [None, 2])``; -1 (or None) marks an extent known only at run time.
    Without a shape, as in Exprgrad, every extent is dynamic and the rank comes from how
    kernels index the input (``x[y, it]``: rank 2; read only flat, next to a tensor of known
    rank, that rank)."""
    if shape is None:
        return Fun(_xgrad.input(name))
    return Fun(_xgrad.input(name, [-1 if s is None else int(s) for s in shape]))


def param(shape, low=-0.1, high=0.1, name="", seed=-1):
    return Fun(_xgrad.param([int(s) for s in shape], low, high, name, seed))


def cached(name, shape):
    return Fun(_xgrad.cached(name, [int(s) for s in shape]))


def _dtype_name(dtype):
    """"f32", "float32", numpy.float32 or numpy.dtype("float32") (and the same for 64 bits)
    name one type; xgrad's own parser rejects every other name."""
    if isinstance(dtype, str):
        return dtype
    try:
        return np.dtype(dtype).name
    except TypeError:
        raise TypeError(f"dtype must be a type name or a NumPy float type, got {dtype!r}")


def to_mlir(*targets, dtype="f32"):
    """The graph of the targets as xgrad IR."""
    return _xgrad.to_mlir([t._fun for t in targets], _dtype_name(dtype))


def _compile_options(threads=None, parallel=False, use_linalg=True, opt_level=2,
                     source_name="model", schedule=None, cache=True, cache_dir=None,
                     lazy=True, check_finite=False, distributed=False,
                     loss_reduction="mean", flush_denormals=True, parallel_min_work=None):
    """The compiler's options (xgrad::CompileOptions): ``threads`` of the parallel loops (0,
    the default: one per core; 1: sequential; ``parallel=True`` means 0 unless ``threads``
    says otherwise; results are bit-identical for every count), ``use_linalg``, LLVM's
    ``opt_level`` 0-3, ``schedule``: a file of transform IR whose named sequences schedule
    the kernels they name (docs/Scheduling.md); ``cache=False`` neither reads nor writes the
    compile cache, ``cache_dir`` is its directory (default: $XGRAD_CACHE_DIR, else
    $XDG_CACHE_HOME/xgrad, else ~/.cache/xgrad); ``lazy=False`` compiles every target up
    front instead of each on its first call; ``check_finite=True`` fails a run at the first
    kernel whose result holds a NaN or an infinity, naming it; ``distributed=True`` trains
    data-parallel over the ranks of an MPI run (``mpirun -np N python3 script.py``,
    docs/Distributed.md), ``loss_reduction`` "mean" (the layers' losses) or "sum" saying how
    the loss combines a batch's rows; ``flush_denormals=False`` computes with subnormal
    floats as IEEE 754 says instead of flushing them to zero (slower: docs/Rationale.md);
    ``parallel_min_work``: the estimated operations a parallel loop needs to run on threads
    (smaller ones run on the calling thread; 0: every one; default 32768)."""
    defaults = _xgrad.CompileOptions()
    if threads is None:
        threads = defaults.threads
    if threads < 0:
        raise ValueError(f"threads must be 0 (one per core) or more, got {threads}")
    if parallel_min_work is None:
        parallel_min_work = defaults.parallel_min_work
    return _xgrad.CompileOptions(threads=threads, use_linalg=use_linalg, opt_level=opt_level,
                                 source_name=source_name,
                                 schedule=os.fspath(schedule) if schedule else "",
                                 cache=bool(cache),
                                 cache_dir=os.fspath(cache_dir) if cache_dir else "",
                                 lazy=bool(lazy), check_finite=bool(check_finite),
                                 distributed=bool(distributed),
                                 loss_reduction=str(loss_reduction),
                                 flush_denormals=bool(flush_denormals),
                                 parallel_min_work=int(parallel_min_work))


def rank():
    """This process's rank in the MPI run of a distributed model (0 before one is compiled,
    and without mpirun)."""
    return _xgrad.rank()


def world_size():
    """The ranks of that MPI run (1 before a distributed model is compiled)."""
    return _xgrad.size()


def host_vector_width():
    """Floats per vector register of this machine, as the default schedule tiles for (16
    with AVX-512, 8 with AVX, else 4): which products it schedules depends on it."""
    return _xgrad.host_vector_width()


def compile_cache_stats(cache_dir=None):
    """This process's compile cache hits, misses, rejected entries and write errors, and the
    entries and bytes the cache directory holds."""
    return _xgrad.compile_cache_stats(_compile_options(cache_dir=cache_dir))


class Model:
    """A compiled graph: ``call`` a target, ``apply`` a training step, ``fit`` mini-batches.
    Keyword arguments are the compile options (see ``compile``)."""

    def __init__(self, source, **options):
        self.source = source
        self._options = _compile_options(**options)
        self._model = _xgrad.Model.compile(source, self._options)

    @classmethod
    def from_compiled(cls, data):
        """A model from the bytes ``compiled()`` returned, in this or another process: no
        compilation, fresh state."""
        model = cls.__new__(cls)
        model.source = None
        model._options = None
        model._model = _xgrad.Model.from_compiled(bytes(data))
        return model

    def compiled(self):
        """The compiled module (object code, signatures, state declarations) as bytes."""
        return self._model.compiled()

    def prepare(self, *targets):
        """Compiles the targets' code now instead of on their first calls (a no-op for code
        already compiled), each on a thread of its own up to one per core; no targets: every
        target."""
        self._model.prepare_all(list(targets or self.targets))

    def call(self, target, inputs=None):
        return self._model.call(target, dict(inputs or {}))

    def apply(self, target, inputs=None):
        self._model.apply(target, dict(inputs or {}))

    def fit(self, target, inputs, batch_size=32, epochs=1, shuffle=False, seed=0, verbose=1):
        """Trains on mini-batches (the last, smaller batch is kept); returns each epoch's
        mean loss. ``verbose``: 0 silent, 2 one line per epoch on stderr, 1 (the default)
        that line after a progress bar on a terminal (tqdm's when installed); nothing per
        batch goes to a stream that is not a terminal (see ``xgrad.progress``). A distributed
        model trains each rank on its share of every batch; only rank 0 reports."""
        if _xgrad.rank() != 0:
            verbose = 0
        reporter = _progress.FitReporter(epochs, verbose) if verbose else None
        return self._model.fit(target, dict(inputs), batch_size, epochs, shuffle, seed,
                               reporter)

    def save(self, path):
        self._model.save(str(path))

    def load(self, path):
        self._model.load(str(path))

    @property
    def targets(self):
        return self._model.targets

    def inputs(self, target):
        """The names of the inputs a target takes."""
        return self._model.inputs(target)

    @property
    def epoch(self):
        return self._model.epoch

    @epoch.setter
    def epoch(self, value):
        self._model.epoch = value

    @property
    def state(self):
        return self._model.state()

    def ir(self, stage="xgrad"):
        """The model's IR after a stage of the pipeline that compiled it: "xgrad" (as
        written), "inferred" (shapes and gradients), "functions" (one function per target),
        "linalg", "scheduled" or "llvm"; the same as ``xgrad-opt --xgrad-pipeline=until=...``
        prints."""
        if self.source is None:
            raise ValueError("a model loaded from compiled bytes has no IR")
        return _xgrad.ir_after_stage(self.source, stage, self._options)


def compile(*targets, dtype="f32", **options):
    """Exprgrad's ``compile[float32](net)``. ``dtype``: "f32"/"float32"/numpy.float32 or
    "f64"/"float64"/numpy.float64. Options: ``threads=0`` (OpenMP threads of parallel
    loops: 0 one per core, 1 sequential), ``use_linalg=True``, ``opt_level=2``,
    ``schedule=None``
    (a transform-dialect file, docs/Scheduling.md), ``cache=True`` (the on-disk compile
    cache), ``cache_dir=None``, ``lazy=True`` (each target compiled on its first call),
    ``check_finite=False``, ``distributed=False`` (data-parallel over MPI ranks),
    ``loss_reduction="mean"``."""
    return Model(to_mlir(*targets, dtype=dtype), **options)


class _Layers:
    """Exprgrad's layers (dnn.nim, base.nim), on Fun."""

    def __getattr__(self, name):
        layer = getattr(_xgrad.layers, name)

        def call(*args, **kwargs):
            args = [a._fun if isinstance(a, Fun) else a for a in args]
            result = layer(*args, **kwargs)
            return Fun(result) if isinstance(result, _xgrad.Fun) else result
        return call


layers = _Layers()


class _Optimizers:
    """gradient_descent(rate), momentum(rate, mu), adam(eta, beta1, beta2, epsilon)."""

    def __getattr__(self, name):
        make = getattr(_xgrad.layers, name)

        def build(*args, **kwargs):
            native = make(*args, **kwargs)

            def optimizer(param, grad, state):
                native(param._fun, grad._fun, state._state)
            return optimizer
        return build


optimizers = _Optimizers()
