//===- XGradABI.h - what the runtime reads from compiled modules -*- C++ -*-===//
//
// The contract between --xgrad-materialize-targets, the lowering and the runtime: the
// attributes that mark a target function's arguments and results, the status buffer a
// failed check writes, and the module attributes holding state declarations and check
// messages. Every name is spelled here once; the dialect verifies them (XGradABI.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef XGRAD_DIALECT_XGRAD_IR_XGRADABI_H
#define XGRAD_DIALECT_XGRAD_IR_XGRADABI_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <optional>
#include <string>

namespace mlir::xgrad::abi {

/// Argument attributes. `input` and `state` carry the value's name (a StringAttr), the
/// others are unit attributes.
inline constexpr llvm::StringLiteral kInputAttr = "xgrad.input";
inline constexpr llvm::StringLiteral kStateAttr = "xgrad.state";
inline constexpr llvm::StringLiteral kEpochAttr = "xgrad.epoch";
inline constexpr llvm::StringLiteral kStepAttr = "xgrad.step";
inline constexpr llvm::StringLiteral kStatusAttr = "xgrad.status";
/// Result attributes: the target's value, and the new values of state (`kStateAttr`).
inline constexpr llvm::StringLiteral kOutputAttr = "xgrad.output";
/// Module attribute: each run-time check's message, indexed by check id.
inline constexpr llvm::StringLiteral kMessagesAttr = "xgrad.messages";

/// What an argument of a target function is. A function's arguments are its inputs and
/// state in graph order, then epoch, step and status, in that order.
enum class ArgKind { Input, State, Epoch, Step, Status };
/// What a result is: the target's value first, then the state it updates.
enum class ResultKind { Output, State };

/// The status buffer, a memref<5xi64>: a failing check sets `kFailed` atomically; the first
/// to set it stores its id and both compared values. The caller zeroes the first four and
/// sets `kAllocationLimit`: the most bytes any one buffer the code allocates may take (a
/// kernel whose result needs more fails its check instead of allocating).
enum StatusField : int64_t {
  kFailed = 0,
  kCheckId = 1,
  kLhs = 2,
  kRhs = 3,
  kAllocationLimit = 4,
  kStatusSize = 5
};
MemRefType getStatusType(MLIRContext *context);

/// The attribute marking an argument as `kind`; `name` is needed by inputs and state only.
NamedAttribute getArgAttr(MLIRContext *context, ArgKind kind, StringAttr name = {});
NamedAttribute getResultAttr(MLIRContext *context, ResultKind kind, StringAttr name);

std::optional<ArgKind> getArgKind(FunctionOpInterface function, unsigned index);
std::optional<ResultKind> getResultKind(FunctionOpInterface function, unsigned index);
/// The name an input or state argument (or an output or state result) carries.
StringAttr getArgName(FunctionOpInterface function, unsigned index);
StringAttr getResultName(FunctionOpInterface function, unsigned index);
/// The argument marked `kind` (epoch, step or status), if any.
std::optional<unsigned> findArg(FunctionOpInterface function, ArgKind kind);

/// One parameter or cache of a graph: its name, type, initializer and seed.
struct StateDeclaration {
  StringAttr name;
  TensorType type;
  /// An initializer name (`zeros`, `uniform`, ...) and its arguments.
  StringAttr init;
  DenseF64ArrayAttr args;
  IntegerAttr seed;

  DictionaryAttr toAttr() const;
  /// Reads a declaration; on a malformed one, reports through `emitError` if given.
  static std::optional<StateDeclaration>
  fromAttr(Attribute attr, llvm::function_ref<InFlightDiagnostic()> emitError = {});
};

/// The module attribute holding the state graph `graph` declares.
std::string getStateDeclarationsAttrName(llvm::StringRef graph);
/// Whether `name` is such an attribute.
bool isStateDeclarationsAttrName(llvm::StringRef name);
void setStateDeclarations(ModuleOp module, llvm::StringRef graph,
                          llvm::ArrayRef<StateDeclaration> declarations);
/// The declarations of every graph in the module, in attribute order.
llvm::SmallVector<StateDeclaration> getStateDeclarations(ModuleOp module);

/// The check messages, by id; `{lhs}` and `{rhs}` stand for the compared values.
llvm::SmallVector<llvm::StringRef> getMessages(ModuleOp module);
void setMessages(ModuleOp module, llvm::ArrayRef<Attribute> messages);

} // namespace mlir::xgrad::abi

#endif // XGRAD_DIALECT_XGRAD_IR_XGRADABI_H
