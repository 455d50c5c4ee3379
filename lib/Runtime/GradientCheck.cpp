//===- GradientCheck.cpp - derived gradients vs finite differences --------===//
#include "xgrad/Runtime/GradientCheck.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"
#include "xgrad/Pipelines/Pipelines.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>

using namespace xgrad;
using llvm::StringRef;

static constexpr llvm::StringLiteral kGradientPrefix = "__gradient.";

/// The ops `value` depends on in its block, through operands and the values kernel bodies
/// read from above.
static llvm::SmallPtrSet<mlir::Operation *, 32> dependencies(mlir::Value value) {
  llvm::SmallPtrSet<mlir::Operation *, 32> seen;
  llvm::SmallVector<mlir::Value> worklist{value};
  while (!worklist.empty()) {
    mlir::Operation *op = worklist.pop_back_val().getDefiningOp();
    if (!op || !seen.insert(op).second)
      continue;
    llvm::append_range(worklist, op->getOperands());
    llvm::SetVector<mlir::Value> captured;
    mlir::getUsedValuesDefinedAbove(op->getRegions(), captured);
    llvm::append_range(worklist, captured);
  }
  return seen;
}

/// Adds `xgrad.gradient` targets of `target` for every parameter and input it depends on;
/// returns the printed module and the gradients' names.
static llvm::Expected<std::string> withGradientTargets(StringRef source, StringRef target,
                                                       std::vector<std::string> &names) {
  mlir::MLIRContext context;
  mlir::DialectRegistry registry;
  mlir::xgrad::registerPipelineDialects(registry);
  context.appendDialectRegistry(registry);
  context.allowUnregisteredDialects(false);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    return llvm::createStringError("cannot parse the model");
  auto [graphName, targetName] = target.contains('.') ? target.split('.')
                                                      : std::make_pair(StringRef(), target);
  mlir::xgrad::TargetOp found;
  for (auto graph : module->getOps<mlir::xgrad::GraphOp>()) {
    if (!graphName.empty() && graph.getSymName() != graphName)
      continue;
    for (auto op : graph.getBody().front().getOps<mlir::xgrad::TargetOp>())
      if (op.getTargetName() == targetName)
        found = op;
  }
  if (!found)
    return llvm::createStringError("no target '%s' to check", target.str().c_str());
  auto graph = found->getParentOfType<mlir::xgrad::GraphOp>();
  mlir::OpBuilder builder = mlir::OpBuilder::atBlockEnd(&graph.getBody().front());
  llvm::SmallPtrSet<mlir::Operation *, 32> needed = dependencies(found.getValue());
  for (mlir::Operation &op : llvm::make_early_inc_range(graph.getBody().front())) {
    if (!needed.contains(&op))
      continue;
    std::string name;
    if (auto param = mlir::dyn_cast<mlir::xgrad::ParamOp>(op))
      name = "parameter '" + param.getParamName().str() + "'";
    else if (auto input = mlir::dyn_cast<mlir::xgrad::InputOp>(op))
      name = "input '" + input.getInputName().str() + "'";
    else
      continue;
    mlir::Value value = op.getResult(0);
    auto gradient = mlir::xgrad::GradientOp::create(builder, op.getLoc(), value.getType(),
                                                    found.getValue(), value);
    mlir::xgrad::TargetOp::create(builder, op.getLoc(),
                                  builder.getStringAttr(kGradientPrefix + std::to_string(
                                                                              names.size())),
                                  gradient);
    names.push_back(name);
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

/// The sum of the target's elements: the scalar whose gradient autodiff derives.
static llvm::Expected<double> evaluate(Model &model, StringRef target,
                                      const std::map<std::string, Tensor> &inputs) {
  llvm::Expected<Tensor> value = model.call(target, inputs);
  if (!value)
    return value.takeError();
  double sum = 0;
  for (int64_t i = 0; i < value->numElements(); ++i)
    sum += value->at(i);
  return sum;
}

llvm::Expected<std::vector<GradientCheckResult>>
xgrad::checkGradients(StringRef source, StringRef target,
                      const std::map<std::string, Tensor> &inputs, const CompileOptions &options,
                      double epsilon) {
  std::vector<std::string> names;
  llvm::Expected<std::string> augmented = withGradientTargets(source, target, names);
  if (!augmented)
    return augmented.takeError();
  llvm::Expected<std::unique_ptr<Model>> model = Model::compile(*augmented, options);
  if (!model)
    return model.takeError();

  std::vector<GradientCheckResult> results;
  std::map<std::string, Tensor> perturbed = inputs;
  for (size_t index = 0; index < names.size(); ++index) {
    std::string gradientTarget = kGradientPrefix.str() + std::to_string(index);
    // The gradient target takes only the inputs it needs; pass those.
    const TargetSignature *signature = (*model)->findTarget(gradientTarget);
    if (!signature)
      return llvm::createStringError("the gradient target of %s was not compiled",
                                     names[index].c_str());
    std::map<std::string, Tensor> needed;
    for (const ValueSpec &spec : signature->inputs)
      if (inputs.count(spec.name))
        needed[spec.name] = inputs.at(spec.name);
    llvm::Expected<Tensor> derived = (*model)->call(gradientTarget, needed);
    if (!derived)
      return derived.takeError();

    StringRef name = StringRef(names[index]).split('\'').second.drop_back();
    bool isInput = StringRef(names[index]).starts_with("input");
    Tensor *values = isInput ? (perturbed.count(name.str()) ? &perturbed[name.str()] : nullptr)
                             : &(*model)->state()[name.str()];
    if (!values)
      return llvm::createStringError("no value was given for %s", names[index].c_str());
    GradientCheckResult result{names[index], values->numElements(), 0};
    for (int64_t i = 0; i < values->numElements(); ++i) {
      double original = values->at(i);
      values->set(i, original + epsilon);
      llvm::Expected<double> plus = evaluate(**model, target, perturbed);
      values->set(i, original - epsilon);
      llvm::Expected<double> minus = evaluate(**model, target, perturbed);
      values->set(i, original);
      if (!plus)
        return plus.takeError();
      if (!minus)
        return minus.takeError();
      double numeric = (*plus - *minus) / (2 * epsilon);
      double analytic = derived->at(i);
      double scale = std::max({1.0, std::fabs(numeric), std::fabs(analytic)});
      double error = std::fabs(numeric - analytic) / scale;
      if (std::isnan(error))
        error = INFINITY;
      result.maxRelativeError = std::max(result.maxRelativeError, error);
    }
    results.push_back(result);
  }
  return results;
}
