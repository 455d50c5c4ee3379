//===- ConvertMPIToLLVM.cpp - the mpi dialect to LLVM, OpenMPI fixed ------===//
//
// The one place xgrad works around MLIR 22's MPI lowering (../shared/reference/
// mpi-feasibility.md, "Pitfalls"): it names OpenMPI's predefined reduction operations
// `ompi_mpi_<op>`, but mpi.h defines MPI_SUM as `&ompi_mpi_op_sum` and libmpi.so.40 exports
// only the latter, so the code would not link. The other defects met there (comm_split's
// truncated handle, comm_size and barrier without a lowering) concern ops xgrad does not
// emit: the runtime asks MPI for the rank and size itself.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MPIToLLVM/MPIToLLVM.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADCONVERTMPITOLLVM
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

/// OpenMPI's predefined reduction operations, as MLIR 22 misnames them (`ompi_mpi_<op>`).
static constexpr llvm::StringLiteral kOpenMPIReductions[] = {
    "sum",  "max", "min",  "prod", "land",   "band",   "lor",
    "bor",  "lxor", "bxor", "minloc", "maxloc", "replace", "no_op"};

/// Renames each misnamed reduction global to the symbol OpenMPI exports.
static LogicalResult fixOpenMPIReductionSymbols(ModuleOp module) {
  SymbolTable symbols(module);
  for (StringRef op : kOpenMPIReductions) {
    std::string wrong = ("ompi_mpi_" + op).str(), right = ("ompi_mpi_op_" + op).str();
    auto global = symbols.lookup<LLVM::GlobalOp>(wrong);
    if (!global)
      continue;
    if (symbols.lookup(right))
      return global.emitOpError("cannot be renamed to '") << right << "': the name is taken";
    if (failed(symbols.rename(global, StringAttr::get(module.getContext(), right))))
      return failure();
  }
  return success();
}

namespace {
struct XGradConvertMPIToLLVMPass
    : public mlir::xgrad::impl::XGradConvertMPIToLLVMBase<XGradConvertMPIToLLVMPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool hasMPI = false;
    module.walk([&](Operation *op) {
      hasMPI |= isa<mpi::MPIDialect>(op->getDialect());
      return hasMPI ? WalkResult::interrupt() : WalkResult::advance();
    });
    if (!hasMPI)
      return;
    LLVMTypeConverter converter(&getContext());
    RewritePatternSet patterns(&getContext());
    mpi::populateMPIToLLVMConversionPatterns(converter, patterns);
    LLVMConversionTarget target(getContext());
    target.addIllegalDialect<mpi::MPIDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    StringAttr implementation;
    if (auto map = dyn_cast_or_null<MapAttr>(module->getAttr(DLTIDialect::kMapAttrName)))
      if (FailureOr<Attribute> value =
              map.query(StringAttr::get(&getContext(), "MPI:Implementation"));
          succeeded(value))
        implementation = dyn_cast<StringAttr>(*value);
    if (implementation && implementation.getValue() == "OpenMPI" &&
        failed(fixOpenMPIReductionSymbols(module)))
      return signalPassFailure();
  }
};
} // namespace
