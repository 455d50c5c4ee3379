// RUN: xgrad-opt %s --xgrad-infer-shapes --xgrad-materialize-targets | FileCheck %s

// A run-time check of a kernel goes only into the targets that compute that kernel: `double`
// runs on a 2x3 `a` although `diag` needs a square one. Shape inference names the kernel a
// check is for.
// CHECK-LABEL: func.func @model.diag(
// CHECK: xgrad.check eq %{{.*}}, %{{.*}}, "kernel 'diag': iterator #0 has one extent from dimension 0 of input 'a' and another from dimension 1 of input 'a'" for "diag"
// CHECK: xgrad.kernel "diag"
// CHECK-LABEL: func.func @model.double(
// CHECK-NOT: xgrad.check
// CHECK: xgrad.kernel "double"
// CHECK-NOT: xgrad.check
// CHECK: return
// A target that computes both kernels runs diag's check, and its own kernel's.
// CHECK-LABEL: func.func @model.both(
// CHECK: xgrad.check eq {{.*}} for "diag"
// CHECK: xgrad.kernel "diag"
// CHECK-NOT: xgrad.check
// CHECK: xgrad.kernel "double"
// CHECK: xgrad.check eq {{.*}} "kernel 'both': {{.*}}" for "both"
// CHECK: xgrad.kernel "both"
xgrad.graph @model {
  %a = xgrad.input "a" : tensor<?x?xf32>
  %d = xgrad.kernel "diag" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i, %i] : tensor<?x?xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  %e = xgrad.kernel "double" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %a[%i, %j] : tensor<?x?xf32>
    %two = arith.constant 2.0 : f32
    %w = arith.mulf %v, %two : f32
    xgrad.accumulate %w at [%i, %j] : f32
  }
  %s = xgrad.kernel "both" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %d[%i] : tensor<*xf32>
    %w = xgrad.read %e[%i, %i] : tensor<*xf32>
    %x = arith.addf %v, %w : f32
    xgrad.accumulate %x at [%i] : f32
  }
  xgrad.target "diag" %d : tensor<*xf32>
  xgrad.target "double" %e : tensor<*xf32>
  xgrad.target "both" %s : tensor<*xf32>
}

// The check of a kernel that is gone (dead, removed by canonicalization) guards nothing.
// CHECK-LABEL: func.func @gone.t(
// CHECK-NOT: xgrad.check
// CHECK: return
xgrad.graph @gone {
  %x = xgrad.input "x" : tensor<?xf32>
  %n = xgrad.dim %x[0] : tensor<?xf32>
  %c2 = arith.constant 2 : index
  xgrad.check eq %n, %c2, "kernel 'dead': ..." for "dead"
  xgrad.target "t" %x : tensor<?xf32>
}
