//===- ExpandGuards.cpp - xgrad.guard to scf.if on the status flag --------===//
//
// After bufferization, so that the scf.if's branches yield buffers of one type: see the
// description of xgrad.guard.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/IR/XGradABI.h"
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADEXPANDGUARDS
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;
using namespace mlir::xgrad;

/// Nests everything after `guard` up to the function's return in `scf.if (status clear)`;
/// the other branch yields empty placeholders of the result types.
static LogicalResult expand(GuardOp guard) {
  Location loc = guard.getLoc();
  Block *block = guard->getBlock();
  Operation *ret = block->getTerminator();
  for (Type type : ret->getOperandTypes())
    if (auto memref = dyn_cast<MemRefType>(type); !memref || !memref.getLayout().isIdentity())
      return guard.emitOpError("guards a function whose results are not all buffers of "
                               "identity layout (run --xgrad-expand-guards after "
                               "bufferization), found ")
             << type;
  OpBuilder b(guard);
  Value flag = memref::LoadOp::create(
      b, loc, guard.getStatus(), ValueRange{arith::ConstantIndexOp::create(b, loc, abi::kFailed)});
  Value clear = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, flag,
                                      arith::ConstantIntOp::create(b, loc, 0, 64));
  Operation *first = guard->getNextNode();
  auto ifOp = scf::IfOp::create(b, loc, ret->getOperandTypes(), clear, /*withElseRegion=*/true);
  Block &then = ifOp.getThenRegion().front();
  then.getOperations().splice(then.end(), block->getOperations(), first->getIterator(),
                              ret->getIterator());
  OpBuilder thenBuilder = OpBuilder::atBlockEnd(&then);
  scf::YieldOp::create(thenBuilder, loc, ret->getOperands());
  // The caller frees the placeholders and reads nothing from them.
  OpBuilder elseBuilder = OpBuilder::atBlockEnd(&ifOp.getElseRegion().front());
  SmallVector<Value> placeholders;
  for (Type type : ret->getOperandTypes()) {
    auto memref = cast<MemRefType>(type);
    if (memref.getNumDynamicDims() > 0) {
      SmallVector<Value> sizes(memref.getNumDynamicDims(),
                               arith::ConstantIndexOp::create(elseBuilder, loc, 0));
      placeholders.push_back(memref::AllocOp::create(elseBuilder, loc, memref, sizes));
      continue;
    }
    // A static shape may be the very one that did not fit (the check that failed): the
    // placeholder is one element, seen as the result's shape.
    Value element = memref::AllocOp::create(
        elseBuilder, loc, MemRefType::get({1}, memref.getElementType()), ValueRange{});
    auto [strides, offset] = memref.getStridesAndOffset();
    placeholders.push_back(memref::ReinterpretCastOp::create(
        elseBuilder, loc, memref, element, offset, memref.getShape(), strides));
  }
  scf::YieldOp::create(elseBuilder, loc, placeholders);
  ret->setOperands(ifOp.getResults());
  guard.erase();
  return success();
}

namespace {
struct XGradExpandGuardsPass
    : public mlir::xgrad::impl::XGradExpandGuardsBase<XGradExpandGuardsPass> {
  void runOnOperation() override {
    SmallVector<GuardOp> guards(getOperation().getBody().getOps<GuardOp>());
    // The last first: each scf.if then moves, whole, into the one of the guard before it.
    for (GuardOp guard : llvm::reverse(guards))
      if (failed(expand(guard)))
        return signalPassFailure();
  }
};
} // namespace
