// RUN: xgrad-opt %s --convert-scf-to-openmp="num-threads=2" --xgrad-parallel-threshold | FileCheck %s
// RUN: xgrad-opt %s --convert-scf-to-openmp="num-threads=2" --xgrad-parallel-threshold="dynamic-limit=2000" | FileCheck %s --check-prefix=COPY
// RUN: xgrad-opt %s --convert-scf-to-openmp="num-threads=2" --xgrad-parallel-threshold="min-work=1" | FileCheck %s --check-prefix=ANY
// RUN: xgrad-opt %s --convert-scf-to-openmp="num-threads=2" --xgrad-parallel-threshold="min-work=0" | FileCheck %s --check-prefix=ZERO
// RUN: xgrad-opt %s --convert-scf-to-openmp="num-threads=2" --xgrad-parallel-threshold="copy-limit=0 dynamic-limit=2000" | FileCheck %s --check-prefix=BIG

// Rows of 8 floats, each row 24 operations (a load, an add and a store in a loop of 8): the
// region would pay from ceil(32768 / 24) = 1366 rows on, more than dynamic-limit (256)
// allows a loop of unknown trip count: plain loops, no region.
// CHECK-LABEL: func.func @rows
// CHECK-NOT: omp.parallel
// CHECK: scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK-NEXT: scf.for
// CHECK-NOT: omp.
// CHECK: return
// With dynamic-limit=2000 the region runs on 2 threads from 1366 rows on; below, a copy of
// the loops runs on the calling thread, without the alloca_scope of the region's body. The
// trip count is computed before the branch.
// COPY-LABEL: func.func @rows
// COPY: %[[SPAN:.*]] = arith.subi %[[N:.*]], %c0
// COPY: %[[COUNT:.*]] = arith.ceildivsi %[[SPAN]], %c1
// COPY: %[[TRIPS:.*]] = arith.maxsi %[[COUNT]], %c0
// COPY: %[[ENOUGH:.*]] = arith.cmpi sge, %{{.*}}, %c1366
// COPY: scf.if %[[ENOUGH]] {
// COPY-NEXT: omp.parallel num_threads(%{{.*}} : i32)
// COPY: memref.alloca_scope
// COPY: } else {
// COPY-NEXT: scf.for %[[ROW:.*]] = %c0 to %[[N]] step %c1 {
// COPY-NEXT: scf.for %[[COLUMN:.*]] = %c0 to %c8 step %c1 {
// COPY-NEXT: memref.load %{{.*}}[%[[ROW]], %[[COLUMN]]]
// COPY-NOT: omp.
// COPY: return
// With min-work=1, from two rows on: a single iteration never forks. With min-work=0 every
// loop runs on threads, however small: no branch.
// ANY-LABEL: func.func @rows
// ANY: %[[ENOUGH:.*]] = arith.cmpi sge, %{{.*}}, %c2
// ANY: scf.if %[[ENOUGH]]
// ZERO-LABEL: func.func @rows
// ZERO-NOT: scf.if
// ZERO: omp.parallel num_threads
// A body bigger than copy-limit is not copied: the region runs on one thread below the
// threshold.
// BIG-LABEL: func.func @rows
// BIG: %[[ENOUGH:.*]] = arith.cmpi sge, %{{.*}}, %c1366
// BIG: %[[THREADS:.*]] = arith.select %[[ENOUGH]], %{{.*}}, %{{.*}} : i32
// BIG-NOT: scf.if
// BIG: omp.parallel num_threads(%[[THREADS]] : i32)
func.func @rows(%a: memref<?x8xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %a[%i, %j] : memref<?x8xf32>
      %d = arith.addf %v, %v : f32
      memref.store %d, %a[%i, %j] : memref<?x8xf32>
    }
    scf.reduce
  }
  return
}

// 100 rows of 24 operations: too little work, known at compile time: loops, no region.
// CHECK-LABEL: func.func @few_rows
// CHECK-NOT: omp.parallel
// CHECK-NOT: scf.if
// CHECK: scf.for %{{.*}} = %c0 to %c100 step %c1 {
// CHECK-NEXT: scf.for
// ANY-LABEL: func.func @few_rows
// ANY: omp.parallel
func.func @few_rows(%a: memref<100x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  scf.parallel (%i) = (%c0) to (%c100) step (%c1) {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %a[%i, %j] : memref<100x8xf32>
      %d = arith.addf %v, %v : f32
      memref.store %d, %a[%i, %j] : memref<100x8xf32>
    }
    scf.reduce
  }
  return
}

// 2000 rows: enough, known at compile time: the region as it was, no branch, no select.
// CHECK-LABEL: func.func @many_rows
// CHECK-NOT: scf.if
// CHECK-NOT: arith.select
// CHECK: omp.parallel num_threads
func.func @many_rows(%a: memref<2000x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c2000 = arith.constant 2000 : index
  scf.parallel (%i) = (%c0) to (%c2000) step (%c1) {
    scf.for %j = %c0 to %c8 step %c1 {
      %v = memref.load %a[%i, %j] : memref<2000x8xf32>
      %d = arith.addf %v, %v : f32
      memref.store %d, %a[%i, %j] : memref<2000x8xf32>
    }
    scf.reduce
  }
  return
}
