//===- Module.cpp - the _xgrad extension: front end and Model -------------===//
//
// The binding stays thin: expressions, graph nodes and Model map one to one onto the C++
// API; python/xgrad/__init__.py gives them Exprgrad's syntax. llvm::Error becomes
// RuntimeError with the same message; front-end misuse (std::logic_error) too.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Frontend/Layers.h"
#include "xgrad/Runtime/CompileCache.h"
#include "xgrad/Runtime/Compiler.h"
#include "xgrad/Runtime/Distributed.h"
#include "xgrad/Runtime/Model.h"

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>

namespace py = pybind11;
using namespace xgrad;

namespace {

/// A dtype as xgrad spells it (the Python side turns NumPy types into their names);
/// anything else is a ValueError, never a silent f32.
ElementType parseDtype(const std::string &dtype) {
  if (std::optional<ElementType> type = parseElementType(dtype))
    return *type;
  throw std::invalid_argument("dtype '" + dtype + "' is not supported: xgrad computes in f32 "
                              "(\"f32\", \"float32\", numpy.float32) or f64 (\"f64\", "
                              "\"float64\", numpy.float64)");
}

[[noreturn]] void raise(llvm::Error error) {
  throw std::runtime_error(llvm::toString(std::move(error)));
}
template <typename T> T orRaise(llvm::Expected<T> value) {
  if (!value)
    raise(value.takeError());
  return std::move(*value);
}

/// The inputs a target takes, read in place when they are C-contiguous arrays of the element
/// type it expects; other numbers (another float type, integers, nested lists) are converted
/// once into `keepAlive`. Entries the target does not take are ignored, as by Model::call.
struct Inputs {
  std::map<std::string, TensorView> views;
  std::vector<py::array> keepAlive;
  std::vector<std::vector<int64_t>> shapes;
};

/// Runs `work` (the compiler, compiled code, file I/O: nothing that touches a Python object)
/// with the GIL released, so that other Python threads run meanwhile.
template <typename Work> static auto withoutGIL(Work &&work) {
  py::gil_scoped_release release;
  return work();
}
static void raiseIf(llvm::Error error) {
  if (error)
    raise(std::move(error));
}

/// Runs a target without the GIL (the arrays `inputs` reads stay alive: it holds references
/// to them).
static llvm::Expected<Tensor> callWithoutGIL(Model &model, const std::string &target,
                                             const Inputs &inputs) {
  return withoutGIL([&] { return model.callOnViews(target, inputs.views); });
}

Inputs viewsOf(const Model &model, const std::string &target, const py::dict &dict) {
  Inputs inputs;
  const TargetSignature *signature = model.findTarget(target);
  if (!signature)
    return inputs; // the call reports the unknown target
  inputs.keepAlive.reserve(dict.size());
  inputs.shapes.reserve(dict.size());
  for (auto [key, value] : dict) {
    std::string name = py::str(key);
    auto spec = llvm::find_if(signature->inputs,
                              [&](const ValueSpec &input) { return input.name == name; });
    if (spec == signature->inputs.end())
      continue;
    bool isDouble = spec->elementType == ElementType::f64;
    std::string expected = std::string("numbers (target '") + target + "' computes in " +
                           (isDouble ? "float64" : "float32") + ")";
    auto array = py::array::ensure(value);
    if (!array)
      throw py::type_error("input '" + name + "' is a " +
                           std::string(py::str(py::type::of(value).attr("__name__"))) +
                           ", not an array; expected " + expected);
    char kind = array.dtype().kind();
    if (kind != 'f' && kind != 'i' && kind != 'u')
      throw py::type_error("input '" + name + "' has dtype " +
                           std::string(py::str(array.dtype())) + "; expected " + expected);
    // A no-op for C-contiguous arrays of the model's type; a conversion otherwise.
    constexpr int flags = py::array::c_style | py::array::forcecast;
    py::array contiguous = isDouble ? py::array(py::array_t<double, flags>(array))
                                    : py::array(py::array_t<float, flags>(array));
    inputs.keepAlive.push_back(contiguous);
    inputs.shapes.emplace_back(contiguous.shape(), contiguous.shape() + contiguous.ndim());
    inputs.views[name] = {spec->elementType, inputs.shapes.back(), contiguous.data()};
  }
  return inputs;
}

/// The tensor as a numpy array that owns its bytes: no copy (a call's result is the
/// compiled code's own buffer, see Model::call).
py::array toNumpy(Tensor tensor) {
  std::vector<py::ssize_t> shape(tensor.shape().begin(), tensor.shape().end());
  auto *owned = new Tensor(std::move(tensor));
  py::capsule owner(owned, [](void *pointer) { delete static_cast<Tensor *>(pointer); });
  if (owned->elementType() == ElementType::f32)
    return py::array_t<float>(shape, static_cast<float *>(owned->data()), owner);
  return py::array_t<double>(shape, static_cast<double *>(owned->data()), owner);
}

/// Owning copies, for `fit`, which slices the inputs into batches anyway.
std::map<std::string, Tensor> fromDict(const Model &model, const std::string &target,
                                       const py::dict &dict) {
  std::map<std::string, Tensor> tensors;
  for (auto &[name, view] : viewsOf(model, target, dict).views) {
    Tensor tensor(view.elementType, view.shape.vec());
    if (tensor.sizeInBytes())
      std::memcpy(tensor.data(), view.data, tensor.sizeInBytes());
    tensors[name] = std::move(tensor);
  }
  return tensors;
}

std::vector<Index> indices(const std::vector<Index> &list) { return list; }

} // namespace

PYBIND11_MODULE(_xgrad, m) {
  m.doc() = "xgrad: Exprgrad's differentiable array language on MLIR";

  py::class_<Index>(m, "Index")
      .def(py::init<int64_t>())
      .def("__add__", [](Index a, Index b) { return a + b; }, py::is_operator())
      .def("__radd__", [](Index a, int64_t b) { return Index(b) + a; }, py::is_operator())
      .def("__sub__", [](Index a, Index b) { return a - b; }, py::is_operator())
      .def("__rsub__", [](Index a, int64_t b) { return Index(b) - a; }, py::is_operator())
      .def("__mul__", [](Index a, Index b) { return a * b; }, py::is_operator())
      .def("__rmul__", [](Index a, int64_t b) { return Index(b) * a; }, py::is_operator())
      .def("__floordiv__", [](Index a, Index b) { return div(a, b); }, py::is_operator())
      .def("__mod__", [](Index a, Index b) { return mod(a, b); }, py::is_operator())
      .def("__eq__", [](Index a, Index b) { return a == b; }, py::is_operator())
      .def("__ne__", [](Index a, Index b) { return a != b; }, py::is_operator())
      .def("__lt__", [](Index a, Index b) { return a < b; }, py::is_operator())
      .def("__gt__", [](Index a, Index b) { return a > b; }, py::is_operator())
      .def("__le__", [](Index a, Index b) { return a <= b; }, py::is_operator())
      .def("__ge__", [](Index a, Index b) { return a >= b; }, py::is_operator())
      .def("__hash__", [](const Index &i) { return std::hash<void *>()(i.node.get()); }, py::is_operator());
  py::implicitly_convertible<int64_t, Index>();
  py::class_<Iter, Index>(m, "Iter").def(py::init<const std::string &>(), py::arg("name") = "");

  py::class_<Scalar>(m, "Scalar")
      .def(py::init<double>())
      .def("__add__", [](Scalar a, Scalar b) { return a + b; }, py::is_operator())
      .def("__radd__", [](Scalar a, double b) { return Scalar(b) + a; }, py::is_operator())
      .def("__sub__", [](Scalar a, Scalar b) { return a - b; }, py::is_operator())
      .def("__rsub__", [](Scalar a, double b) { return Scalar(b) - a; }, py::is_operator())
      .def("__mul__", [](Scalar a, Scalar b) { return a * b; }, py::is_operator())
      .def("__rmul__", [](Scalar a, double b) { return Scalar(b) * a; }, py::is_operator())
      .def("__truediv__", [](Scalar a, Scalar b) { return a / b; }, py::is_operator())
      .def("__rtruediv__", [](Scalar a, double b) { return Scalar(b) / a; }, py::is_operator())
      .def("__neg__", [](Scalar a) { return -a; }, py::is_operator())
      .def("__pow__", [](Scalar a, Scalar b) { return pow(a, b); }, py::is_operator())
      .def("__eq__", [](Scalar a, Scalar b) { return a == b; }, py::is_operator())
      .def("__ne__", [](Scalar a, Scalar b) { return a != b; }, py::is_operator())
      .def("__lt__", [](Scalar a, Scalar b) { return a < b; }, py::is_operator())
      .def("__gt__", [](Scalar a, Scalar b) { return a > b; }, py::is_operator())
      .def("__le__", [](Scalar a, Scalar b) { return a <= b; }, py::is_operator())
      .def("__ge__", [](Scalar a, Scalar b) { return a >= b; }, py::is_operator())
      .def("__hash__", [](const Scalar &s) { return std::hash<void *>()(s.node.get()); }, py::is_operator());
  py::implicitly_convertible<double, Scalar>();

  py::class_<Boolean>(m, "Boolean")
      .def("__and__", [](Boolean a, Boolean b) { return a && b; }, py::is_operator())
      .def("__or__", [](Boolean a, Boolean b) { return a || b; }, py::is_operator())
      .def("__invert__", [](Boolean a) { return !a; }, py::is_operator());

  py::class_<Array<Scalar>>(m, "ScalarArray")
      .def("__getitem__", [](const Array<Scalar> &a, Index k) { return a[k]; })
      .def_property_readonly("len", &Array<Scalar>::len);
  py::class_<Array<Index>>(m, "IndexArray")
      .def("__getitem__", [](const Array<Index> &a, Index k) { return a[k]; })
      .def_property_readonly("len", &Array<Index>::len);
  m.def("scalar_array", [](std::vector<Scalar> elements) { return array(std::move(elements)); });
  m.def("index_array", [](std::vector<Index> elements) { return array(std::move(elements)); });
  m.def("select", [](Boolean c, Scalar a, Scalar b) { return select(c, a, b); });
  m.def("select_index", [](Boolean c, Index a, Index b) { return select(c, a, b); });
  m.def("sq", &sq);
  m.def("min", py::overload_cast<Scalar, Scalar>(&min));
  m.def("max", py::overload_cast<Scalar, Scalar>(&max));
  m.def("min_index", py::overload_cast<Index, Index>(&min));
  m.def("max_index", py::overload_cast<Index, Index>(&max));
  m.def("sin", &xgrad::sin);
  m.def("cos", &xgrad::cos);
  m.def("exp", &xgrad::exp);
  m.def("pow", &xgrad::pow);
  m.def("sqrt", &xgrad::sqrt);
  m.def("ln", &ln);
  m.def("log2", &xgrad::log2);
  m.def("log10", &xgrad::log10);
  m.def("tanh", &xgrad::tanh);
  m.def("wrap", &wrap);
  m.def("to_scalar", py::overload_cast<Index>(&toScalar));
  m.def("bool_to_scalar", py::overload_cast<Boolean>(&toScalar));
  m.def("to_index", &toIndex);
  m.def("epoch", &epoch);
  m.def("step", &step);

  py::class_<Fun>(m, "Fun")
      .def(py::init<>())
      .def("read", [](Fun &f, std::vector<Index> idx, bool flat) {
        return Scalar(Access(f, indices(idx), flat));
      })
      .def("write", [](Fun &f, std::vector<Index> idx, bool flat, Scalar value, bool maximum) {
        Access access(f, indices(idx), flat);
        if (maximum)
          access.max(value);
        else
          access += value;
      }, py::arg("indices"), py::arg("flat"), py::arg("value"), py::arg("maximum") = false)
      .def("dim", &Fun::shape)
      .def("length", &Fun::len)
      .def("rank", &Fun::rank)
      .def("with_shape", [](Fun &f, std::vector<Index> shape) -> Fun & {
        return f.withShape(shape);
      }, py::return_value_policy::reference)
      .def("copy_shape", &Fun::copyShape, py::return_value_policy::reference)
      .def("named", &Fun::named, py::return_value_policy::reference)
      // Callbacks get pointers: pybind11 would pass a C++ reference to Python as a copy, and
      // the writes must reach the C++ objects.
      .def("custom_grad", [](Fun &f, py::function gradient) -> Fun & {
        return f.customGrad([gradient](GradientSink &sink) {
          gradient(py::cast(&sink, py::return_value_policy::reference));
        });
      }, py::return_value_policy::reference)
      .def("target", &Fun::target)
      .def("backprop", [](Fun &f, py::function optimizer, std::vector<std::string> names) {
        return f.backprop([optimizer](Fun &param, Fun grad, OptimizerState &state) {
          optimizer(py::cast(&param, py::return_value_policy::reference), grad,
                    py::cast(&state, py::return_value_policy::reference));
        }, names);
      }, py::arg("optimizer"), py::arg("state_names") = std::vector<std::string>{})
      .def("grad", &Fun::grad)
      .def("cache", &Fun::cache);

  py::class_<GradientSink>(m, "GradientSink")
      .def("result", &GradientSink::result, py::return_value_policy::reference)
      .def("of", &GradientSink::of, py::return_value_policy::reference);
  py::class_<OptimizerState>(m, "OptimizerState")
      .def("__getitem__", &OptimizerState::operator[], py::return_value_policy::reference);

  // Lambdas: the C++ functions take a defaulted std::source_location, which the location
  // provider (below) overrides with the Python caller's.
  m.def("input", [](const std::string &name, std::optional<std::vector<int64_t>> shape) {
    return shape ? input(name, *shape) : input(name);
  }, py::arg("name"), py::arg("shape") = py::none());
  m.def("param", [](std::vector<int64_t> shape, double low, double high, const std::string &name,
                    int64_t seed) { return param(shape, low, high, name, seed); },
        py::arg("shape"), py::arg("low") = -0.1, py::arg("high") = 0.1, py::arg("name") = "",
        py::arg("seed") = -1);
  m.def("cached", [](const std::string &name, std::vector<int64_t> shape) {
    return cached(name, shape);
  });
  // Every node is attributed to the first caller outside the xgrad package, so that the
  // compiler's diagnostics name the user's file and line. Looked up at each call: a stored
  // Python object would outlive the interpreter.
  setLocationProvider([]() -> std::optional<SourceLocation> {
    py::object where = py::module_::import("xgrad").attr("_user_location")();
    if (where.is_none())
      return std::nullopt;
    auto [file, line, column] = where.cast<std::tuple<std::string, unsigned, unsigned>>();
    return SourceLocation(file, line, column);
  });
  m.def("randomize", &randomize);
  m.def("to_mlir", [](std::vector<Fun> targets, const std::string &dtype) {
    return toMLIR(targets, parseDtype(dtype) == ElementType::f64 ? FloatType::f64
                                                                 : FloatType::f32);
  }, py::arg("targets"), py::arg("dtype") = "f32");

  auto layers = m.def_submodule("layers");
  layers.def("dense", &layers::dense, py::arg("values"), py::arg("inputs"), py::arg("outputs"),
             py::arg("bias") = true);
  layers.def("relu", &layers::relu);
  layers.def("leaky_relu", &layers::leakyRelu, py::arg("input"), py::arg("leak") = 0.01);
  layers.def("sigmoid", &layers::sigmoid);
  layers.def("tanh", &layers::tanh);
  layers.def("softmax", &layers::softmax);
  layers.def("cross_entropy", &layers::crossEntropy);
  layers.def("softmax_cross_entropy", &layers::softmaxCrossEntropy);
  layers.def("mse", &layers::mse);
  layers.def("conv2d",
             py::overload_cast<const Fun &, const Fun &, int64_t, int64_t>(&layers::conv2d),
             py::arg("images"), py::arg("filters"), py::arg("stride") = 1,
             py::arg("padding") = 0);
  layers.def("conv2d_layer",
             py::overload_cast<const Fun &, int64_t, int64_t, int64_t, int64_t, int64_t,
                               int64_t>(&layers::conv2d),
             py::arg("images"), py::arg("channels"), py::arg("width"), py::arg("height"),
             py::arg("filters"), py::arg("stride") = 1, py::arg("padding") = 0);
  layers.def("pad2d", &layers::pad2d);
  layers.def("max_pool2d", &layers::maxPool2d);
  layers.def("upsample2", &layers::upsample2);
  layers.def("reshape", &layers::reshape);
  layers.def("flatten", &layers::flatten);
  layers.def("add", &layers::add);
  layers.def("sub", &layers::sub);
  layers.def("mul", &layers::mul);
  layers.def("div", &layers::divide);
  layers.def("minimum", &layers::minimum);
  layers.def("maximum", &layers::maximum);
  layers.def("gradient_descent", &layers::gradientDescent, py::arg("rate") = 0.01);
  layers.def("momentum", &layers::momentum, py::arg("rate") = 0.01, py::arg("mu") = 0.9);
  layers.def("adam", &layers::adam, py::arg("eta") = 0.001, py::arg("beta1") = 0.9,
             py::arg("beta2") = 0.999, py::arg("epsilon") = 1e-8);

  py::class_<CompileOptions>(m, "CompileOptions")
      .def(py::init([](unsigned threads, bool useLinalg, unsigned optLevel,
                       const std::string &sourceName, const std::string &schedule, bool cache,
                       const std::string &cacheDirectory, bool lazy, bool checkFinite,
                       bool distributed, const std::string &lossReduction,
                       bool flushDenormals, uint64_t parallelMinWork) {
             CompileOptions options;
             options.threads = threads;
             options.parallelMinWork = parallelMinWork;
             options.useLinalg = useLinalg;
             options.optLevel = optLevel;
             options.sourceName = sourceName;
             options.schedule = schedule;
             options.cache = cache;
             options.cacheDirectory = cacheDirectory;
             options.lazy = lazy;
             options.checkFinite = checkFinite;
             options.distributed = distributed;
             options.flushDenormals = flushDenormals;
             if (lossReduction != "mean" && lossReduction != "sum")
               throw std::invalid_argument("loss_reduction must be 'mean' or 'sum', got '" +
                                           lossReduction + "'");
             options.lossReduction =
                 lossReduction == "sum" ? LossReduction::sum : LossReduction::mean;
             if (llvm::Error error = options.validate())
               throw std::invalid_argument(llvm::toString(std::move(error)));
             return options;
           }),
           py::kw_only(), py::arg("threads") = CompileOptions().threads,
           py::arg("use_linalg") = true,
           py::arg("opt_level") = 2, py::arg("source_name") = "model",
           py::arg("schedule") = "", py::arg("cache") = true, py::arg("cache_dir") = "",
           py::arg("lazy") = true, py::arg("check_finite") = false,
           py::arg("distributed") = false, py::arg("loss_reduction") = "mean",
           py::arg("flush_denormals") = true,
           py::arg("parallel_min_work") = CompileOptions().parallelMinWork)
      .def_readonly("threads", &CompileOptions::threads)
      .def_readonly("parallel_min_work", &CompileOptions::parallelMinWork)
      .def_readonly("use_linalg", &CompileOptions::useLinalg)
      .def_readonly("opt_level", &CompileOptions::optLevel)
      .def_readonly("source_name", &CompileOptions::sourceName)
      .def_readonly("schedule", &CompileOptions::schedule)
      .def_readonly("cache", &CompileOptions::cache)
      .def_readonly("cache_dir", &CompileOptions::cacheDirectory)
      .def_readonly("lazy", &CompileOptions::lazy)
      .def_readonly("check_finite", &CompileOptions::checkFinite)
      .def_readonly("distributed", &CompileOptions::distributed)
      .def_readonly("flush_denormals", &CompileOptions::flushDenormals);
  // The MPI run of a distributed model: its rank and size (0 and 1 until one is compiled).
  m.def("rank", &distributed::rank);
  m.def("size", &distributed::size);
  m.def("host_vector_width", &hostVectorWidth);
  m.def("compile_cache_stats", [](const CompileOptions &options) {
    CompileCacheStats stats = compileCacheStats(options);
    py::dict result;
    result["directory"] = stats.directory;
    result["hits"] = stats.hits;
    result["misses"] = stats.misses;
    result["rejected"] = stats.rejected;
    result["write_errors"] = stats.writeErrors;
    result["last_problem"] = stats.lastProblem;
    result["entries"] = stats.entries;
    result["bytes"] = stats.bytes;
    return result;
  }, py::arg("options") = CompileOptions());
  m.def("all_threads", &allThreads);
  m.def("ir_after_stage", [](const std::string &source, const std::string &stage,
                             const CompileOptions &options) {
    return orRaise(irAfterStage(source, stage, options));
  }, py::arg("source"), py::arg("stage"), py::arg("options") = CompileOptions());

  py::class_<Model>(m, "Model")
      .def_static("compile", [](const std::string &source, const CompileOptions &options) {
        return orRaise(withoutGIL([&] { return Model::compile(source, options); }));
      }, py::arg("source"), py::arg("options") = CompileOptions())
      .def_static("from_compiled", [](const py::bytes &bytes) {
        return orRaise(Model::create(orRaise(CompiledModule::deserialize(std::string(bytes)))));
      })
      .def("compiled", [](Model &model) { return py::bytes(orRaise(model.compiled()).serialize()); })
      .def("prepare", [](Model &model, const std::string &target) {
        raiseIf(withoutGIL([&] { return model.prepare(target); }));
      }, py::arg("target"))
      .def("prepare_all", [](Model &model, const std::vector<std::string> &targets) {
        raiseIf(withoutGIL([&] { return model.prepareTargets(targets); }));
      }, py::arg("targets"))
      .def("call", [](Model &model, const std::string &target, py::dict inputs) {
        Inputs views = viewsOf(model, target, inputs);
        return toNumpy(orRaise(callWithoutGIL(model, target, views)));
      }, py::arg("target"), py::arg("inputs") = py::dict())
      .def("apply", [](Model &model, const std::string &target, py::dict inputs) {
        Inputs views = viewsOf(model, target, inputs);
        orRaise(callWithoutGIL(model, target, views));
      }, py::arg("target"), py::arg("inputs") = py::dict())
      .def("fit", [](Model &model, const std::string &target, py::dict inputs, int64_t batchSize,
                     int64_t epochs, bool shuffle, uint64_t seed,
                     std::function<void(int64_t, int64_t, int64_t, double)> progress) {
        FitOptions options;
        options.batchSize = batchSize;
        options.epochs = epochs;
        options.shuffle = shuffle;
        options.seed = seed;
        if (progress)
          options.progress = [&](const FitProgress &p) {
            progress(p.epoch, p.batch, p.batches, p.meanLoss);
          };
        std::map<std::string, Tensor> data = fromDict(model, target, inputs);
        // The progress callback takes the GIL back for itself (pybind11's function wrapper).
        return orRaise(withoutGIL([&] { return model.fit(target, data, options); }));
      }, py::arg("target"), py::arg("inputs"), py::arg("batch_size") = 32, py::arg("epochs") = 1,
         py::arg("shuffle") = false, py::arg("seed") = 0, py::arg("progress") = nullptr)
      .def("save", [](Model &model, const std::string &path) {
        raiseIf(withoutGIL([&] { return model.save(path); }));
      })
      .def("load", [](Model &model, const std::string &path) {
        raiseIf(withoutGIL([&] { return model.load(path); }));
      })
      .def_property_readonly("targets", &Model::targetNames)
      .def("inputs", [](Model &model, const std::string &target) {
        const TargetSignature *signature = model.findTarget(target);
        if (!signature)
          throw std::runtime_error("unknown or ambiguous target '" + target + "'");
        std::vector<std::string> names;
        for (const ValueSpec &spec : signature->inputs)
          names.push_back(spec.name);
        return names;
      })
      .def_property("epoch", [](Model &m) { return m.epoch; },
                    [](Model &m, int64_t e) { m.epoch = e; })
      .def("state", [](Model &model) {
        py::dict state;
        for (auto &[name, tensor] : model.copyState())
          state[py::str(name)] = toNumpy(std::move(tensor));
        return state;
      });
}
