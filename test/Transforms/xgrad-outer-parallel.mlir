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

// A 4-d copy: OpenMP would collapse all four dimensions and divide to recover the indices in
// every iteration. Threads split the leading dimensions up to 16 iterations (3 x 8 = 24); the
// others run as loops inside.
// CHECK-LABEL: func.func @copy
// CHECK: scf.parallel (%[[A:.*]], %[[B:.*]]) = (%c0, %c0) to (%c3, %c8) step (%c1, %c1) {
// CHECK-NEXT: scf.for %[[C:.*]] = %c0 to %c5 step %c1 {
// CHECK-NEXT: scf.for %[[D:.*]] = %c0 to %c7 step %c1 {
// CHECK-NEXT: memref.load %{{.*}}[%[[A]], %[[B]], %[[C]], %[[D]]]
// CHECK-NOT: scf.parallel
func.func @copy(%a: memref<3x8x5x7xf32>, %b: memref<3x8x5x7xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j, %k, %l) = (%c0, %c0, %c0, %c0) to (%c3, %c8, %c5, %c7) step (%c1, %c1, %c1, %c1) {
    %v = memref.load %a[%i, %j, %k, %l] : memref<3x8x5x7xf32>
    memref.store %v, %b[%i, %j, %k, %l] : memref<3x8x5x7xf32>
    scf.reduce
  }
  return
}

// A dynamic leading extent is enough on its own.
// CHECK-LABEL: func.func @rows
// CHECK: scf.parallel (%[[ROW:.*]]) = (%c0) to (%{{.*}}) step (%c1) {
// CHECK-NEXT: scf.for %[[COLUMN:.*]] = %c0 to %c8 step %c1 {
func.func @rows(%a: memref<?x8xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c8) step (%c1, %c1) {
    %v = memref.load %a[%i, %j] : memref<?x8xf32>
    %d = arith.addf %v, %v : f32
    memref.store %d, %a[%i, %j] : memref<?x8xf32>
    scf.reduce
  }
  return
}
