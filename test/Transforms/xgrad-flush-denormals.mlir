// RUN: xgrad-opt %s --xgrad-flush-denormals | FileCheck %s

// A target's function saves MXCSR on entry, sets flush-to-zero and denormals-are-zero
// (0x8040 = 32832), and writes the saved value back before each of its returns.
// CHECK-LABEL: llvm.func @target
// CHECK: %[[SLOT:.*]] = llvm.alloca
// CHECK: llvm.call_intrinsic "llvm.x86.sse.stmxcsr"(%[[SLOT]])
// CHECK: %[[SAVED:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> i32
// CHECK: %[[BITS:.*]] = llvm.mlir.constant(32832 : i32)
// CHECK: %[[FLUSHED:.*]] = llvm.or %[[SAVED]], %[[BITS]]
// CHECK: llvm.store %[[FLUSHED]], %[[SLOT]]
// CHECK: llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[SLOT]])
// CHECK: llvm.cond_br
// CHECK: llvm.store %[[SAVED]], %[[SLOT]]
// CHECK-NEXT: llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[SLOT]])
// CHECK-NEXT: llvm.return
// CHECK: llvm.store %[[SAVED]], %[[SLOT]]
// CHECK-NEXT: llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[SLOT]])
// CHECK-NEXT: llvm.return
llvm.func @target(%c: i1, %x: f32) -> f32 {
  llvm.cond_br %c, ^small, ^large
^small:
  %s = llvm.fmul %x, %x : f32
  llvm.return %s : f32
^large:
  llvm.return %x : f32
}

// Private helpers run inside a target, whose mode they inherit; declarations have no body.
// CHECK-LABEL: llvm.func private @helper
// CHECK-NOT: mxcsr
// CHECK: llvm.return
llvm.func private @helper(%x: f32) -> f32 {
  llvm.return %x : f32
}
// CHECK-LABEL: llvm.func @external
// CHECK-NOT: mxcsr
llvm.func @external(f32) -> f32

// Every thread of a parallel region sets its own MXCSR (OpenMP's workers do not inherit the
// caller's) and restores it when the region ends.
// CHECK-LABEL: llvm.func @threads
// CHECK: llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"
// CHECK: omp.parallel {
// CHECK: %[[WORKER:.*]] = llvm.alloca
// CHECK: llvm.call_intrinsic "llvm.x86.sse.stmxcsr"(%[[WORKER]])
// CHECK: llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[WORKER]])
// CHECK: llvm.fadd
// CHECK: llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"(%[[WORKER]])
// CHECK-NEXT: omp.terminator
// CHECK: }
// CHECK: llvm.call_intrinsic "llvm.x86.sse.ldmxcsr"
// CHECK-NEXT: llvm.return
llvm.func @threads(%x: f32) {
  omp.parallel {
    %y = llvm.fadd %x, %x : f32
    omp.terminator
  }
  llvm.return
}
