// RUN: xgrad-opt %s --xgrad-schedule="library=%S/Inputs/tile-scale.mlir vector-width=8" | FileCheck %s
// RUN: xgrad-opt %s --xgrad-schedule=vector-width=8 | FileCheck %s --check-prefix=DEFAULT

// The user's @scale replaces the default schedule of kernel "scale" only: it is tiled by 4;
// "shift", which the library does not name, keeps the default (untiled) schedule.
// CHECK-LABEL: func.func @two_kernels
// CHECK: scf.for {{.*}} step %c4
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<4xf32>) {{.*}} attrs = {xgrad.kernel = "scale"}
// CHECK: }
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<32xf32>) {{.*}} attrs = {xgrad.kernel = "shift"}
// DEFAULT-LABEL: func.func @two_kernels
// DEFAULT-NOT: scf.for
func.func @two_kernels(%x: tensor<32xf32>) -> tensor<32xf32> {
  %empty = tensor.empty() : tensor<32xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<32xf32>) outs(%empty : tensor<32xf32>) attrs = {xgrad.kernel = "scale"} {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %shifted = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%scaled : tensor<32xf32>) outs(%empty : tensor<32xf32>) attrs = {xgrad.kernel = "shift"} {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  return %shifted : tensor<32xf32>
}
