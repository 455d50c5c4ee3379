// RUN: xgrad-opt %s --xgrad-outer-parallel | FileCheck %s

// The matmul scheduled as (y, it, x): y stays parallel, x inside the reduction becomes a loop.
// CHECK-LABEL: func.func @matmul
// CHECK: scf.parallel (%[[Y:.*]]) =
// CHECK-NEXT: scf.for %[[IT:.*]] =
// CHECK-NEXT: scf.for %[[X:.*]] =
// CHECK-NOT: scf.parallel
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[Y]], %[[X]]]
func.func @matmul(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%y) = (%c0) to (%n) step (%c1) {
    scf.for %it = %c0 to %n step %c1 {
      scf.parallel (%x) = (%c0) to (%n) step (%c1) {
        %l = memref.load %a[%y, %it] : memref<?x?xf32>
        %r = memref.load %b[%it, %x] : memref<?x?xf32>
        %o = memref.load %c[%y, %x] : memref<?x?xf32>
        %p = arith.mulf %l, %r : f32
        %s = arith.addf %o, %p : f32
        memref.store %s, %c[%y, %x] : memref<?x?xf32>
        scf.reduce
      }
    }
    scf.reduce
  }
  return
}
