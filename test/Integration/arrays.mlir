// Exprgrad's Array[T] through the JIT: a lookup table with an element computed from a read,
// an index computed from the data (checked at run time, also on OpenMP threads), and the
// gradient of a read, which goes to the element it selected.
// RUN: split-file %s %t
// RUN: xgrad-run %t/table.mlir --target out --input a=5:1,2,3,4,5 | FileCheck %s --check-prefix=TABLE
// TABLE: out: 5xf32
// TABLE-NEXT: [0.25, 0.5, 3, 0.25, 0.5]
// RUN: xgrad-run %t/pick.mlir --target out --input k=4:2,0,1,2 | FileCheck %s --check-prefix=PICK
// PICK: out: 4xf32
// PICK-NEXT: [30, 10, 20, 30]
// RUN: not xgrad-run %t/pick.mlir --target out --input k=3:0,5,1 2>&1 | FileCheck %s --check-prefix=PICK-BAD
// RUN: not xgrad-run %t/pick.mlir --target out --input k=3:0,-1,1 --parallel --parallel-min-work=0 2>&1 | FileCheck %s --check-prefix=PICK-BAD
// PICK-BAD: xgrad-run: error: run-time check failed: kernel 'pick': the read of an array at dimension 0 is out of bounds: index {{5|-1}}, extent 3
// RUN: xgrad-run %t/grad.mlir --target loss --input a=4:0.5,-1.5,2.0,0.25 --check-gradients | FileCheck %s --check-prefix=GRAD
// GRAD: gradient of input 'a': 4 elements, max relative error {{.*}}: ok
// RUN: xgrad-run %t/grad.mlir --target da --input a=4:0.5,-1.5,2.0,0.25 | FileCheck %s --check-prefix=DA
// d/da of [a^2, 3a][wrap(i, 2)]: 2a at even i, 3 at odd i.
// DA: da: 4xf64
// DA-NEXT: [1, 3, 4, 3]

//--- table.mlir
xgrad.graph @m {
  %a = xgrad.input "a" : tensor<?xf32>
  %o = xgrad.kernel "table" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    %q = arith.constant 0.25 : f32
    %h = arith.constant 0.5 : f32
    %t = xgrad.array [%q, %h, %v] : f32, f32, f32 -> !xgrad.array<3, f32>
    %n = xgrad.array_len %t : !xgrad.array<3, f32>
    %at = xgrad.wrap %i, %n
    %e = xgrad.array_read %t[%at] : !xgrad.array<3, f32>
    xgrad.accumulate %e at [%i] : f32
  }
  xgrad.target "out" %o : tensor<*xf32>
}

//--- pick.mlir
xgrad.graph @m {
  %k = xgrad.input "k" : tensor<?xf32>
  %o = xgrad.kernel "pick" -> tensor<*xf32> {
  ^bb0(%i: index):
    %s = xgrad.read %k[%i] : tensor<?xf32>
    %at = xgrad.to_index %s : f32
    %a = arith.constant 10.0 : f32
    %b = arith.constant 20.0 : f32
    %c = arith.constant 30.0 : f32
    %t = xgrad.array [%a, %b, %c] : f32, f32, f32 -> !xgrad.array<3, f32>
    %e = xgrad.array_read %t[%at] : !xgrad.array<3, f32>
    xgrad.accumulate %e at [%i] : f32
  }
  xgrad.target "out" %o : tensor<*xf32>
}

//--- grad.mlir
xgrad.graph @m {
  %a = xgrad.input "a" : tensor<?xf64>
  %l = xgrad.kernel "loss" -> tensor<*xf64> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf64>
    %sq = arith.mulf %v, %v : f64
    %three = arith.constant 3.0 : f64
    %tv = arith.mulf %three, %v : f64
    %t = xgrad.array [%sq, %tv] : f64, f64 -> !xgrad.array<2, f64>
    %two = arith.constant 2 : index
    %at = xgrad.wrap %i, %two
    %e = xgrad.array_read %t[%at] : !xgrad.array<2, f64>
    %c0 = arith.constant 0 : index
    xgrad.accumulate %e at [%c0] : f64
  }
  %g = xgrad.gradient %l wrt %a : tensor<*xf64>, tensor<?xf64>
  xgrad.target "loss" %l : tensor<*xf64>
  xgrad.target "da" %g : tensor<?xf64>
}
