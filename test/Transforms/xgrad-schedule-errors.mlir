// RUN: not xgrad-opt %s --xgrad-schedule="library=%S/Inputs/fails.mlir" 2>&1 | FileCheck %s --check-prefix=FAILS
// RUN: not xgrad-opt %s --xgrad-schedule="library=%S/Inputs/missing.mlir" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not xgrad-opt %s --xgrad-schedule="library=%s" 2>&1 | FileCheck %s --check-prefix=NOT-LIBRARY

// A schedule that fails names the transform (in the library), the kernel it was applied to,
// and the kernel's schedule.
// FAILS: fails.mlir:4:24: error: too many tiles provided, expected at most 1 found 2
// FAILS: xgrad-schedule-errors.mlir:[[#@LINE+8]]:13: note: target op
// FAILS: xgrad-schedule-errors.mlir:[[#@LINE+7]]:13: error: kernel 'scale': the schedule library's schedule @scale failed to apply

// MISSING: cannot read the schedule library '{{.*}}missing.mlir'
// NOT-LIBRARY: a schedule library is a module with the 'transform.with_named_sequence' attribute

func.func @scale(%x: tensor<32xf32>) -> tensor<32xf32> {
  %empty = tensor.empty() : tensor<32xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<32xf32>) outs(%empty : tensor<32xf32>) attrs = {xgrad.kernel = "scale"} {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  return %scaled : tensor<32xf32>
}
