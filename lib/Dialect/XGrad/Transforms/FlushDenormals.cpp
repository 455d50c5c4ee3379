//===- FlushDenormals.cpp - compiled code runs with subnormals flushed ----===//
//
// docs/Rationale.md, "Subnormals are flushed to zero": a scoped MXCSR change around the
// compiled code, never a process-wide one.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/Passes.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace mlir::xgrad {
#define GEN_PASS_DEF_XGRADFLUSHDENORMALS
#include "xgrad/Dialect/XGrad/Transforms/Passes.h.inc"
} // namespace mlir::xgrad

using namespace mlir;

namespace {
/// MXCSR's flush-to-zero (bit 15) and denormals-are-zero (bit 6).
constexpr int32_t kFlushBits = 0x8040;

/// `llvm.x86.sse.stmxcsr` or `ldmxcsr`: MXCSR to or from the 32 bits at `slot`.
void callMXCSRIntrinsic(OpBuilder &builder, Location loc, StringRef name, Value slot) {
  LLVM::CallIntrinsicOp::create(builder, loc, builder.getStringAttr(name), ValueRange{slot},
                                LLVM::FastmathFlagsAttr{});
}

/// The caller's MXCSR value and the stack slot the intrinsics read it through.
struct SavedControl {
  Value slot, saved;
};

/// At the start of `entry`, saves MXCSR and sets the flush bits.
SavedControl flushFrom(OpBuilder &builder, Location loc, Block &entry) {
  builder.setInsertionPointToStart(&entry);
  auto i32 = builder.getI32Type();
  auto ptr = LLVM::LLVMPointerType::get(builder.getContext());
  Value one = LLVM::ConstantOp::create(builder, loc, builder.getI64Type(), 1);
  Value slot = LLVM::AllocaOp::create(builder, loc, ptr, i32, one, /*alignment=*/4);
  callMXCSRIntrinsic(builder, loc, "llvm.x86.sse.stmxcsr", slot);
  Value saved = LLVM::LoadOp::create(builder, loc, i32, slot);
  Value bits = LLVM::ConstantOp::create(builder, loc, i32, kFlushBits);
  Value flushed = LLVM::OrOp::create(builder, loc, saved, bits);
  LLVM::StoreOp::create(builder, loc, flushed, slot);
  callMXCSRIntrinsic(builder, loc, "llvm.x86.sse.ldmxcsr", slot);
  return {slot, saved};
}

/// Writes the saved value back before `exit`.
void restoreBefore(OpBuilder &builder, Operation *exit, SavedControl control) {
  builder.setInsertionPoint(exit);
  LLVM::StoreOp::create(builder, exit->getLoc(), control.saved, control.slot);
  callMXCSRIntrinsic(builder, exit->getLoc(), "llvm.x86.sse.ldmxcsr", control.slot);
}

struct FlushDenormalsPass
    : mlir::xgrad::impl::XGradFlushDenormalsBase<FlushDenormalsPass> {
  void runOnOperation() override {
    OpBuilder builder(&getContext());
    getOperation().walk([&](LLVM::LLVMFuncOp func) {
      LLVM::Linkage linkage = func.getLinkage();
      if (func.isExternal() || func.isPrivate() || linkage == LLVM::Linkage::Private ||
          linkage == LLVM::Linkage::Internal)
        return;
      SavedControl saved = flushFrom(builder, func.getLoc(), func.getBody().front());
      func.walk([&](LLVM::ReturnOp exit) {
        if (exit->getParentOfType<LLVM::LLVMFuncOp>() == func)
          restoreBefore(builder, exit, saved);
      });
    });
    // Each worker thread of a parallel region, the calling one too (which then restores
    // the flushed value it entered with).
    getOperation().walk([&](omp::ParallelOp parallel) {
      SavedControl saved =
          flushFrom(builder, parallel.getLoc(), parallel.getRegion().front());
      parallel.getRegion().walk([&](omp::TerminatorOp exit) {
        if (exit->getParentOp() == parallel)
          restoreBefore(builder, exit, saved);
      });
    });
  }
};
} // namespace
