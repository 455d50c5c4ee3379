//===- XGrad.cpp - the C API over xgrad::Model ----------------------------===//
#include "xgrad-c/XGrad.h"
#include "xgrad/Runtime/Model.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>

using namespace xgrad;

struct XGradModel {
  std::unique_ptr<Model> model;
};

static int fail(char **error, const std::string &message) {
  if (error)
    *error = strdup(message.c_str());
  return 1;
}
static int fail(char **error, llvm::Error failure) {
  return fail(error, llvm::toString(std::move(failure)));
}

const char *xgradVersion(void) { return XGRAD_VERSION; }

void xgradCompileOptionsInit(XGradCompileOptions *options) {
  if (!options)
    return;
  CompileOptions defaults;
  *options = XGradCompileOptions{};
  options->size = sizeof(XGradCompileOptions);
  options->threads = int32_t(defaults.threads);
  options->useLinalg = defaults.useLinalg;
  options->optLevel = int32_t(defaults.optLevel);
  options->cache = defaults.cache;
  options->lazy = defaults.lazy;
  options->checkFinite = defaults.checkFinite;
  options->flushDenormals = defaults.flushDenormals;
  options->parallelMinWork = defaults.parallelMinWork;
}

/// Reads the fields the caller's version of the struct has; later ones keep their defaults.
static llvm::Expected<CompileOptions> toCompileOptions(const XGradCompileOptions *given) {
  CompileOptions options;
  if (!given)
    return options;
  if (given->size < offsetof(XGradCompileOptions, threads) + sizeof(given->threads))
    return llvm::createStringError("xgradCompile: options.size is %zu: initialise the options "
                                   "with xgradCompileOptionsInit",
                                   given->size);
  auto has = [&](size_t offset, size_t fieldSize) { return given->size >= offset + fieldSize; };
  if (given->threads < 0)
    return llvm::createStringError("xgradCompile: threads must be 0 (one per core) or more, "
                                   "got %d",
                                   given->threads);
  options.threads = unsigned(given->threads);
  if (has(offsetof(XGradCompileOptions, useLinalg), sizeof(int32_t)))
    options.useLinalg = given->useLinalg != 0;
  if (has(offsetof(XGradCompileOptions, optLevel), sizeof(int32_t))) {
    if (given->optLevel < 0 || given->optLevel > 3)
      return llvm::createStringError("xgradCompile: optLevel must be 0 to 3, got %d",
                                     given->optLevel);
    options.optLevel = unsigned(given->optLevel);
  }
  if (has(offsetof(XGradCompileOptions, sourceName), sizeof(const char *)) && given->sourceName)
    options.sourceName = given->sourceName;
  if (has(offsetof(XGradCompileOptions, schedule), sizeof(const char *)) && given->schedule)
    options.schedule = given->schedule;
  if (has(offsetof(XGradCompileOptions, cache), sizeof(int32_t)))
    options.cache = given->cache != 0;
  if (has(offsetof(XGradCompileOptions, cacheDirectory), sizeof(const char *)) &&
      given->cacheDirectory)
    options.cacheDirectory = given->cacheDirectory;
  if (has(offsetof(XGradCompileOptions, lazy), sizeof(int32_t)))
    options.lazy = given->lazy != 0;
  if (has(offsetof(XGradCompileOptions, checkFinite), sizeof(int32_t)))
    options.checkFinite = given->checkFinite != 0;
  if (has(offsetof(XGradCompileOptions, distributed), sizeof(int32_t)))
    options.distributed = given->distributed != 0;
  if (has(offsetof(XGradCompileOptions, lossIsSum), sizeof(int32_t)))
    options.lossReduction = given->lossIsSum ? LossReduction::sum : LossReduction::mean;
  if (has(offsetof(XGradCompileOptions, flushDenormals), sizeof(int32_t)))
    options.flushDenormals = given->flushDenormals != 0;
  if (has(offsetof(XGradCompileOptions, parallelMinWork), sizeof(uint64_t)))
    options.parallelMinWork = given->parallelMinWork;
  return options;
}

XGradModel *xgradCompile(const char *source, size_t length, const XGradCompileOptions *given,
                         char **error) {
  if (!source)
    return fail(error, "xgradCompile: no source"), nullptr;
  llvm::Expected<CompileOptions> options = toCompileOptions(given);
  if (!options)
    return fail(error, options.takeError()), nullptr;
  auto model = Model::compile(llvm::StringRef(source, length), *options);
  if (!model)
    return fail(error, model.takeError()), nullptr;
  return new XGradModel{std::move(*model)};
}

void xgradDestroy(XGradModel *model) { delete model; }
void xgradFreeString(char *string) { std::free(string); }

int64_t xgradOutputRank(XGradModel *model, const char *target) {
  const TargetSignature *signature = model && target ? model->model->findTarget(target) : nullptr;
  return signature ? int64_t(signature->output.shape.size()) : -1;
}

int xgradCall(XGradModel *model, const char *target, const char *const *inputNames,
              const XGradBuffer *inputs, size_t numInputs, XGradBuffer *output, char **error) {
  if (!model || !target || !output || (numInputs && (!inputNames || !inputs)))
    return fail(error, "xgradCall: a required argument is NULL");
  // The inputs are read in place from the caller's buffers.
  std::map<std::string, TensorView> views;
  for (size_t i = 0; i < numInputs; ++i) {
    const XGradBuffer &buffer = inputs[i];
    if (!inputNames[i] || (buffer.rank > 0 && !buffer.shape) || buffer.rank < 0 ||
        (buffer.type != XGRAD_F32 && buffer.type != XGRAD_F64))
      return fail(error, "xgradCall: input " + std::to_string(i) + " is malformed");
    llvm::ArrayRef<int64_t> shape(buffer.shape, buffer.rank);
    int64_t count = 1;
    for (int64_t size : shape) {
      if (size < 0)
        return fail(error, std::string("xgradCall: input '") + inputNames[i] +
                               "' has a negative extent");
      count *= size;
    }
    if (count && !buffer.data)
      return fail(error, std::string("xgradCall: input '") + inputNames[i] + "' has no data");
    views[inputNames[i]] = {buffer.type == XGRAD_F32 ? ElementType::f32 : ElementType::f64,
                            shape, buffer.data};
  }
  llvm::Expected<Tensor> value = model->model->callOnViews(target, views);
  if (!value)
    return fail(error, value.takeError());
  if (value->numElements() > output->capacity || !output->data ||
      (value->shape().size() && !output->shape))
    return fail(error, "xgradCall: the output needs room for " +
                           std::to_string(value->numElements()) + " elements (" +
                           value->typeString() + "), the buffer holds " +
                           std::to_string(output->capacity));
  output->type = value->elementType() == ElementType::f32 ? XGRAD_F32 : XGRAD_F64;
  output->rank = value->shape().size();
  std::copy(value->shape().begin(), value->shape().end(), output->shape);
  // An empty value's data() may be null, which memcpy must not get even for 0 bytes.
  if (value->sizeInBytes())
    std::memcpy(output->data, value->data(), value->sizeInBytes());
  return 0;
}

int64_t xgradGetEpoch(XGradModel *model) { return model ? model->model->epoch : 0; }
void xgradSetEpoch(XGradModel *model, int64_t epoch) {
  if (model)
    model->model->epoch = epoch;
}

int xgradSave(XGradModel *model, const char *path, char **error) {
  if (!model || !path)
    return fail(error, "xgradSave: a required argument is NULL");
  if (llvm::Error failure = model->model->save(path))
    return fail(error, std::move(failure));
  return 0;
}

int xgradLoad(XGradModel *model, const char *path, char **error) {
  if (!model || !path)
    return fail(error, "xgradLoad: a required argument is NULL");
  if (llvm::Error failure = model->model->load(path))
    return fail(error, std::move(failure));
  return 0;
}
