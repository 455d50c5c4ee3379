// RUN: xgrad-opt %S/../../examples/xor/xor_layers.mlir --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes,xgrad-autodiff,xgrad-infer-shapes,cse,canonicalize,cse,xgrad-data-parallel))' | FileCheck %s --check-prefix=XOR
// RUN: xgrad-opt %S/../../examples/fashion-mnist/mlp.mlir --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes,xgrad-autodiff,xgrad-infer-shapes,cse,canonicalize,cse,xgrad-data-parallel))' | FileCheck %s --check-prefix=MLP
// RUN: xgrad-opt %S/../../examples/xor/xor_kernels.mlir --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes,xgrad-autodiff,xgrad-infer-shapes,xgrad-data-parallel{loss-reduction=sum}))' | FileCheck %s --check-prefix=ADDED
// Running it twice changes nothing the second time.
// RUN: xgrad-opt %S/../../examples/xor/xor_layers.mlir --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes,xgrad-autodiff,xgrad-data-parallel,xgrad-data-parallel))' | FileCheck %s --check-prefix=TWICE
// RUN: xgrad-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(xgrad.graph(xgrad-data-parallel))'

// One all-reduce per training step, of every parameter's gradient and the loss, weighted by
// the rows of the first input, right after the last gradient kernel and before the first
// optimizer kernel; the optimizer and the update read the sums, the "loss" target its own.
// XOR-LABEL: xgrad.graph @xor_layers
// XOR:       %[[X:.*]] = xgrad.input "x"
// XOR:       %[[LOSS:.*]] = xgrad.kernel "mse"
// XOR:       xgrad.target "loss" %[[LOSS]]
// XOR:       %[[GW1:.*]] = xgrad.kernel "dense.grad.dense.weights"
// XOR-NOT:   xgrad.kernel
// XOR:       %[[SUM:.*]]:5 = xgrad.all_reduce %[[GW1]], %[[GB1:[^,]*]], %[[GW2:[^,]*]], %[[GB2:[^,]*]], %[[LOSS]] : tensor<2x4xf32>, tensor<4xf32>, tensor<4x1xf32>, tensor<1xf32>, tensor<1xf32> mean over %[[X]] : tensor<?x2xf32>
// XOR-NEXT:  xgrad.kernel "gradientDescent.dense.weights"
// XOR:         xgrad.read flat %[[SUM]]#0
// XOR:       xgrad.kernel "gradientDescent.dense.bias"
// XOR:         xgrad.read flat %[[SUM]]#1
// XOR:       xgrad.kernel "gradientDescent.dense2.weights"
// XOR:         xgrad.read flat %[[SUM]]#2
// XOR:       xgrad.kernel "gradientDescent.dense2.bias"
// XOR:         xgrad.read flat %[[SUM]]#3
// XOR:       %[[STEP:.*]] = xgrad.update %[[SUM]]#4 : {{.*}} gradients(%[[SUM]]#0, %[[SUM]]#1, %[[SUM]]#2, %[[SUM]]#3 :
// XOR:       xgrad.target "train" %[[STEP]]
// XOR-NOT:   xgrad.all_reduce

// MLP-LABEL: xgrad.graph @mlp
// MLP:       %[[IMAGES:.*]] = xgrad.input "images"
// MLP-NOT:   xgrad.all_reduce
// MLP:       %[[GW1:.*]] = xgrad.kernel "dense1.grad.w1"
// MLP-NOT:   xgrad.kernel
// MLP:       %[[SUM:.*]]:5 = xgrad.all_reduce %[[GW1]], {{.*}} : tensor<784x128xf32>, tensor<128xf32>, tensor<128x10xf32>, tensor<10xf32>, tensor<1xf32> mean over %[[IMAGES]] : tensor<?x784xf32>
// MLP-NOT:   xgrad.kernel
// MLP:       xgrad.kernel "adam.m.w1"
// MLP-NEXT:  ^bb0
// MLP-NEXT:  xgrad.read flat
// MLP-NEXT:  xgrad.read flat %[[SUM]]#0
// MLP-NOT:   xgrad.all_reduce
// MLP:       xgrad.update %[[SUM]]#4
// MLP-NOT:   xgrad.all_reduce

// A summed loss: gradients are added, not weighted.
// ADDED:     xgrad.all_reduce
// ADDED-NOT: mean over
// ADDED-SAME: : tensor<2x4xf32>, tensor<4xf32>, tensor<4x1xf32>, tensor<1xf32>, tensor<1xf32>{{$}}
// ADDED-NOT: xgrad.all_reduce

// TWICE-COUNT-1: xgrad.all_reduce
// TWICE-NOT:     xgrad.all_reduce

// -----

xgrad.graph @by_hand {
  %w = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
  // expected-error @below {{'xgrad.update' op names no gradients of the parameters it updates: run --xgrad-data-parallel on the output of --xgrad-autodiff}}
  %s = xgrad.update %w : tensor<2xf32> state(%w : tensor<2xf32>) to(%w : tensor<2xf32>)
  xgrad.target "step" %s : tensor<2xf32>
}

// -----

// A loss of parameters alone has no batch to average over.
xgrad.graph @no_input {
  %w = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
  %g = xgrad.kernel "g" shape() bounds() -> tensor<2xf32> {
  ^bb0():
    %c = arith.constant 1.0 : f32
    %zero = arith.constant 0 : index
    xgrad.accumulate %c at [%zero] : f32
  }
  // expected-error @below {{'xgrad.update' op has a loss that depends on no input, so it has no batch rows to average over: use --xgrad-data-parallel="loss-reduction=sum"}}
  %s = xgrad.update %w : tensor<2xf32> state(%w : tensor<2xf32>) to(%w : tensor<2xf32>) gradients(%g : tensor<2xf32>)
  xgrad.target "step" %s : tensor<2xf32>
}
