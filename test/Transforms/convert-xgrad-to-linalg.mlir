// RUN: xgrad-opt %s --xgrad-materialize-targets --convert-xgrad-to-linalg --canonicalize | FileCheck %s
// RUN: xgrad-opt %s --xgrad-materialize-targets --convert-xgrad-to-linalg=use-linalg=false --canonicalize | FileCheck %s --check-prefix=LOOPS
// The kernel's name survives what follows the lowering in the pipeline.
// RUN: xgrad-opt %s --xgrad-materialize-targets --convert-xgrad-to-linalg --canonicalize --cse --xgrad-default-schedule | FileCheck %s --check-prefix=NAMES

// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK: module attributes {xgrad.messages = ["kernel 'matmul': iterator #2 has one extent", "the read of input 'table' at dimension 0 is out of bounds: index {lhs}, extent {rhs}"]
// The declaration of the run time's failure handler.
// CHECK: func.func private @xgrad_check_failed(i64, index, index)

// A projection kernel is a linalg.generic: written iterators parallel, the rest reductions.
// CHECK-LABEL: func.func @g.matmul(
// CHECK: %[[FAIL:.*]] = arith.cmpi ne
// CHECK: scf.if %[[FAIL]] {
// CHECK:   func.call @xgrad_check_failed(%c0_i64,
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x?xf32>
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x?xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%[[ZERO]] : tensor<?x?xf32>) attrs = {xgrad.kernel = "matmul"}
// CHECK: arith.mulf
// CHECK: arith.addf %out
// CHECK: linalg.yield
// LOOPS-LABEL: func.func @g.matmul(
// LOOPS-NOT: linalg.generic
// LOOPS: scf.for
// LOOPS: scf.for
// LOOPS: scf.for
// LOOPS: tensor.insert
// The kernel's name is on the outermost loop.
// LOOPS: } {xgrad.kernel = "matmul"}
// NAMES-LABEL: func.func @g.matmul(
// NAMES: linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
// NAMES-SAME: attrs = {xgrad.kernel = "matmul"}
// NAMES-LABEL: func.func @g.gather(
// NAMES: } {xgrad.kernel = "gather"}
// NAMES-LABEL: func.func @g.flat(
// NAMES: linalg.generic {{.*}} attrs = {xgrad.kernel = "exp"}

// A gather at an index computed from a Scalar is checked element by element; a failed check
// unwinds to the calling thread, so the kernel stays a sequential loop, never threads.
// CHECK-LABEL: func.func @g.gather(
// CHECK-NOT: linalg.generic
// CHECK: scf.for
// CHECK: arith.fptosi
// CHECK: scf.if
// CHECK: func.call @xgrad_check_failed(%c1_i64,
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<4xf32>

// A scatter is a sequential loop nest that carries the result; nothing is parallel.
// CHECK-LABEL: func.func @g.scatter(
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[Y:.*]] = {{.*}} iter_args(%[[OUTER:.*]] = %{{.*}}) -> (tensor<?xf32>)
// CHECK: scf.for %[[J:.*]] = {{.*}} iter_args(%[[INNER:.*]] = %[[OUTER]]) -> (tensor<?xf32>)
// CHECK: %[[AT:.*]] = arith.addi %[[Y]], %[[J]] : index
// CHECK: %[[OLD:.*]] = tensor.extract %[[INNER]][%[[AT]]]
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]]
// CHECK: tensor.insert %[[SUM]] into %[[INNER]][%[[AT]]]

// Flat accesses use the tensors collapsed to one dimension; the result is reshaped back.
// CHECK-LABEL: func.func @g.flat(
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<?x?xf32> into tensor<?xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]
// CHECK: math.exp
// CHECK: tensor.reshape %{{.*}}(%{{.*}}) : (tensor<?xf32>, tensor<2xindex>) -> tensor<?x?xf32>

xgrad.graph @g {
  %a = xgrad.input "a" : tensor<?x?xf32>
  %b = xgrad.input "b" : tensor<?x?xf32>
  %idx = xgrad.input "idx" : tensor<?xf32>
  %table = xgrad.input "table" : tensor<4xf32>
  %n = xgrad.dim %a[0] : tensor<?x?xf32>
  %k = xgrad.dim %a[1] : tensor<?x?xf32>
  %k2 = xgrad.dim %b[0] : tensor<?x?xf32>
  %m = xgrad.dim %b[1] : tensor<?x?xf32>
  xgrad.check eq %k, %k2, "kernel 'matmul': iterator #2 has one extent"
  %mm = xgrad.kernel "matmul" shape(%n, %m) bounds(%n, %m, %k) -> tensor<?x?xf32> {
  ^bb0(%y: index, %x: index, %it: index):
    %l = xgrad.read %a[%y, %it] : tensor<?x?xf32>
    %r = xgrad.read %b[%it, %x] : tensor<?x?xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  xgrad.target "matmul" %mm : tensor<?x?xf32>
  %ni = xgrad.dim %idx[0] : tensor<?xf32>
  %g = xgrad.kernel "gather" shape(%ni) bounds(%ni) -> tensor<?xf32> {
  ^bb0(%i: index):
    %s = xgrad.read %idx[%i] : tensor<?xf32>
    %j = xgrad.to_index %s : f32
    %v = xgrad.read checked %table[%j] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "gather" %g : tensor<?xf32>
  %c4 = arith.constant 4 : index
  %c3 = arith.constant 3 : index
  %size = arith.addi %ni, %c3 : index
  %sc = xgrad.kernel "scatter" shape(%size) bounds(%ni, %c4) -> tensor<?xf32> {
  ^bb0(%y: index, %j: index):
    %v = xgrad.read %idx[%y] : tensor<?xf32>
    %w = xgrad.read %table[%j] : tensor<4xf32>
    %p = arith.mulf %v, %w : f32
    %at = arith.addi %y, %j : index
    xgrad.accumulate %p at [%at] : f32
  }
  xgrad.target "scatter" %sc : tensor<?xf32>
  %len = xgrad.len %a : tensor<?x?xf32>
  %e = xgrad.kernel "exp" shape(%n, %k) bounds(%len) -> tensor<?x?xf32> {
  ^bb0(%i: index):
    %v = xgrad.read flat %a[%i] : tensor<?x?xf32>
    %x = math.exp %v : f32
    xgrad.accumulate %x at flat [%i] : f32
  }
  xgrad.target "flat" %e : tensor<?x?xf32>
}
