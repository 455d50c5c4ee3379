// `xgrad.accumulate max` keeps the largest value (from -inf); its gradient goes to the
// elements equal to the maximum.
// RUN: xgrad-run %s --target max --input x=2x3:1,5,-2,-7,-3,-9 | FileCheck %s
// RUN: xgrad-run %s --target max --input x=2x3:1,5,-2,-7,-3,-9 --no-linalg | FileCheck %s
// RUN: xgrad-run %s --target max --input x=2x3:1,5,-2,-7,-3,-9 --parallel --parallel-min-work=0 | FileCheck %s
// CHECK: max: 2xf64
// CHECK-NEXT: [5, -3]
// RUN: xgrad-run %s --target loss --input x=2x3:1,5,-2,-7,-3,-9 --check-gradients | FileCheck %s --check-prefix=GRAD
// GRAD: gradient of input 'x': 6 elements, max relative error {{.*}}: ok
// RUN: xgrad-opt %s | xgrad-opt | FileCheck %s --check-prefix=ROUNDTRIP
// ROUNDTRIP: xgrad.accumulate max %{{.*}} at [%{{.*}}] : f64

xgrad.graph @m {
  %x = xgrad.input "x" : tensor<?x3xf64>
  %m = xgrad.kernel "rowmax" -> tensor<*xf64> {
  ^bb0(%y: index, %i: index):
    %v = xgrad.read %x[%y, %i] : tensor<?x3xf64>
    xgrad.accumulate max %v at [%y] : f64
  }
  xgrad.target "max" %m : tensor<*xf64>
  %loss = xgrad.kernel "loss" -> tensor<*xf64> {
  ^bb0(%y: index):
    %v = xgrad.read %m[%y] : tensor<*xf64>
    %s = math.sin %v : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %s at [%zero] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
}
