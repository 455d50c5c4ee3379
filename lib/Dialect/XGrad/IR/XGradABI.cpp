//===- XGradABI.cpp - the runtime ABI's accessors and verifiers -----------===//
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::xgrad;
using namespace mlir::xgrad::abi;

static constexpr llvm::StringLiteral kDeclName = "name", kDeclType = "type",
                                     kDeclInit = "init", kDeclArgs = "args",
                                     kDeclSeed = "seed";

static StringRef argAttrName(ArgKind kind) {
  switch (kind) {
  case ArgKind::Input:
    return kInputAttr;
  case ArgKind::State:
    return kStateAttr;
  case ArgKind::Epoch:
    return kEpochAttr;
  case ArgKind::Step:
    return kStepAttr;
  case ArgKind::Status:
    return kStatusAttr;
  }
  llvm_unreachable("unknown argument kind");
}

static std::optional<ArgKind> argKindOf(StringRef name) {
  return llvm::StringSwitch<std::optional<ArgKind>>(name)
      .Case(kInputAttr, ArgKind::Input)
      .Case(kStateAttr, ArgKind::State)
      .Case(kEpochAttr, ArgKind::Epoch)
      .Case(kStepAttr, ArgKind::Step)
      .Case(kStatusAttr, ArgKind::Status)
      .Default(std::nullopt);
}

static std::optional<ResultKind> resultKindOf(StringRef name) {
  return llvm::StringSwitch<std::optional<ResultKind>>(name)
      .Case(kOutputAttr, ResultKind::Output)
      .Case(kStateAttr, ResultKind::State)
      .Default(std::nullopt);
}

MemRefType abi::getStatusType(MLIRContext *context) {
  return MemRefType::get({kStatusSize}, IntegerType::get(context, 64));
}

NamedAttribute abi::getArgAttr(MLIRContext *context, ArgKind kind, StringAttr name) {
  bool named = kind == ArgKind::Input || kind == ArgKind::State;
  assert(named == bool(name) && "inputs and state, and only they, carry names");
  return NamedAttribute(StringAttr::get(context, argAttrName(kind)),
                        named ? Attribute(name) : UnitAttr::get(context));
}

NamedAttribute abi::getResultAttr(MLIRContext *context, ResultKind kind, StringAttr name) {
  return NamedAttribute(
      StringAttr::get(context, kind == ResultKind::Output ? kOutputAttr : kStateAttr), name);
}

std::optional<ArgKind> abi::getArgKind(FunctionOpInterface function, unsigned index) {
  for (NamedAttribute attr : function.getArgAttrs(index))
    if (std::optional<ArgKind> kind = argKindOf(attr.getName()))
      return kind;
  return std::nullopt;
}

std::optional<ResultKind> abi::getResultKind(FunctionOpInterface function, unsigned index) {
  for (NamedAttribute attr : function.getResultAttrs(index))
    if (std::optional<ResultKind> kind = resultKindOf(attr.getName()))
      return kind;
  return std::nullopt;
}

StringAttr abi::getArgName(FunctionOpInterface function, unsigned index) {
  if (auto name = function.getArgAttrOfType<StringAttr>(index, kInputAttr))
    return name;
  return function.getArgAttrOfType<StringAttr>(index, kStateAttr);
}

StringAttr abi::getResultName(FunctionOpInterface function, unsigned index) {
  if (auto name = function.getResultAttrOfType<StringAttr>(index, kOutputAttr))
    return name;
  return function.getResultAttrOfType<StringAttr>(index, kStateAttr);
}

std::optional<unsigned> abi::findArg(FunctionOpInterface function, ArgKind kind) {
  for (unsigned i = 0, e = function.getNumArguments(); i < e; ++i)
    if (function.getArgAttr(i, argAttrName(kind)))
      return i;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Module attributes
//===----------------------------------------------------------------------===//

DictionaryAttr StateDeclaration::toAttr() const {
  MLIRContext *context = name.getContext();
  auto entry = [&](StringRef key, Attribute value) {
    return NamedAttribute(StringAttr::get(context, key), value);
  };
  return DictionaryAttr::get(context, {entry(kDeclName, name), entry(kDeclType, TypeAttr::get(type)),
                                       entry(kDeclInit, init), entry(kDeclArgs, args),
                                       entry(kDeclSeed, seed)});
}

std::optional<StateDeclaration>
StateDeclaration::fromAttr(Attribute attr, llvm::function_ref<InFlightDiagnostic()> emitError) {
  auto fail = [&](const Twine &message) -> std::optional<StateDeclaration> {
    if (emitError)
      emitError() << "state declaration " << attr << " " << message;
    return std::nullopt;
  };
  auto dict = dyn_cast<DictionaryAttr>(attr);
  if (!dict)
    return fail("is not a dictionary");
  if (dict.size() != 5)
    return fail("must have exactly the entries name, type, init, args and seed");
  StateDeclaration decl;
  decl.name = dict.getAs<StringAttr>(kDeclName);
  if (!decl.name || decl.name.getValue().empty())
    return fail("needs a non-empty string 'name'");
  auto type = dict.getAs<TypeAttr>(kDeclType);
  if (!type || !isa<TensorType>(type.getValue()))
    return fail("needs a tensor type 'type'");
  decl.type = cast<TensorType>(type.getValue());
  decl.init = dict.getAs<StringAttr>(kDeclInit);
  if (!decl.init || !symbolizeInitializer(decl.init.getValue()))
    return fail("needs an initializer name 'init'");
  decl.args = dict.getAs<DenseF64ArrayAttr>(kDeclArgs);
  if (!decl.args)
    return fail("needs an f64 array 'args'");
  decl.seed = dict.getAs<IntegerAttr>(kDeclSeed);
  if (!decl.seed || !decl.seed.getType().isInteger(64))
    return fail("needs an i64 'seed'");
  return decl;
}

std::string abi::getStateDeclarationsAttrName(StringRef graph) {
  return (kStateAttr + "." + graph).str();
}

bool abi::isStateDeclarationsAttrName(StringRef name) {
  return name.size() > kStateAttr.size() + 1 && name.starts_with(kStateAttr) &&
         name[kStateAttr.size()] == '.';
}

void abi::setStateDeclarations(ModuleOp module, StringRef graph,
                               ArrayRef<StateDeclaration> declarations) {
  SmallVector<Attribute> entries;
  for (const StateDeclaration &decl : declarations)
    entries.push_back(decl.toAttr());
  module->setAttr(getStateDeclarationsAttrName(graph),
                  ArrayAttr::get(module.getContext(), entries));
}

SmallVector<StateDeclaration> abi::getStateDeclarations(ModuleOp module) {
  SmallVector<StateDeclaration> declarations;
  for (NamedAttribute attr : module->getAttrs()) {
    if (!isStateDeclarationsAttrName(attr.getName()))
      continue;
    // The verifier has checked every entry.
    for (Attribute entry : cast<ArrayAttr>(attr.getValue()))
      declarations.push_back(*StateDeclaration::fromAttr(entry));
  }
  return declarations;
}

SmallVector<StringRef> abi::getMessages(ModuleOp module) {
  SmallVector<StringRef> messages;
  if (auto array = module->getAttrOfType<ArrayAttr>(kMessagesAttr))
    for (Attribute message : array)
      messages.push_back(cast<StringAttr>(message).getValue());
  return messages;
}

void abi::setMessages(ModuleOp module, ArrayRef<Attribute> messages) {
  module->setAttr(kMessagesAttr, ArrayAttr::get(module.getContext(), messages));
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

/// Before bufferization a target's values are ranked tensors, afterwards memrefs; the LLVM
/// dialect's functions keep the attributes on the expanded descriptor fields, which have
/// no type worth checking.
static bool isValueType(Type type) { return isa<RankedTensorType, MemRefType>(type); }

LogicalResult XGradDialect::verifyRegionArgAttribute(Operation *op, unsigned regionIndex,
                                                     unsigned argIndex,
                                                     NamedAttribute attribute) {
  StringRef name = attribute.getName();
  std::optional<ArgKind> kind = argKindOf(name);
  if (!kind)
    return op->emitError() << "'" << name << "' is not an xgrad argument attribute";
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function)
    return op->emitError() << "'" << name << "' is only valid on function arguments";
  bool named = *kind == ArgKind::Input || *kind == ArgKind::State;
  if (named && !isa<StringAttr>(attribute.getValue()))
    return op->emitError() << "'" << name << "' must be the value's name (a string)";
  if (!named && !isa<UnitAttr>(attribute.getValue()))
    return op->emitError() << "'" << name << "' must be a unit attribute";
  if (!isa<func::FuncOp>(op))
    return success();

  Type type = function.getArgumentTypes()[argIndex];
  auto emit = [&]() {
    return op->emitError() << "'" << name << "' on argument #" << argIndex << ": ";
  };
  if (named && !isValueType(type))
    return emit() << "expected a ranked tensor or memref, found " << type;
  if ((*kind == ArgKind::Epoch || *kind == ArgKind::Step) &&
      !(type.isIndex() || type.isInteger(64)))
    return emit() << "expected index or i64, found " << type;
  if (*kind == ArgKind::Status && type != getStatusType(op->getContext()))
    return emit() << "expected " << getStatusType(op->getContext()) << ", found " << type;
  if (!named)
    for (unsigned other = 0, e = function.getNumArguments(); other < e; ++other)
      if (other != argIndex && function.getArgAttr(other, name))
        return emit() << "argument #" << other << " carries it too";
  return success();
}

LogicalResult XGradDialect::verifyRegionResultAttribute(Operation *op, unsigned regionIndex,
                                                        unsigned resultIndex,
                                                        NamedAttribute attribute) {
  StringRef name = attribute.getName();
  if (!resultKindOf(name))
    return op->emitError() << "'" << name << "' is not an xgrad result attribute";
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function)
    return op->emitError() << "'" << name << "' is only valid on function results";
  if (!isa<StringAttr>(attribute.getValue()))
    return op->emitError() << "'" << name << "' must be the value's name (a string)";
  if (!isa<func::FuncOp>(op))
    return success();
  Type type = function.getResultTypes()[resultIndex];
  if (!isValueType(type))
    return op->emitError() << "'" << name << "' on result #" << resultIndex
                           << ": expected a ranked tensor or memref, found " << type;
  return success();
}

LogicalResult XGradDialect::verifyOperationAttribute(Operation *op, NamedAttribute attribute) {
  StringRef name = attribute.getName();
  bool messages = name == kMessagesAttr;
  bool declarations = isStateDeclarationsAttrName(name);
  if (argKindOf(name) || resultKindOf(name))
    return op->emitError() << "'" << name
                           << "' belongs on a function's arguments or results, not on an op";
  // Other xgrad attributes (kernel names on lowered loops, ...) are not the runtime's.
  if (!messages && !declarations)
    return success();
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << name << "' is only valid on a builtin.module";
  auto array = dyn_cast<ArrayAttr>(attribute.getValue());
  if (!array)
    return op->emitError() << "'" << name << "' must be an array";
  for (Attribute entry : array) {
    if (messages && !isa<StringAttr>(entry))
      return op->emitError() << "'" << name << "' must list strings, found " << entry;
    if (declarations &&
        !StateDeclaration::fromAttr(entry, [&] { return op->emitError(); }))
      return failure();
  }
  return success();
}
