// RUN: xgrad-opt %s --xgrad-convert-mpi-to-llvm | FileCheck %s
// The whole pipeline, distributed: the training step calls MPI_Allreduce once, the other
// targets never; nothing of the mpi dialect is left.
// RUN: xgrad-opt %S/../../examples/xor/xor_layers.mlir --xgrad-to-llvm=distributed=true | FileCheck %s --check-prefix=PIPELINE

// Upstream's patterns turn the collective into a call of MPI_Allreduce; the reduction is
// then named as OpenMPI's library exports it (ompi_mpi_op_sum), not as MLIR 22 spells it
// (ompi_mpi_sum), which would not link.
// CHECK-DAG:   llvm.func @MPI_Allreduce(!llvm.ptr, !llvm.ptr, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> i32
// CHECK-DAG:   llvm.mlir.global external @ompi_mpi_op_sum()
// CHECK-DAG:   llvm.mlir.global external @ompi_mpi_float()
// CHECK-DAG:   llvm.mlir.global external @ompi_mpi_comm_world()
// CHECK-NOT:   @ompi_mpi_sum
// CHECK-LABEL: func.func @sum(
// CHECK:         llvm.mlir.addressof @ompi_mpi_op_sum
// CHECK:         llvm.call @MPI_Allreduce
// CHECK-NOT:     mpi.

// PIPELINE-NOT:   mpi.
// PIPELINE-LABEL: llvm.func @xor_layers.predict(
// PIPELINE-NOT:   MPI_Allreduce
// PIPELINE-LABEL: llvm.func @xor_layers.loss(
// PIPELINE-NOT:   MPI_Allreduce
// PIPELINE-LABEL: llvm.func @xor_layers.train(
// PIPELINE:       llvm.call @MPI_Allreduce
// PIPELINE-NOT:   MPI_Allreduce
// PIPELINE-NOT:   mpi.

module attributes {dlti.map = #dlti.map<"MPI:Implementation" = "OpenMPI">} {
  func.func @sum(%buffer: memref<8xf32>) {
    %world = mpi.comm_world : !mpi.comm
    mpi.allreduce(%buffer, %buffer, MPI_SUM, %world) : memref<8xf32>, memref<8xf32>
    return
  }
}
