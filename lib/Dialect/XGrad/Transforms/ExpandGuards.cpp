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

/// A value of `type` for the branch where the guarded code did not run: the caller frees
/// the buffers and reads nothing from any of them.
static FailureOr<Value> placeholder(OpBuilder &b, Location loc, Type type) {
  if (isa<IndexType>(type))
    return Value(arith::ConstantIndexOp::create(b, loc, 0));
  if (isa<IntegerType, FloatType>(type))
    return Value(arith::ConstantOp::create(b, loc, b.getZeroAttr(type)));
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.getLayout().isIdentity())
    return failure();
  if (memref.getNumDynamicDims() > 0) {
    SmallVector<Value> sizes(memref.getNumDynamicDims(), arith::ConstantIndexOp::create(b, loc, 0));
    return Value(memref::AllocOp::create(b, loc, memref, sizes));
  }
  // A static shape may be the very one that did not fit (the check that failed): the
  // placeholder is one element, seen as the result's shape.
  Value element =
      memref::AllocOp::create(b, loc, MemRefType::get({1}, memref.getElementType()), ValueRange{});
  auto [strides, offset] = memref.getStridesAndOffset();
  return Value(memref::ReinterpretCastOp::create(b, loc, memref, element, offset,
                                                 memref.getShape(), strides));
}

/// Nests everything after `guard` in `scf.if (status clear)`, up to the function's return
/// or up to the next collective (`xgrad.sum_over_ranks`), which every rank must run failed
/// or not. The other branch yields placeholders of what the nested code defines for later.
static LogicalResult expand(GuardOp guard) {
  Location loc = guard.getLoc();
  Block *block = guard->getBlock();
  Operation *ret = block->getTerminator();
  Operation *end = ret;
  for (Operation *op = guard->getNextNode(); op != ret; op = op->getNextNode())
    if (isa<SumOverRanksOp>(op)) {
      end = op;
      break;
    }
  Operation *first = guard->getNextNode();
  SmallVector<Value> liveOut;
  if (end == ret) {
    llvm::append_range(liveOut, ret->getOperands());
  } else {
    for (Operation *op = first; op != end; op = op->getNextNode())
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              Operation *owner = block->findAncestorOpInBlock(*user);
              return owner == end || end->isBeforeInBlock(owner);
            }))
          liveOut.push_back(result);
  }
  OpBuilder b(guard);
  Value flag = memref::LoadOp::create(
      b, loc, guard.getStatus(), ValueRange{arith::ConstantIndexOp::create(b, loc, abi::kFailed)});
  Value clear = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, flag,
                                      arith::ConstantIntOp::create(b, loc, 0, 64));
  auto ifOp = scf::IfOp::create(b, loc, ValueRange(liveOut).getTypes(), clear,
                                /*withElseRegion=*/true);
  // Without results the builder adds empty yields; both branches get theirs below.
  for (Region *region : {&ifOp.getThenRegion(), &ifOp.getElseRegion()})
    if (!region->front().empty())
      region->front().getTerminator()->erase();
  OpBuilder elseBuilder = OpBuilder::atBlockEnd(&ifOp.getElseRegion().front());
  SmallVector<Value> placeholders;
  for (Value value : liveOut) {
    FailureOr<Value> replacement = placeholder(elseBuilder, loc, value.getType());
    if (failed(replacement)) {
      ifOp.erase();
      if (end == ret)
        return guard.emitOpError("guards a function whose results are not all buffers of "
                                 "identity layout (run --xgrad-expand-guards after "
                                 "bufferization), found ")
               << value.getType();
      return guard.emitOpError("guards code that hands a value of type ")
             << value.getType()
             << " past a collective, which is not a buffer of identity layout or a scalar "
                "(run --xgrad-expand-guards after bufferization)";
    }
    placeholders.push_back(*replacement);
  }
  scf::YieldOp::create(elseBuilder, loc, placeholders);
  Block &then = ifOp.getThenRegion().front();
  then.getOperations().splice(then.end(), block->getOperations(), first->getIterator(),
                              end->getIterator());
  OpBuilder thenBuilder = OpBuilder::atBlockEnd(&then);
  scf::YieldOp::create(thenBuilder, loc, liveOut);
  if (end == ret) {
    ret->setOperands(ifOp.getResults());
  } else {
    for (auto [value, result] : llvm::zip(liveOut, ifOp.getResults()))
      value.replaceUsesWithIf(result, [&](OpOperand &use) {
        return !ifOp->isAncestor(use.getOwner());
      });
  }
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
