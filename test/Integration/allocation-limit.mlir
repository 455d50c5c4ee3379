// A result larger than this machine's memory fails its run-time check, naming the kernel and
// the bytes, before anything is allocated (it used to crash with SIGSEGV, or print a negative
// shape and exit 0).
// RUN: split-file %s %t
// RUN: not xgrad-run %t/constant.mlir --target out --input x=3:1,2,3 2>&1 | FileCheck %s --check-prefix=CONSTANT
// CONSTANT: xgrad-run: error: run-time check failed: kernel 'far': its result (tensor<100000000000xf32>) needs 400000000000 bytes, more than the {{[0-9]+}} bytes one buffer may take (this machine's memory)
// The outer product of 300000 values, summed: the temporary would be 360 GB.
// RUN: %python -c "import numpy; numpy.save('%t/x.npy', numpy.ones(300000, numpy.float32))"
// RUN: not xgrad-run %t/outer.mlir --target total --input x=%t/x.npy 2>&1 | FileCheck %s --check-prefix=OUTER
// OUTER: xgrad-run: error: run-time check failed: kernel 'outer': its result (tensor<?x?xf32>) needs 360000000000 bytes, more than the {{[0-9]+}} bytes
// RUN: not xgrad-run %t/outer.mlir --target total --input x=%t/x.npy --parallel --parallel-min-work=0 2>&1 | FileCheck %s --check-prefix=OUTER
// A small one runs.
// RUN: xgrad-run %t/outer.mlir --target total --input x=3:1,2,3 | FileCheck %s --check-prefix=SMALL
// SMALL: total: 1xf32
// SMALL-NEXT: [36]

//--- constant.mlir
xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?xf32>
  %y = xgrad.kernel "far" -> tensor<*xf32> {
  ^bb0(%i: index):
    %a = xgrad.read %x[%i] : tensor<?xf32>
    %c = arith.constant 99999999999 : index
    xgrad.accumulate %a at [%c] : f32
  }
  xgrad.target "out" %y : tensor<*xf32>
}

//--- outer.mlir
xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?xf32>
  %f = xgrad.kernel "outer" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %a = xgrad.read %x[%i] : tensor<?xf32>
    %b = xgrad.read %x[%j] : tensor<?xf32>
    %p = arith.mulf %a, %b : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  %t = xgrad.kernel "sum" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %f[%i, %j] : tensor<*xf32>
    %zero = arith.constant 0 : index
    xgrad.accumulate %v at [%zero] : f32
  }
  xgrad.target "total" %t : tensor<*xf32>
}
