// Exprgrad README's two XOR models in xgrad IR: they parse, verify and round-trip in custom
// and generic form, and --xgrad-infer-shapes infers every kernel's shape with a dynamic
// batch. (They train in test/Integration/train-xor.mlir.)
// RUN: cat %S/../../../examples/xor/xor_layers.mlir %S/../../../examples/xor/xor_kernels.mlir > %t.mlir && xgrad-opt %t.mlir | xgrad-opt | FileCheck %s
// RUN: xgrad-opt %t.mlir --mlir-print-op-generic | xgrad-opt | FileCheck %s
// RUN: xgrad-opt %t.mlir --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes,cse,canonicalize))' | FileCheck %s --check-prefix=INFER

// CHECK-LABEL: xgrad.graph @xor_layers
// CHECK: %dense = xgrad.kernel "dense" -> tensor<*xf32> {
// CHECK: xgrad.read %x[%{{.*}}, %{{.*}}] : tensor<?x2xf32>
// CHECK: %dense.bias{{.*}} = xgrad.kernel "dense.bias" init(%dense : tensor<*xf32>)
// CHECK: xgrad.kernel "leakyRelu"
// CHECK: xgrad.kernel "sigmoid"
// CHECK: xgrad.kernel "mse"
// CHECK: xgrad.backprop %mse : tensor<*xf32> optimizer {
// CHECK: xgrad.kernel "gradientDescent" init(%{{.*}} : tensor<*xf32>)
// CHECK: xgrad.target "train"
// CHECK-LABEL: xgrad.graph @xor
// CHECK: %hidden = xgrad.kernel "hidden"
// CHECK: %hiddenRelu = xgrad.kernel "hiddenRelu"
// CHECK: arith.select
// CHECK: xgrad.kernel "loss"
// CHECK: xgrad.backprop %loss

// INFER-LABEL: xgrad.graph @xor_layers
// INFER: %[[N:.*]] = xgrad.dim %x[0] : tensor<?x2xf32>
// INFER: %dense = xgrad.kernel "dense" shape(%[[N]], %c4) bounds(%c4, %[[N]], %c2) -> tensor<?x4xf32>
// INFER: %dense.bias{{.*}} = xgrad.kernel "dense.bias" {{.*}} -> tensor<?x4xf32>
// INFER: %leakyRelu = xgrad.kernel "leakyRelu" {{.*}} -> tensor<?x4xf32>
// INFER: %dense2 = xgrad.kernel "dense2" shape(%[[N]], %c1) bounds(%c1, %[[N]], %c4) -> tensor<?x1xf32>
// INFER: %sigmoid = xgrad.kernel "sigmoid" {{.*}} -> tensor<?x1xf32>
// INFER: xgrad.check eq {{.*}} "kernel 'mse': iterator #0 has one extent from the length of kernel 'sigmoid' and another from the length of input 'y'"
// INFER: %mse = xgrad.kernel "mse" shape(%c1) {{.*}} -> tensor<1xf32>
// INFER: xgrad.backprop %mse : tensor<1xf32>
// INFER-LABEL: xgrad.graph @xor
// INFER: %hidden = xgrad.kernel "hidden" {{.*}} -> tensor<?x4xf32>
// INFER: %hidden.bias = xgrad.kernel "hidden.bias" {{.*}} -> tensor<?x4xf32>
// INFER: %hiddenRelu = xgrad.kernel "hiddenRelu" {{.*}} -> tensor<?x4xf32>
// INFER: %output = xgrad.kernel "output" {{.*}} -> tensor<?x1xf32>
// INFER: %outputSigmoid = xgrad.kernel "outputSigmoid" {{.*}} -> tensor<?x1xf32>
// INFER-NOT: -> tensor<*x
// INFER: %loss = xgrad.kernel "loss" {{.*}} -> tensor<1xf32>
// Only the optimizer, generic over parameter shapes, stays unranked until autodiff.
// INFER: xgrad.backprop %loss : tensor<1xf32> optimizer {
// INFER-NEXT: ^bb0(%{{.*}}: tensor<*xf32>, %{{.*}}: tensor<*xf32>):
