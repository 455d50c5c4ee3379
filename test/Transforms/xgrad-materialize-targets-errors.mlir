// RUN: xgrad-opt %s -split-input-file -verify-diagnostics --xgrad-materialize-targets

xgrad.graph @not_inferred {
  %x = xgrad.input "x" : tensor<?xf32>
  // expected-error @below {{has no inferred bounds: run --xgrad-infer-shapes first}}
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %a = xgrad.read %x[%i] : tensor<?xf32>
    xgrad.accumulate %a at [%i] : f32
  }
  xgrad.target "t" %k : tensor<*xf32>
}

// -----

xgrad.graph @not_differentiated {
  %x = xgrad.input "x" : tensor<?xf32>
  // expected-error @below {{must be expanded by --xgrad-autodiff before targets are materialized}}
  %t = xgrad.backprop %x : tensor<?xf32> optimizer {
  ^bb0(%p: tensor<*xf32>, %g: tensor<*xf32>):
    xgrad.yield %p : tensor<*xf32>
  }
  xgrad.target "train" %t : tensor<?xf32>
}

