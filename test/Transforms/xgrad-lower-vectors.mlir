// RUN: xgrad-opt %s --xgrad-lower-vectors | FileCheck %s

// A transposing read (the contraction schedule's pack of a B stored [n, k]) becomes a plain
// read and one shuffle of the whole block: lowered element by element, 256 scalar moves, the
// dense layer's input gradient ran at 0.97x OpenBLAS instead of 1.16x.
// CHECK-LABEL: func.func @transposed_read
// CHECK: %[[ROWS:.*]] = vector.transfer_read %{{.*}} : memref<32x8xf32>, vector<32x8xf32>
// CHECK-NOT: : f32 from vector
// CHECK: vector.shuffle %{{.*}} [0, 8, 16, 24, {{.*}}] : vector<256xf32>, vector<256xf32>
// CHECK-NOT: : f32 from vector
// CHECK: vector.transfer_write %{{.*}} : vector<8x32xf32>, memref<8x32xf32>
func.func @transposed_read(%src: memref<32x8xf32>, %dst: memref<8x32xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %src[%c0, %c0], %pad {in_bounds = [true, true], permutation_map = affine_map<(d0, d1) -> (d1, d0)>} : memref<32x8xf32>, vector<8x32xf32>
  vector.transfer_write %v, %dst[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32>
  return
}
