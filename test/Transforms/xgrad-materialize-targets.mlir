// RUN: xgrad-opt %s --xgrad-materialize-targets | FileCheck %s

// State is declared on the module, parameters first.
// CHECK: module attributes {xgrad.state.model = [{args = array<f64: -1.000000e-01, 1.000000e-01>, init = "uniform", name = "w", seed = 3 : i64, type = tensor<2x2xf32>}, {args = array<f64>, init = "zeros", name = "seen", seed = 0 : i64, type = tensor<2x2xf32>}]}

// Each target takes only the inputs and state it needs, then the epoch, the step and the
// status buffer its run-time checks report failures in.
// CHECK-LABEL: func.func @model.predict(
// CHECK-SAME: %[[X:.*]]: tensor<?x2xf32> {bufferization.writable = false, xgrad.input = "x"},
// CHECK-SAME: %[[W:.*]]: tensor<2x2xf32> {bufferization.writable = false, xgrad.state = "w"},
// CHECK-SAME: %{{.*}}: index {xgrad.epoch}, %{{.*}}: index {xgrad.step},
// CHECK-SAME: %{{.*}}: memref<5xi64> {xgrad.status})
// CHECK-SAME: -> (tensor<?x2xf32> {xgrad.output = "predict"})
// CHECK-SAME: attributes {llvm.emit_c_interface}
// CHECK: %[[N:.*]] = xgrad.dim %[[X]][0]
// CHECK: %[[MM:.*]] = xgrad.kernel "matmul"
// CHECK: xgrad.read %[[X]]
// CHECK: xgrad.read %[[W]]
// CHECK: return %[[MM]] : tensor<?x2xf32>

// A target that updates state returns the new values after its own.
// CHECK-LABEL: func.func @model.train(
// CHECK-SAME: xgrad.input = "x"
// CHECK-SAME: xgrad.state = "w"
// CHECK-SAME: -> (tensor<1xf32> {xgrad.output = "train"}, tensor<2x2xf32> {xgrad.state = "w"})
// CHECK: %[[NEW:.*]] = xgrad.kernel "step"
// CHECK: return %{{.*}}, %[[NEW]] : tensor<1xf32>, tensor<2x2xf32>

// A run-time check is kept where the target computes what it compares, and a cache is
// stored by the target that computes its value.
// CHECK-LABEL: func.func @model.checked(
// CHECK-SAME: xgrad.input = "y"
// CHECK-SAME: xgrad.state = "seen"
// CHECK-SAME: -> (tensor<2x2xf32> {xgrad.output = "checked"}, tensor<2x2xf32> {xgrad.state = "seen"})
// CHECK: xgrad.check eq
// CHECK-NOT: xgrad.kernel "matmul"
// CHECK: return

// The graph itself is gone.
// CHECK-NOT: xgrad.graph
xgrad.graph @model {
  %x = xgrad.input "x" : tensor<?x2xf32>
  %y = xgrad.input "y" : tensor<?xf32>
  %w = xgrad.param "w" uniform [-0.1, 0.1] seed 3 : tensor<2x2xf32>
  %seen = xgrad.cached "seen" : tensor<2x2xf32>
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %n = xgrad.dim %x[0] : tensor<?x2xf32>
  %mm = xgrad.kernel "matmul" shape(%n, %c2) bounds(%n, %c2, %c2) -> tensor<?x2xf32> {
  ^bb0(%i: index, %j: index, %k: index):
    %a = xgrad.read %x[%i, %k] : tensor<?x2xf32>
    %b = xgrad.read %w[%k, %j] : tensor<2x2xf32>
    %p = arith.mulf %a, %b : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  xgrad.target "predict" %mm : tensor<?x2xf32>
  %len = xgrad.len %mm : tensor<?x2xf32>
  %loss = xgrad.kernel "loss" shape(%c1) bounds(%len) -> tensor<1xf32> {
  ^bb0(%i: index):
    %a = xgrad.read flat %mm[%i] : tensor<?x2xf32>
    %z = arith.constant 0 : index
    xgrad.accumulate %a at [%z] : f32
  }
  %c4 = arith.constant 4 : index
  %step = xgrad.kernel "step" init(%w : tensor<2x2xf32>) shape(%c2, %c2) bounds(%c4) -> tensor<2x2xf32> {
  ^bb0(%i: index):
    %a = xgrad.read flat %w[%i] : tensor<2x2xf32>
    xgrad.accumulate %a at flat [%i] : f32
  }
  %train = xgrad.update %loss : tensor<1xf32> state(%w : tensor<2x2xf32>) to(%step : tensor<2x2xf32>)
  xgrad.target "train" %train : tensor<1xf32>
  %ny = xgrad.dim %y[0] : tensor<?xf32>
  xgrad.check eq %ny, %c2, "y has two elements"
  %snapshot = xgrad.kernel "snapshot" shape(%c2, %c2) bounds(%c4) -> tensor<2x2xf32> {
  ^bb0(%i: index):
    %a = xgrad.read flat %seen[%i] : tensor<2x2xf32>
    %b = xgrad.read flat %y[%i] : tensor<?xf32>
    %s = arith.addf %a, %b : f32
    xgrad.accumulate %s at flat [%i] : f32
  }
  xgrad.cache "seen" %snapshot : tensor<2x2xf32>
  xgrad.target "checked" %snapshot : tensor<2x2xf32>
}
