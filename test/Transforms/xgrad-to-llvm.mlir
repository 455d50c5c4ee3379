// RUN: xgrad-opt %s --xgrad-to-llvm | FileCheck %s
// RUN: xgrad-opt %s --xgrad-to-llvm="threads=2 parallel-min-work=0" | FileCheck %s --check-prefix=OMP

// The whole pipeline ends in the LLVM dialect only, with the buffers' aligned_alloc and free.
// CHECK: module attributes {xgrad.messages = ["kernel 'scale': its result (tensor<?x?xf32>) needs {lhs} bytes{{[^"]*}}"], xgrad.state.g = []}
// CHECK-NOT: xgrad.kernel
// CHECK-NOT: linalg.
// CHECK-NOT: scf.
// CHECK-NOT: memref.
// CHECK: llvm.func @aligned_alloc
// CHECK: llvm.func @g.scale(
// CHECK-SAME: {xgrad.epoch}
// CHECK: llvm.fmul
// CHECK: llvm.func @_mlir_ciface_g.scale(
// With threads=2 the written iterators run in an OpenMP loop.
// OMP: omp.parallel
// OMP: omp.wsloop

xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?x?xf32>
  %y = xgrad.kernel "scale" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %x[%i, %j] : tensor<?x?xf32>
    %c = arith.constant 3.0 : f32
    %p = arith.mulf %v, %c : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  xgrad.target "scale" %y : tensor<*xf32>
}
