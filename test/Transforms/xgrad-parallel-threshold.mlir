// RUN: xgrad-opt %s --convert-scf-to-openmp="num-threads=2" --xgrad-parallel-threshold | FileCheck %s
// RUN: xgrad-opt %s --convert-scf-to-openmp="num-threads=2" --xgrad-parallel-threshold="min-work=1" | FileCheck %s --check-prefix=ANY

// Rows of 8 floats, each row 24 operations (a load, an add and a store in a loop of 8): the
// region runs on 2 threads from ceil(32768 / 24) = 1366 rows on, on the calling thread alone
// below; the trip count is computed before the region. With min-work=1, from one row on.
// CHECK-LABEL: func.func @rows
// CHECK: %[[SPAN:.*]] = arith.subi %[[N:.*]], %c0
// CHECK: %[[COUNT:.*]] = arith.ceildivsi %[[SPAN]], %c1
// CHECK: %[[TRIPS:.*]] = arith.maxsi %[[COUNT]], %c0
// CHECK: %[[ENOUGH:.*]] = arith.cmpi sge, %{{.*}}, %c1366
// CHECK: %[[THREADS:.*]] = arith.select %[[ENOUGH]], %{{.*}}, %{{.*}} : i32
// CHECK: omp.parallel num_threads(%[[THREADS]] : i32)
// ANY-LABEL: func.func @rows
// ANY: arith.cmpi sge, %{{.*}}, %c1
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
