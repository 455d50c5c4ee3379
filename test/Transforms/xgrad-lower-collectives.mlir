// RUN: xgrad-opt %s --xgrad-lower-collectives | FileCheck %s
// RUN: xgrad-opt %s --xgrad-lower-collectives=implementation=MPICH | FileCheck %s --check-prefix=MPICH
// RUN: not xgrad-opt %s --xgrad-lower-collectives=implementation=openmpi 2>&1 | FileCheck %s --check-prefix=TYPO

// The verdict goes into the last element, the buffer is summed in place over
// MPI_COMM_WORLD (the same value as send and receive buffer: MPI_IN_PLACE), and a rank
// whose status was clear fails with the collective's own message when any rank failed.
// CHECK:       module attributes {dlti.map = #dlti.map<"MPI:Implementation" = "OpenMPI">, xgrad.messages = ["kernel 'k': a check", "{lhs} other rank(s) failed in this step (their messages say why); every rank stops"]}
// CHECK-LABEL: func.func @step(
// CHECK-SAME:    %[[BUFFER:[^:]*]]: memref<?xf32> {{.*}}, %[[STATUS:[^:]*]]: memref<5xi64> {xgrad.status})
// CHECK:         %[[LENGTH:.*]] = memref.dim %[[BUFFER]], %c0
// CHECK:         %[[LAST:.*]] = arith.subi %[[LENGTH]], %c1
// CHECK:         %[[FLAG:.*]] = memref.load %[[STATUS]][%c0{{.*}}] : memref<5xi64>
// CHECK:         %[[CLEAR:.*]] = arith.cmpi eq, %[[FLAG]], %c0_i64
// CHECK:         %[[VERDICT:.*]] = arith.select %[[CLEAR]], %{{.*}}, %{{.*}} : f32
// CHECK:         memref.store %[[VERDICT]], %[[BUFFER]][%[[LAST]]]
// CHECK:         %[[WORLD:.*]] = mpi.comm_world : !mpi.comm
// CHECK:         mpi.allreduce(%[[BUFFER]], %[[BUFFER]], MPI_SUM, %[[WORLD]]) : memref<?xf32>, memref<?xf32>
// CHECK:         %[[FAILURES:.*]] = memref.load %[[BUFFER]][%[[LAST]]]
// CHECK:         %[[ANY:.*]] = arith.cmpf ogt, %[[FAILURES]]
// CHECK:         %[[OTHERS:.*]] = arith.andi %[[CLEAR]], %[[ANY]]
// CHECK:         scf.if %[[OTHERS]] {
// CHECK:           memref.store %c1_i64, %[[STATUS]][%c0{{.*}}]
// CHECK:           memref.store %c1_i64{{.*}}, %[[STATUS]][%c1{{.*}}]
// CHECK:           %[[COUNT:.*]] = arith.fptosi %[[FAILURES]] : f32 to i64
// CHECK:           memref.store %[[COUNT]], %[[STATUS]][%c2{{.*}}]
// CHECK-NOT:     xgrad.sum_over_ranks

// MPICH: module attributes {dlti.map = #dlti.map<"MPI:Implementation" = "MPICH">
// TYPO: error: --xgrad-lower-collectives: implementation must be 'OpenMPI' or 'MPICH', got 'openmpi'

module attributes {xgrad.messages = ["kernel 'k': a check"]} {
  func.func @step(%buffer: memref<?xf32> {xgrad.state = "b"}, %epoch: index {xgrad.epoch},
                  %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status})
      -> (memref<?xf32> {xgrad.output = "out"}) {
    xgrad.sum_over_ranks %buffer, %status : memref<?xf32>, memref<5xi64>
    return %buffer : memref<?xf32>
  }
}
