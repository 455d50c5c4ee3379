// Every way a run can go wrong ends in one line on stderr and exit status 1.
// RUN: split-file %s %t && not xgrad-run %t/matmul.mlir --target out --input a=2x3:1,2,3,4,5,6 --input b=4x2:1,2,3,4,5,6,7,8 2>&1 | FileCheck %s --check-prefix=CHECK-FAILED
// CHECK-FAILED: xgrad-run: error: run-time check failed: kernel 'matmul': iterator #2 has one extent from dimension 1 of input 'a' and another from dimension 0 of input 'b' (3 vs 4)
// RUN: not xgrad-run %t/gather.mlir --target out --input idx=3:0,2,5 --input table=4:10,20,30,40 2>&1 | FileCheck %s --check-prefix=CHECK-GATHER
// CHECK-GATHER: xgrad-run: error: run-time check failed: the read of input 'table' at dimension 0 is out of bounds: index 5, extent 4
// RUN: xgrad-run %t/gather.mlir --target out --input idx=3:0,2,3 --input table=4:10,20,30,40 | FileCheck %s --check-prefix=CHECK-GATHER-OK
// CHECK-GATHER-OK: out: 3xf32
// CHECK-GATHER-OK-NEXT: [10, 30, 40]
// A write at an index computed from a Scalar is checked too, also on OpenMP threads.
// RUN: xgrad-run %t/scatter.mlir --target out --input idx=5:0,3,3,1,3 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=CHECK-SCATTER-OK
// CHECK-SCATTER-OK: out: 4xf32
// CHECK-SCATTER-OK-NEXT: [1, 1, 0, 3]
// RUN: not xgrad-run %t/scatter.mlir --target out --input idx=3:0,7,1 --parallel --parallel-min-work=0 2>&1 | FileCheck %s --check-prefix=CHECK-SCATTER
// CHECK-SCATTER: xgrad-run: error: run-time check failed: the write of kernel 'histogram' at dimension 0 is out of bounds: index 7, extent 4
// RUN: not xgrad-run %t/gather.mlir --target out --input idx=3:0,2,5 --input table=4:10,20,30,40 --parallel --parallel-min-work=0 2>&1 | FileCheck %s --check-prefix=CHECK-GATHER
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=2x3:1,2,3,4,5,6 --input c=1:1 2>&1 | FileCheck %s --check-prefix=CHECK-NAME
// An input no target of the model takes is a typo; one another target takes is passed on
// to that target (inputs a target does not take are ignored).
// CHECK-NAME: xgrad-run: error: the model has no input 'c' (inputs: a, b)
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=2x3:1,2,3,4,5,6 2>&1 | FileCheck %s --check-prefix=CHECK-MISSING
// CHECK-MISSING: xgrad-run: error: target 'out' needs input 'b' (?x?xf32)
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=6:1,2,3,4,5,6 --input b=3x1:1,2,3 2>&1 | FileCheck %s --check-prefix=CHECK-RANK
// CHECK-RANK: xgrad-run: error: input 'a': expected a tensor of ?x?xf32, got 6xf32
// RUN: not xgrad-run %t/static.mlir --target out --input a=3x3:1,2,3,4,5,6,7,8,9 2>&1 | FileCheck %s --check-prefix=CHECK-SIZE
// CHECK-SIZE: xgrad-run: error: input 'a': expected a tensor of ?x2xf32, got 3x3xf32
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=1x1:1 --input b=1x1:1 --repeat 0 2>&1 | FileCheck %s --check-prefix=CHECK-REPEAT
// CHECK-REPEAT: xgrad-run: error: --repeat must be at least 1
// Sizes are checked before anything is allocated.
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=100000000000x100000000000:1 --input b=1x1:1 2>&1 | FileCheck %s --check-prefix=CHECK-HUGE
// CHECK-HUGE: xgrad-run: error: input 'a': shape 100000000000x100000000000 is too large
// RUN: not xgrad-run %t/huge.mlir --target out 2>&1 | FileCheck %s --check-prefix=CHECK-HUGE-STATE
// CHECK-HUGE-STATE: xgrad-run: error: state 'w' (100000000000xf32) is too large to allocate
// RUN: not xgrad-run %t/matmul.mlir --target nope 2>&1 | FileCheck %s --check-prefix=CHECK-TARGET
// CHECK-TARGET: xgrad-run: error: unknown or ambiguous target 'nope' (targets: m.out)
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=2x3:1,2 2>&1 | FileCheck %s --check-prefix=CHECK-COUNT
// CHECK-COUNT: xgrad-run: error: input 'a': shape 2x3 needs 6 values, got 2
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=2x3:1,2,x,4,5,6 2>&1 | FileCheck %s --check-prefix=CHECK-NUMBER
// CHECK-NUMBER: xgrad-run: error: input 'a': 'x' is not a number
// RUN: not xgrad-run %t/missing.mlir --target out 2>&1 | FileCheck %s --check-prefix=CHECK-FILE
// CHECK-FILE: xgrad-run: error: cannot read {{.*}}missing.mlir: No such file or directory
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=%t/nothere.npy 2>&1 | FileCheck %s --check-prefix=CHECK-NPY-MISSING
// CHECK-NPY-MISSING: xgrad-run: error: cannot read {{.*}}nothere.npy: No such file or directory
// RUN: printf 'not numpy' > %t/bad.npy
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=%t/bad.npy 2>&1 | FileCheck %s --check-prefix=CHECK-NPY-MAGIC
// CHECK-NPY-MAGIC: xgrad-run: error: {{.*}}bad.npy: not a valid .npy file: missing the \x93NUMPY magic
// RUN: %python -c "import numpy; numpy.save('%t/ints.npy', numpy.arange(6, dtype=numpy.int32).reshape(2, 3))"
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=%t/ints.npy 2>&1 | FileCheck %s --check-prefix=CHECK-NPY-DTYPE
// CHECK-NPY-DTYPE: xgrad-run: error: {{.*}}ints.npy: unsupported dtype '<i4' (xgrad reads float32 and float64)
// RUN: %python -c "import numpy; numpy.save('%t/a.npy', numpy.arange(6, dtype=numpy.float32).reshape(2, 3))"
// RUN: head -c 140 %t/a.npy > %t/truncated.npy && not xgrad-run %t/matmul.mlir --target out --input a=%t/truncated.npy 2>&1 | FileCheck %s --check-prefix=CHECK-NPY-TRUNCATED
// CHECK-NPY-TRUNCATED: xgrad-run: error: {{.*}}truncated.npy: not a valid .npy file: expected 24 bytes of data for shape 2x3xf32, found 12
// RUN: %python -c "import numpy; numpy.save('%t/f.npy', numpy.asfortranarray(numpy.ones((2, 3), dtype=numpy.float32)))"
// RUN: not xgrad-run %t/matmul.mlir --target out --input a=%t/f.npy 2>&1 | FileCheck %s --check-prefix=CHECK-NPY-FORTRAN
// CHECK-NPY-FORTRAN: xgrad-run: error: {{.*}}f.npy: Fortran-ordered arrays are not supported
// RUN: not xgrad-run %t/broken.mlir --target out 2>&1 | FileCheck %s --check-prefix=CHECK-PARSE
// CHECK-PARSE: xgrad-run: error: cannot parse the model:
// CHECK-PARSE-NEXT: broken.mlir:3:3: error: custom op 'xgrad.bogus' is unknown
// RUN: not xgrad-run %t/uninferable.mlir --target out 2>&1 | FileCheck %s --check-prefix=CHECK-INFER
// CHECK-INFER: xgrad-run: error: compiling the graph failed:
// CHECK-INFER-NEXT: uninferable.mlir:3:8: error: 'xgrad.kernel' op cannot infer the range of iterator #0
// A kernel that arrives with explicit bounds and shape is checked too: its bound comes from
// 'b', and it reads 'a' (it used to read past the end of 'a').
// RUN: not xgrad-run %t/bounds.mlir --target out --input a=4:1,2,3,4 --input b=5:1,1,1,1,1 2>&1 | FileCheck %s --check-prefix=CHECK-BOUNDS
// CHECK-BOUNDS: xgrad-run: error: run-time check failed: kernel 'k': the read of input 'a' at dimension 0 can index past its extent (5 vs 4)
// RUN: xgrad-run %t/bounds.mlir --target out --input a=4:1,2,3,4 --input b=4:1,1,1,1 | FileCheck %s --check-prefix=CHECK-BOUNDS-OK
// CHECK-BOUNDS-OK: out: 4xf32
// CHECK-BOUNDS-OK-NEXT: [2, 3, 4, 5]
// A stride-2 pool over an image smaller than its window: its range (solved through a
// division) is checked again by the second shape inference, instead of reading past the end.
// A read before the start of an input (o[y] ++= a[y - 1]) is an error naming the tensor,
// the dimension and the iterator, never a read outside `a`; also with threads.
// RUN: not xgrad-run %t/previous.mlir --target prev --input a=5:1,2,3,4,5 2>&1 | FileCheck %s --check-prefix=CHECK-PREVIOUS
// RUN: not xgrad-run %t/previous.mlir --target prev --input a=5:1,2,3,4,5 --parallel --parallel-min-work=0 2>&1 | FileCheck %s --check-prefix=CHECK-PREVIOUS
// CHECK-PREVIOUS: previous.mlir:{{[0-9]+}}:{{[0-9]+}}: error: kernel 'prev': the read of input 'a' at dimension 0 has the negative index -1 when iterator `y` is 0
// RUN: not xgrad-run %S/layers.mlir --target maxpool2d --input images=1x1x1x1:0.5 2>&1 | FileCheck %s --check-prefix=CHECK-POOL
// CHECK-POOL: xgrad-run: error: run-time check failed: kernel 'maxpool2d': the read of input 'images' at dimension 1 can index past its extent (2 vs 1)

//--- huge.mlir
xgrad.graph @h {
  %w = xgrad.param "w" zeros [] seed 0 : tensor<100000000000xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %w[%i] : tensor<100000000000xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "out" %k : tensor<*xf32>
}
//--- scatter.mlir
xgrad.graph @s {
  %idx = xgrad.input "idx" : tensor<?xf32>
  %c4 = arith.constant 4 : index
  %histogram = xgrad.kernel "histogram" shape(%c4) -> tensor<*xf32> {
  ^bb0(%i: index):
    %s = xgrad.read %idx[%i] : tensor<?xf32>
    %k = xgrad.to_index %s : f32
    %one = arith.constant 1.0 : f32
    xgrad.accumulate %one at [%k] : f32
  }
  xgrad.target "out" %histogram : tensor<*xf32>
}
//--- matmul.mlir
xgrad.graph @m {
  %a = xgrad.input "a" : tensor<?x?xf32>
  %b = xgrad.input "b" : tensor<?x?xf32>
  %c = xgrad.kernel "matmul" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read %a[%y, %it] : tensor<?x?xf32>
    %r = xgrad.read %b[%it, %x] : tensor<?x?xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  xgrad.target "out" %c : tensor<*xf32>
}
//--- gather.mlir
xgrad.graph @g {
  %idx = xgrad.input "idx" : tensor<?xf32>
  %table = xgrad.input "table" : tensor<4xf32>
  %g = xgrad.kernel "gather" -> tensor<*xf32> {
  ^bb0(%i: index):
    %s = xgrad.read %idx[%i] : tensor<?xf32>
    %k = xgrad.to_index %s : f32
    %v = xgrad.read %table[%k] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "out" %g : tensor<*xf32>
}
//--- static.mlir
xgrad.graph @s {
  %a = xgrad.input "a" : tensor<?x2xf32>
  xgrad.target "out" %a : tensor<?x2xf32>
}
//--- broken.mlir
xgrad.graph @b {
  %a = xgrad.input "a" : tensor<?x2xf32>
  xgrad.bogus
}
//--- uninferable.mlir
xgrad.graph @u {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel "up" -> tensor<*xf32> {
  ^bb0(%y: index):
    %two = arith.constant 2 : index
    %h = arith.divsi %y, %two : index
    %v = xgrad.read %a[%h] : tensor<?xf32>
    xgrad.accumulate %v at [%y] : f32
  }
  xgrad.target "out" %k : tensor<*xf32>
}
//--- bounds.mlir
xgrad.graph @b {
  %a = xgrad.input "a" : tensor<?xf32>
  %b = xgrad.input "b" : tensor<?xf32>
  %n = xgrad.dim %b[0] : tensor<?xf32>
  %k = xgrad.kernel "k" shape(%n) bounds(%n) -> tensor<?xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    %w = xgrad.read %b[%i] : tensor<?xf32>
    %s = arith.addf %v, %w : f32
    xgrad.accumulate %s at [%i] : f32
  }
  xgrad.target "out" %k : tensor<?xf32>
}

//--- previous.mlir
xgrad.graph @m {
  %a = xgrad.input "a" : tensor<?xf32>
  %o = xgrad.kernel "prev" -> tensor<*xf32> {
  ^bb0(%y: index loc("y")):
    %c1 = arith.constant 1 : index
    %before = arith.subi %y, %c1 : index
    %v = xgrad.read %a[%before] : tensor<?xf32>
    xgrad.accumulate %v at [%y] : f32
  }
  xgrad.target "prev" %o : tensor<*xf32>
}
