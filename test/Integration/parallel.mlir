// A run on OpenMP threads gives bit-identical results to a single-threaded one: only the
// iterators a kernel writes are parallel, so each element's sum keeps its order.
// RUN: %python -c "import numpy as n; r = n.random.default_rng(3); n.save('%t.a.npy', r.standard_normal((67, 45), dtype=n.float32)); n.save('%t.b.npy', r.standard_normal((45, 33), dtype=n.float32))"
// RUN: xgrad-run %s --target loss --input a=%t.a.npy --input b=%t.b.npy --num-threads 1 --output %t.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target loss --input a=%t.a.npy --input b=%t.b.npy --parallel --parallel-min-work=0 --output %t.parallel.npy && cmp %t.serial.npy %t.parallel.npy
// RUN: xgrad-run %s --target conv --input a=%t.a.npy --input b=%t.b.npy --num-threads 1 --output %t.conv.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target conv --input a=%t.a.npy --input b=%t.b.npy --parallel --parallel-min-work=0 --output %t.conv.parallel.npy && cmp %t.conv.serial.npy %t.conv.parallel.npy
// And the values are right: numpy recomputes them from the same files.
// RUN: %python %S/Inputs/check_parallel.py %t | FileCheck %s
// CHECK: matmul+relu+sum matches numpy: True
// CHECK: conv matches numpy: True

xgrad.graph @p {
  %a = xgrad.input "a" : tensor<?x?xf32>
  %b = xgrad.input "b" : tensor<?x?xf32>
  %mm = xgrad.kernel "matmul" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read %a[%y, %it] : tensor<?x?xf32>
    %r = xgrad.read %b[%it, %x] : tensor<?x?xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  %relu = xgrad.kernel "relu" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %mm[%it] : tensor<*xf32>
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %v, %z : f32
    xgrad.accumulate %m at flat [%it] : f32
  }
  %rows = xgrad.kernel "rows" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index):
    %v = xgrad.read %relu[%y, %x] : tensor<*xf32>
    xgrad.accumulate %v at [%y] : f32
  }
  xgrad.target "loss" %rows : tensor<*xf32>
  %conv = xgrad.kernel "conv" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index, %dy: index, %dx: index):
    %yy = arith.addi %y, %dy : index
    %xx = arith.addi %x, %dx : index
    %l = xgrad.read %a[%yy, %xx] : tensor<?x?xf32>
    %r = xgrad.read %b[%dy, %dx] : tensor<?x?xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  xgrad.target "conv" %conv : tensor<*xf32>
}
