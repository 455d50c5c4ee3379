// RUN: xgrad-opt %s --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes,cse,canonicalize,cse))' | FileCheck %s
// RUN: xgrad-opt %s --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes,xgrad-infer-shapes,cse,canonicalize,cse))' | FileCheck %s
// RUN: xgrad-opt %s --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes{explain=true}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=EXPLAIN

// A matmul with a dynamic batch: y from a's dynamic rows, x from b's columns, it from both
// (equal statically, so no check).
// CHECK-LABEL: xgrad.graph @matmul
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[N:.*]] = xgrad.dim %a[0] : tensor<?x3xf32>
// CHECK-NOT: xgrad.check
// CHECK: %matmul = xgrad.kernel "matmul" shape(%[[N]], %[[C4]]) bounds(%[[N]], %[[C4]], %[[C3]]) -> tensor<?x4xf32>
// CHECK: xgrad.target "out" %matmul : tensor<?x4xf32>
// EXPLAIN: remark: iterator #0 ranges over a dynamic extent from dimension 0 of input 'a'
// EXPLAIN: remark: iterator #1 ranges over 4 from dimension 1 of parameter 'b'
// EXPLAIN: remark: iterator #2 ranges over 3 from dimension 1 of input 'a'
// EXPLAIN: remark: result 'tensor<?x4xf32>' from the write indices
xgrad.graph @matmul {
  %a = xgrad.input "a" : tensor<?x3xf32>
  %b = xgrad.param "b" uniform [-0.1, 0.1] seed 1 : tensor<3x4xf32>
  %c = xgrad.kernel "matmul" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read %a[%y, %it] : tensor<?x3xf32>
    %r = xgrad.read %b[%it, %x] : tensor<3x4xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  xgrad.target "out" %c : tensor<*xf32>
}

// Both operands dynamic: the inner extents can only be compared at run time.
// CHECK-LABEL: xgrad.graph @dynamic_inner
// CHECK: %[[K1:.*]] = xgrad.dim %a[1] : tensor<?x?xf32>
// CHECK: %[[K2:.*]] = xgrad.dim %b[0] : tensor<?x?xf32>
// CHECK: xgrad.check eq %[[K1]], %[[K2]], "kernel 'matmul': iterator #2 has one extent from dimension 1 of input 'a' and another from dimension 0 of input 'b'"
// CHECK: xgrad.kernel "matmul" {{.*}}-> tensor<?x?xf32>
xgrad.graph @dynamic_inner {
  %a = xgrad.input "a" : tensor<?x?xf32>
  %b = xgrad.input "b" : tensor<?x?xf32>
  %c = xgrad.kernel "matmul" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read %a[%y, %it] : tensor<?x?xf32>
    %r = xgrad.read %b[%it, %x] : tensor<?x?xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  xgrad.target "c" %c : tensor<*xf32>
}

// Bias add onto an init tensor; flat elementwise copies its read's shape; transpose; a
// reduction to one element; softmax; cross entropy.
// CHECK-LABEL: xgrad.graph @dense_softmax
// CHECK: %[[B:.*]] = xgrad.dim %x[0] : tensor<?x3xf32>
// CHECK: %bias = xgrad.kernel "bias" init(%matmul : tensor<?x4xf32>) shape(%{{.*}}, %{{.*}}) bounds(%{{.*}}, %{{.*}}) -> tensor<?x4xf32>
// The softmax reads relu and sums along the same inferred batch extent: no check.
// CHECK-NOT: xgrad.check eq {{.*}} "kernel 'softmax
// Lengths are products of extents, so equal shapes give one value.
// CHECK: %[[S:.*]] = arith.muli %[[B]], %c4 : index
// CHECK: %relu = xgrad.kernel "relu" shape(%[[B]], %c4) bounds(%[[S]]) -> tensor<?x4xf32>
// CHECK: %transpose = xgrad.kernel "transpose" {{.*}} -> tensor<4x?xf32>
// CHECK: %sums = xgrad.kernel "sums" {{.*}} -> tensor<?xf32>
// CHECK: %softmax = xgrad.kernel "softmax" {{.*}} -> tensor<?x4xf32>
// CHECK: %[[L:.*]] = xgrad.dim %labels[0] : tensor<?x4xf32>
// CHECK: %[[Y:.*]] = arith.muli %[[L]], %c4 : index
// CHECK: xgrad.check eq %[[S]], %[[Y]], "kernel 'cross_entropy': iterator #0 has one extent from the length of kernel 'softmax' and another from the length of input 'labels'"
// CHECK: %cross_entropy = xgrad.kernel "cross_entropy" shape(%c1) bounds(%[[S]]) -> tensor<1xf32>
// CHECK: xgrad.target "loss" %cross_entropy : tensor<1xf32>
xgrad.graph @dense_softmax {
  %x = xgrad.input "x" : tensor<?x3xf32>
  %labels = xgrad.input "labels" : tensor<?x4xf32>
  %w = xgrad.param "w" uniform [-0.1, 0.1] seed 1 : tensor<3x4xf32>
  %b = xgrad.param "b" zeros [] seed 0 : tensor<4xf32>
  %mm = xgrad.kernel "matmul" -> tensor<*xf32> {
  ^bb0(%y: index, %xx: index, %it: index):
    %l = xgrad.read %x[%y, %it] : tensor<?x3xf32>
    %r = xgrad.read %w[%it, %xx] : tensor<3x4xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %xx] : f32
  }
  %bias = xgrad.kernel "bias" init(%mm : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%y: index, %xx: index):
    %v = xgrad.read %b[%xx] : tensor<4xf32>
    xgrad.accumulate %v at [%y, %xx] : f32
  }
  %relu = xgrad.kernel "relu" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %bias[%it] : tensor<*xf32>
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %v, %z : f32
    xgrad.accumulate %m at flat [%it] : f32
  }
  %t = xgrad.kernel "transpose" -> tensor<*xf32> {
  ^bb0(%y: index, %xx: index):
    %v = xgrad.read %relu[%xx, %y] : tensor<*xf32>
    xgrad.accumulate %v at [%y, %xx] : f32
  }
  %sums = xgrad.kernel "sums" -> tensor<*xf32> {
  ^bb0(%y: index, %xx: index):
    %v = xgrad.read %relu[%y, %xx] : tensor<*xf32>
    %e = math.exp %v : f32
    xgrad.accumulate %e at [%y] : f32
  }
  %softmax = xgrad.kernel "softmax" -> tensor<*xf32> {
  ^bb0(%y: index, %xx: index):
    %v = xgrad.read %relu[%y, %xx] : tensor<*xf32>
    %s = xgrad.read %sums[%y] : tensor<*xf32>
    %e = math.exp %v : f32
    %q = arith.divf %e, %s : f32
    xgrad.accumulate %q at [%y, %xx] : f32
  }
  %ce = xgrad.kernel "cross_entropy" -> tensor<*xf32> {
  ^bb0(%it: index):
    %p = xgrad.read flat %softmax[%it] : tensor<*xf32>
    %l = xgrad.read flat %labels[%it] : tensor<?x4xf32>
    %ln = math.log %p : f32
    %m = arith.mulf %l, %ln : f32
    %n = arith.negf %m : f32
    %zero = arith.constant 0 : index
    xgrad.accumulate %n at [%zero] : f32
  }
  xgrad.target "loss" %ce : tensor<*xf32>
  xgrad.target "mm" %mm : tensor<*xf32>
  xgrad.target "bias" %bias : tensor<*xf32>
  xgrad.target "relu" %relu : tensor<*xf32>
  xgrad.target "t" %t : tensor<*xf32>
  xgrad.target "sums" %sums : tensor<*xf32>
  xgrad.target "softmax" %softmax : tensor<*xf32>
}

// conv2d, without and with stride: output extents solved from `y + dy` and `2 * y + dy`.
// CHECK-LABEL: xgrad.graph @conv
// CHECK: %conv = xgrad.kernel "conv" {{.*}} -> tensor<?x6x6x8xf32>
// CHECK: %strided = xgrad.kernel "strided" {{.*}} -> tensor<?x3x3x8xf32>
// EXPLAIN: remark: iterator #1 ranges over 6 from solving the read of input 'images' at dimension 1
// EXPLAIN: remark: iterator #1 ranges over 3 from solving the read of input 'images' at dimension 1
xgrad.graph @conv {
  %images = xgrad.input "images" : tensor<?x8x8x1xf32>
  %filters = xgrad.param "filters" uniform [-0.1, 0.1] seed 1 : tensor<8x3x3x1xf32>
  %conv = xgrad.kernel "conv" -> tensor<*xf32> {
  ^bb0(%image: index, %y: index, %x: index, %filter: index, %dx: index, %dy: index, %chan: index):
    %yy = arith.addi %y, %dy : index
    %xx = arith.addi %x, %dx : index
    %a = xgrad.read %images[%image, %yy, %xx, %chan] : tensor<?x8x8x1xf32>
    %w = xgrad.read %filters[%filter, %dy, %dx, %chan] : tensor<8x3x3x1xf32>
    %p = arith.mulf %a, %w : f32
    xgrad.accumulate %p at [%image, %y, %x, %filter] : f32
  }
  %strided = xgrad.kernel "strided" -> tensor<*xf32> {
  ^bb0(%image: index, %y: index, %x: index, %filter: index, %dx: index, %dy: index, %chan: index):
    %two = arith.constant 2 : index
    %y2 = arith.muli %two, %y : index
    %x2 = arith.muli %two, %x : index
    %yy = arith.addi %y2, %dy : index
    %xx = arith.addi %x2, %dx : index
    %a = xgrad.read %images[%image, %yy, %xx, %chan] : tensor<?x8x8x1xf32>
    %w = xgrad.read %filters[%filter, %dy, %dx, %chan] : tensor<8x3x3x1xf32>
    %p = arith.mulf %a, %w : f32
    xgrad.accumulate %p at [%image, %y, %x, %filter] : f32
  }
  xgrad.target "conv" %conv : tensor<*xf32>
  xgrad.target "strided" %strided : tensor<*xf32>
}

// maxPool2d: `y * 2` and `y * 2 + 1` both bound y; the range is the smaller (floor(E / 2)),
// so an odd extent never reads past the edge. upsample2 needs withShape, and its gather
// `y div 2` is proven in bounds by interval arithmetic (no check for static shapes).
// CHECK-LABEL: xgrad.graph @pool
// CHECK: %pool = xgrad.kernel "pool" {{.*}} -> tensor<?x3x3x2xf32>
// CHECK-NOT: xgrad.check
// CHECK: %upsample = xgrad.kernel "upsample" {{.*}} -> tensor<?x6x6x2xf32>
xgrad.graph @pool {
  %images = xgrad.input "images" : tensor<?x7x7x2xf32>
  %pool = xgrad.kernel "pool" -> tensor<*xf32> {
  ^bb0(%image: index, %y: index, %x: index, %chan: index):
    %one = arith.constant 1 : index
    %two = arith.constant 2 : index
    %y0 = arith.muli %y, %two : index
    %x0 = arith.muli %x, %two : index
    %y1 = arith.addi %y0, %one : index
    %x1 = arith.addi %x0, %one : index
    %a = xgrad.read %images[%image, %y0, %x0, %chan] : tensor<?x7x7x2xf32>
    %b = xgrad.read %images[%image, %y1, %x0, %chan] : tensor<?x7x7x2xf32>
    %c = xgrad.read %images[%image, %y0, %x1, %chan] : tensor<?x7x7x2xf32>
    %d = xgrad.read %images[%image, %y1, %x1, %chan] : tensor<?x7x7x2xf32>
    %m0 = arith.maximumf %a, %b : f32
    %m1 = arith.maximumf %c, %d : f32
    %m = arith.maximumf %m0, %m1 : f32
    xgrad.accumulate %m at [%image, %y, %x, %chan] : f32
  }
  %n = xgrad.dim %pool[0] : tensor<*xf32>
  %h = xgrad.dim %pool[1] : tensor<*xf32>
  %w = xgrad.dim %pool[2] : tensor<*xf32>
  %c = xgrad.dim %pool[3] : tensor<*xf32>
  %two = arith.constant 2 : index
  %h2 = arith.muli %h, %two : index
  %w2 = arith.muli %w, %two : index
  %up = xgrad.kernel "upsample" shape(%n, %h2, %w2, %c) -> tensor<*xf32> {
  ^bb0(%image: index, %y: index, %x: index, %chan: index):
    %two_ = arith.constant 2 : index
    %yd = arith.divsi %y, %two_ : index
    %xd = arith.divsi %x, %two_ : index
    %v = xgrad.read %pool[%image, %yd, %xd, %chan] : tensor<*xf32>
    xgrad.accumulate %v at [%image, %y, %x, %chan] : f32
  }
  xgrad.target "pool" %pool : tensor<*xf32>
  xgrad.target "up" %up : tensor<*xf32>
}

// A gather at an index computed from a Scalar cannot be bounded: it is checked per element.
// CHECK-LABEL: xgrad.graph @computed_gather
// CHECK: xgrad.read checked %table[%{{.*}}] : tensor<10xf32>
xgrad.graph @computed_gather {
  %idx = xgrad.input "idx" : tensor<?xf32>
  %table = xgrad.param "table" uniform [-0.1, 0.1] seed 2 : tensor<10xf32>
  %g = xgrad.kernel "gather" -> tensor<*xf32> {
  ^bb0(%i: index):
    %s = xgrad.read %idx[%i] : tensor<?xf32>
    %k = xgrad.to_index %s : f32
    %v = xgrad.read %table[%k] : tensor<10xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "g" %g : tensor<*xf32>
}

// A scatter `out[y + k]` gets its shape from the largest written index; a dynamic input
// whose gather could leave the tensor gets a check.
// CHECK-LABEL: xgrad.graph @scatter
// CHECK: %scatter = xgrad.kernel "scatter" {{.*}} -> tensor<?xf32>
// CHECK: xgrad.check le {{.*}} "kernel 'shifted': the read of input 'b' at dimension 0 can index past its extent"
xgrad.graph @scatter {
  %a = xgrad.input "a" : tensor<?xf32>
  %b = xgrad.input "b" : tensor<?xf32>
  %k = xgrad.param "k" uniform [-0.1, 0.1] seed 2 : tensor<3xf32>
  %s = xgrad.kernel "scatter" -> tensor<*xf32> {
  ^bb0(%y: index, %j: index):
    %v = xgrad.read %a[%y] : tensor<?xf32>
    %w = xgrad.read %k[%j] : tensor<3xf32>
    %p = arith.mulf %v, %w : f32
    %yj = arith.addi %y, %j : index
    xgrad.accumulate %p at [%yj] : f32
  }
  %shift = xgrad.kernel "shifted" like(%s : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%y: index):
    %one = arith.constant 1 : index
    %y1 = arith.addi %y, %one : index
    %v = xgrad.read %b[%y1] : tensor<?xf32>
    xgrad.accumulate %v at [%y] : f32
  }
  xgrad.target "s" %s : tensor<*xf32>
  xgrad.target "shift" %shift : tensor<*xf32>
}

// A kernel that arrives with its bounds and shape is guarded too: the bound comes from
// input 'b', the read is of input 'a', and nothing proves one inside the other. A second
// run proves it from the check the first emitted and adds nothing.
// CHECK-LABEL: xgrad.graph @explicit_bounds_unproven
// CHECK: %[[N:.*]] = xgrad.dim %b[0]
// CHECK: %[[A:.*]] = xgrad.dim %a[0]
// CHECK: xgrad.check le %[[N]], %[[A]], "kernel 'k': the read of input 'a' at dimension 0 can index past its extent"
// CHECK-NOT: xgrad.check
// CHECK: xgrad.target
xgrad.graph @explicit_bounds_unproven {
  %a = xgrad.input "a" : tensor<?xf32>
  %b = xgrad.input "b" : tensor<?xf32>
  %n = xgrad.dim %b[0] : tensor<?xf32>
  %k = xgrad.kernel "k" shape(%n) bounds(%n) -> tensor<?xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "out" %k : tensor<?xf32>
}

// A given shape sets the range of the iterator the kernel writes at a plain index, also
// when it is shorter than a read's extent (Exprgrad's `d[y] ++= a[y + 1] - a[y]` with
// `withShape(a.shape[0] - 1)`): the reads only have to stay inside, here provably.
// CHECK-LABEL: xgrad.graph @differences
// CHECK: %[[N:.*]] = xgrad.dim %[[A:.*]][0]
// CHECK: %[[M:.*]] = arith.subi %[[N]], %c1
// CHECK-NOT: xgrad.check
// CHECK: xgrad.kernel "diff" shape(%[[M]]) bounds(%[[M]]) -> tensor<?xf32>
xgrad.graph @differences {
  %a = xgrad.input "a" : tensor<?xf32>
  %c1 = arith.constant 1 : index
  %n = xgrad.dim %a[0] : tensor<?xf32>
  %m = arith.subi %n, %c1 : index
  %d = xgrad.kernel "diff" shape(%m) -> tensor<*xf32> {
  ^bb0(%y: index):
    %y1 = arith.addi %y, %c1 : index
    %next = xgrad.read %a[%y1] : tensor<?xf32>
    %this = xgrad.read %a[%y] : tensor<?xf32>
    %v = arith.subf %next, %this : f32
    xgrad.accumulate %v at [%y] : f32
  }
  xgrad.target "diff" %d : tensor<*xf32>
}
