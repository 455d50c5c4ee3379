// RUN: xgrad-opt %s --pass-pipeline='builtin.module(xgrad.graph(xgrad-autodiff))' -split-input-file -verify-diagnostics

// An op without a derivative rule is an error, never a silent zero.
xgrad.graph @no_rule {
  %x = xgrad.input "x" : tensor<3xf32>
  %c3 = arith.constant 3 : index
  // expected-error @below {{cannot be differentiated: 'math.erf' has no derivative rule}}
  %k = xgrad.kernel "erf" shape(%c3) bounds(%c3) -> tensor<3xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<3xf32>
    %e = math.erf %v : f32
    xgrad.accumulate %e at [%i] : f32
  }
  %g = xgrad.gradient %k wrt %x : tensor<3xf32>, tensor<3xf32>
}

// -----

// Autodiff needs the forward kernels' ranges.
xgrad.graph @not_inferred {
  %x = xgrad.input "x" : tensor<3xf32>
  // expected-error @below {{has no inferred bounds: run --xgrad-infer-shapes before --xgrad-autodiff}}
  %k = "xgrad.kernel"() <{operandSegmentSizes = array<i32: 0, 0, 0, 0>}> ({
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<3xf32>
    %e = math.exp %v : f32
    xgrad.accumulate %e at [%i] : f32
  }, {}) : () -> tensor<3xf32>
  %g = xgrad.gradient %k wrt %x : tensor<3xf32>, tensor<3xf32>
}
