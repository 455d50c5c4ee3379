// Inputs and state interleave in a target's arguments in declaration order; the runtime
// passes each where the function expects it.
// RUN: xgrad-run %s --target out --input b=2:10,20 --input a=2:1,2 --print-state | FileCheck %s
// CHECK: out: 2xf32
// a + b + c + (d at element 0, c elsewhere)
// CHECK-NEXT: [19, 28]
// CHECK: state c: 2xf32
// CHECK-NEXT: [3, 3]
// CHECK: state d: 2xf32
// CHECK-NEXT: [5, 5]

xgrad.graph @order {
  %c = xgrad.param "c" constant [3.0] seed 0 : tensor<2xf32>
  %b = xgrad.input "b" : tensor<2xf32>
  %d = xgrad.param "d" constant [5.0] seed 0 : tensor<2xf32>
  %a = xgrad.input "a" : tensor<2xf32>
  %init = xgrad.kernel "sum" -> tensor<*xf32> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<2xf32>
    %y = xgrad.read %b[%i] : tensor<2xf32>
    %z = xgrad.read %c[%i] : tensor<2xf32>
    %w = xgrad.read %d[%i] : tensor<2xf32>
    %s0 = arith.addf %x, %y : f32
    %s1 = arith.addf %s0, %z : f32
    %zero = arith.constant 0 : index
    %first = arith.cmpi eq, %i, %zero : index
    %wi = arith.select %first, %w, %z : f32
    %s = arith.addf %s1, %wi : f32
    xgrad.accumulate %s at [%i] : f32
  }
  xgrad.target "out" %init : tensor<*xf32>
}
