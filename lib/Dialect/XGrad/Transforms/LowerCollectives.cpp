//===- LowerCollectives.cpp - xgrad.sum_over_ranks to the mpi dialect -----===//
//
// After buffer deallocation: the deallocation passes need every op touching a buffer to
// declare its effects, which xgrad.sum_over_ranks does and mpi.allreduce (MLIR 22) does not.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADLOWERCOLLECTIVES
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;
using namespace mlir::xgrad;

static void lower(SumOverRanksOp op, int64_t messageId) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value buffer = op.getBuffer(), status = op.getStatus();
  auto elementType = cast<FloatType>(op.getBuffer().getType().getElementType());
  auto index = [&](int64_t value) -> Value { return arith::ConstantIndexOp::create(b, loc, value); };
  auto floating = [&](double value) -> Value {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(elementType, value));
  };
  Value length = memref::DimOp::create(b, loc, buffer, 0);
  Value verdictAt = arith::SubIOp::create(b, loc, length, index(1));
  Value flag = memref::LoadOp::create(b, loc, status, ValueRange{index(abi::kFailed)});
  Value clear =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, flag,
                            arith::ConstantIntOp::create(b, loc, 0, 64));
  Value verdict = arith::SelectOp::create(b, loc, clear, floating(0.0), floating(1.0));
  memref::StoreOp::create(b, loc, verdict, buffer, ValueRange{verdictAt});
  // The same buffer as send and receive: upstream lowers that to MPI_IN_PLACE.
  Value world = mpi::CommWorldOp::create(b, loc, mpi::CommType::get(b.getContext()));
  mpi::AllReduceOp::create(b, loc, /*retval=*/Type(), buffer, buffer,
                           mpi::MPI_ReductionOpEnum::MPI_SUM, world);
  Value failures = memref::LoadOp::create(b, loc, buffer, ValueRange{verdictAt});
  Value anyFailed =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, failures, floating(0.5));
  Value othersFailed = arith::AndIOp::create(b, loc, clear, anyFailed);
  auto ifOp = scf::IfOp::create(b, loc, othersFailed, /*withElseRegion=*/false);
  OpBuilder then = ifOp.getThenBodyBuilder();
  auto store = [&](Value value, abi::StatusField field) {
    memref::StoreOp::create(then, loc, value, status,
                            ValueRange{arith::ConstantIndexOp::create(then, loc, field)});
  };
  // One thread runs this (collectives are never inside parallel loops): plain stores.
  store(arith::ConstantIntOp::create(then, loc, 1, 64), abi::kFailed);
  store(arith::ConstantIntOp::create(then, loc, messageId, 64), abi::kCheckId);
  store(arith::FPToSIOp::create(then, loc, then.getI64Type(), failures), abi::kLhs);
  store(arith::ConstantIntOp::create(then, loc, 0, 64), abi::kRhs);
  op.erase();
}

namespace {
struct XGradLowerCollectivesPass
    : public mlir::xgrad::impl::XGradLowerCollectivesBase<XGradLowerCollectivesPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (implementation != "OpenMPI" && implementation != "MPICH") {
      module.emitError("--xgrad-lower-collectives: implementation must be 'OpenMPI' or "
                       "'MPICH', got '")
          << implementation << "'";
      return signalPassFailure();
    }
    SmallVector<SumOverRanksOp> collectives;
    module.walk([&](SumOverRanksOp op) { collectives.push_back(op); });
    if (collectives.empty())
      return;
    MLIRContext *context = &getContext();
    SmallVector<Attribute> messages;
    for (StringRef message : abi::getMessages(module))
      messages.push_back(StringAttr::get(context, message));
    int64_t messageId = messages.size();
    messages.push_back(StringAttr::get(
        context, "{lhs} other rank(s) failed in this step (their messages say why); every "
                 "rank stops"));
    abi::setMessages(module, messages);
    for (SumOverRanksOp op : collectives)
      lower(op, messageId);
    // Upstream's lowering picks the MPI ABI from this entry; without it, it silently emits
    // MPICH's handles, which crash in OpenMPI.
    auto entry = DataLayoutEntryAttr::get(StringAttr::get(context, "MPI:Implementation"),
                                          StringAttr::get(context, implementation));
    module->setAttr(DLTIDialect::kMapAttrName, MapAttr::get(context, {entry}));
  }
};
} // namespace
