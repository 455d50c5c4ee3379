// RUN: xgrad-opt %s | FileCheck %s
// The runtime ABI verifies on tensors (as materialized), on memrefs (after bufferization)
// and on the LLVM dialect's functions, which repeat an argument's attributes on every field
// of its descriptor.

// CHECK: module attributes {xgrad.messages = ["a {lhs} b {rhs}"], xgrad.state.g = [{args = array<f64: -1.000000e+00, 1.000000e+00>, init = "uniform", name = "w", seed = 7 : i64, type = tensor<2x2xf32>}]}
module attributes {xgrad.messages = ["a {lhs} b {rhs}"], xgrad.state.g = [{args = array<f64: -1.0, 1.0>, init = "uniform", name = "w", seed = 7 : i64, type = tensor<2x2xf32>}]} {
  // CHECK-LABEL: func.func @g.tensors(
  // CHECK-SAME: {xgrad.input = "x"}
  // CHECK-SAME: {xgrad.state = "w"}
  // CHECK-SAME: {xgrad.epoch}
  // CHECK-SAME: {xgrad.step}
  // CHECK-SAME: {xgrad.status}
  // CHECK-SAME: {xgrad.output = "t"}
  // CHECK-SAME: {xgrad.state = "w"}
  func.func @g.tensors(%x: tensor<?x2xf32> {xgrad.input = "x"}, %w: tensor<2x2xf32> {xgrad.state = "w"},
                       %e: index {xgrad.epoch}, %s: i64 {xgrad.step},
                       %status: memref<5xi64> {xgrad.status})
      -> (tensor<?x2xf32> {xgrad.output = "t"}, tensor<2x2xf32> {xgrad.state = "w"}) {
    return %x, %w : tensor<?x2xf32>, tensor<2x2xf32>
  }
  // CHECK-LABEL: func.func @g.buffers(
  // A guard on the function's status round-trips.
  // CHECK: xgrad.guard %{{.*}} : memref<5xi64>
  func.func @g.buffers(%x: memref<?x2xf32> {xgrad.input = "x"}, %e: index {xgrad.epoch},
                       %s: index {xgrad.step}, %status: memref<5xi64> {xgrad.status})
      -> (memref<?x2xf32> {xgrad.output = "t"}) {
    xgrad.guard %status : memref<5xi64>
    return %x : memref<?x2xf32>
  }
  // CHECK-LABEL: llvm.func @g.llvm(
  // CHECK-SAME: !llvm.ptr {xgrad.status}, %{{.*}}: !llvm.ptr {xgrad.status}
  llvm.func @g.llvm(%a: !llvm.ptr {xgrad.status}, %b: !llvm.ptr {xgrad.status}) {
    llvm.return
  }
}
