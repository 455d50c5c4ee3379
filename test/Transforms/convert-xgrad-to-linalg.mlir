// RUN: xgrad-opt %s --xgrad-materialize-targets --convert-xgrad-to-linalg --canonicalize | FileCheck %s
// RUN: xgrad-opt %s --xgrad-materialize-targets --convert-xgrad-to-linalg=use-linalg=false --canonicalize | FileCheck %s --check-prefix=LOOPS
// The kernel's name survives what follows the lowering in the pipeline.
// RUN: xgrad-opt %s --xgrad-materialize-targets --convert-xgrad-to-linalg --canonicalize --cse --xgrad-schedule | FileCheck %s --check-prefix=NAMES
// xgrad.all_reduce: the gradients packed into one buffer allocated before any guard, the
// collective, then a guard, then the sums unpacked.
// RUN: xgrad-opt %S/Inputs/all-reduce-function.mlir --convert-xgrad-to-linalg | FileCheck %s --check-prefix=ALLREDUCE
// ALLREDUCE-LABEL: func.func @step(
// ALLREDUCE-SAME:    %[[X:[^:]*]]: tensor<?x3xf32> {xgrad.input = "x"}, %[[G:[^:]*]]: tensor<2x3xf32> {{.*}}, %[[LOSS:[^:]*]]: tensor<1xf32> {{.*}}, %[[STATUS:[^:]*]]: memref<5xi64> {xgrad.status})
// ALLREDUCE-NEXT:    %[[BUFFER:.*]] = memref.alloc() : memref<9xf32>
// ALLREDUCE:         %[[FLAT:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// ALLREDUCE:         tensor.insert_slice %[[FLAT]] into %{{.*}}[0] [6] [1] : tensor<6xf32> into tensor<9xf32>
// ALLREDUCE:         tensor.insert_slice %[[LOSS]] into %{{.*}}[6] [1] [1] : tensor<1xf32> into tensor<9xf32>
// ALLREDUCE:         %[[ROWS:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x3xf32>
// ALLREDUCE:         %[[WEIGHT:.*]] = arith.sitofp
// ALLREDUCE:         %[[EMPTY:.*]] = arith.cmpf oeq, %[[WEIGHT]]
// ALLREDUCE:         linalg.generic
// ALLREDUCE:           arith.mulf %{{.*}}, %[[WEIGHT]] : f32
// ALLREDUCE:           arith.select %[[EMPTY]]
// ALLREDUCE:         tensor.insert %[[WEIGHT]] into %{{.*}}[%c7] : tensor<9xf32>
// ALLREDUCE:         bufferization.materialize_in_destination %{{.*}} in restrict writable %[[BUFFER]]
// ALLREDUCE-NEXT:    xgrad.sum_over_ranks %[[BUFFER]], %[[STATUS]] : memref<9xf32>, memref<5xi64>
// ALLREDUCE-NEXT:    xgrad.guard %[[STATUS]]
// ALLREDUCE-NEXT:    %[[SUMS:.*]] = bufferization.to_tensor %[[BUFFER]] restrict writable
// ALLREDUCE:         %[[TOTAL:.*]] = tensor.extract %[[SUMS]][%{{.*}}] : tensor<9xf32>
// ALLREDUCE:         linalg.generic
// ALLREDUCE:           arith.divf %{{.*}}, %[[TOTAL]] : f32
// ALLREDUCE:         tensor.extract_slice %{{.*}}[0] [6] [1] : tensor<9xf32> to tensor<6xf32>
// ALLREDUCE:         tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// ALLREDUCE:         tensor.extract_slice %{{.*}}[6] [1] [1] : tensor<9xf32> to tensor<1xf32>
// ALLREDUCE-LABEL: func.func @summed(
// ALLREDUCE:         memref.alloc() : memref<6xf32>
// ALLREDUCE-NOT:     arith.mulf
// ALLREDUCE:         xgrad.sum_over_ranks
// ALLREDUCE-NOT:     arith.divf
// ALLREDUCE:         return

// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK: module attributes {xgrad.messages = ["kernel 'matmul': its result (tensor<?x?xf32>) needs {lhs} bytes, more than the {rhs} bytes one buffer may take (this machine's memory)", "kernel 'matmul': iterator #2 has one extent", "kernel 'gather': its result (tensor<?xf32>) needs {lhs} bytes{{[^"]*}}", "the read of input 'table' at dimension 0 is out of bounds: index {lhs}, extent {rhs}", "kernel 'scatter': its result (tensor<?xf32>) needs {lhs} bytes{{[^"]*}}", "the write of kernel 'histogram' at dimension 0 is out of bounds: index {lhs}, extent {rhs}", "kernel 'exp': its result (tensor<?x?xf32>) needs {lhs} bytes{{[^"]*}}", "kernel 'diff': its result (tensor<?xf32>) needs {lhs} bytes{{[^"]*}}"]
// CHECK-NOT: xgrad_check_failed

// A projection kernel is a linalg.generic: written iterators parallel, the rest reductions.
// First, as soon as its sizes are known, its result's size in bytes (saturating at
// INT64_MAX) is checked against the limit the caller put in the status (check 0). A failed
// check sets the status flag atomically; the first to set it stores its id and both values.
// CHECK-LABEL: func.func @g.matmul(
// CHECK-SAME: %[[STATUS:[^:]*]]: memref<5xi64> {xgrad.status})
// CHECK: arith.select %{{.*}}, %c9223372036854775807_i64, %{{.*}} : i64
// CHECK: %[[BYTES:.*]] = arith.select %{{.*}}, %c9223372036854775807_i64, %{{.*}} : i64
// CHECK-NEXT: %[[LIMIT:.*]] = memref.load %[[STATUS]][%c4] : memref<5xi64>
// CHECK: %[[FITS:.*]] = arith.cmpi sgt, %[[BYTES]], %[[LIMIT]] : i64
// CHECK: scf.if %[[FITS]] {
// CHECK:   %[[PREVIOUS:.*]] = memref.atomic_rmw ori %c1_i64, %[[STATUS]][%c0] : (i64, memref<5xi64>) -> i64
// CHECK:   %[[FIRST:.*]] = arith.cmpi eq, %[[PREVIOUS]], %c0_i64
// CHECK:   scf.if %[[FIRST]] {
// CHECK:     memref.store %c0_i64, %[[STATUS]][%c1]
// CHECK:     memref.store %[[BYTES]], %[[STATUS]][%c2]
// CHECK:     memref.store %[[LIMIT]], %[[STATUS]][%c3]
// Then the graph's check of equal extents (check 1). The kernel, which relies on both,
// comes after a guard: it runs only on a clear status (xgrad-expand-guards.mlir).
// CHECK: %[[FAIL:.*]] = arith.cmpi ne
// CHECK: scf.if %[[FAIL]] {
// CHECK:   memref.atomic_rmw ori %c1_i64, %[[STATUS]][%c0]
// CHECK:     memref.store %c1_i64, %[[STATUS]][%c1]
// CHECK:     memref.store %{{.*}}, %[[STATUS]][%c2]
// CHECK:     memref.store %{{.*}}, %[[STATUS]][%c3]
// CHECK: xgrad.guard %[[STATUS]] : memref<5xi64>
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x?xf32>
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<?x?xf32>)
// CHECK: %[[RESULT:.*]] = linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%[[ZERO]] : tensor<?x?xf32>) attrs = {xgrad.kernel = "matmul"}
// CHECK:   arith.mulf
// CHECK:   arith.addf %out
// CHECK:   linalg.yield
// CHECK: return %[[RESULT]]
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
// NAMES: linalg.generic {{.*}} attrs = {xgrad.kernel = "gather"}
// NAMES-LABEL: func.func @g.flat(
// NAMES: linalg.generic {{.*}} attrs = {xgrad.kernel = "exp"}

// A gather at an index computed from a Scalar is checked element by element, and never
// reads out of bounds: an index outside the table reads 0 and records check 3. The loop
// finishes normally, so the kernel is a linalg.generic that may run on OpenMP threads.
// CHECK-LABEL: func.func @g.gather(
// CHECK-SAME: %[[STATUS:[^:]*]]: memref<5xi64> {xgrad.status})
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]
// CHECK: %[[K:.*]] = arith.fptosi
// CHECK: %[[INSIDE:.*]] = arith.andi
// CHECK: %[[VALUE:.*]] = scf.if %[[INSIDE]] -> (f32) {
// CHECK:   %[[READ:.*]] = tensor.extract %{{.*}}[%{{.*}}] : tensor<4xf32>
// CHECK:   scf.yield %[[READ]]
// CHECK: } else {
// CHECK:   memref.atomic_rmw ori %c1_i64, %[[STATUS]][%c0]
// CHECK:   memref.store %c3_i64, %[[STATUS]][%c1]
// CHECK:   memref.store %[[K]], %[[STATUS]][%c2]
// CHECK:   memref.store %c4_i64, %[[STATUS]][%c3]
// CHECK:   scf.yield %cst
// CHECK: arith.addf %out, %[[VALUE]]
// LOOPS-LABEL: func.func @g.gather(
// LOOPS: scf.for
// LOOPS: scf.if %{{.*}} -> (f32)

// A scatter is a sequential loop nest that carries the result; nothing is parallel.
// CHECK-LABEL: func.func @g.scatter(
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[Y:.*]] = {{.*}} iter_args(%[[OUTER:.*]] = %{{.*}}) -> (tensor<?xf32>)
// CHECK: scf.for %[[J:.*]] = {{.*}} iter_args(%[[INNER:.*]] = %[[OUTER]]) -> (tensor<?xf32>)
// CHECK: %[[AT:.*]] = arith.addi %[[Y]], %[[J]] : index
// CHECK: %[[OLD:.*]] = tensor.extract %[[INNER]][%[[AT]]]
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]]
// CHECK: tensor.insert %[[SUM]] into %[[INNER]][%[[AT]]]

// A checked write leaves the tensor as it was when out of bounds; what follows the kernel
// runs only on a clear status.
// CHECK-LABEL: func.func @g.histogram(
// CHECK-SAME: %[[STATUS:[^:]*]]: memref<5xi64> {xgrad.status})
// CHECK: %[[COUNTS:.*]] = scf.for {{.*}} iter_args(%[[CARRIED:.*]] = %{{.*}}) -> (tensor<4xf32>)
// CHECK:   %[[UPDATED:.*]] = scf.if %{{.*}} -> (tensor<4xf32>) {
// CHECK:     tensor.insert %{{.*}} into %[[CARRIED]]
// CHECK:   } else {
// CHECK:     memref.atomic_rmw ori %c1_i64, %[[STATUS]][%c0]
// CHECK:     memref.store %c5_i64, %[[STATUS]][%c1]
// CHECK:     scf.yield %[[CARRIED]] : tensor<4xf32>
// CHECK:   scf.yield %[[UPDATED]]
// CHECK: xgrad.guard %[[STATUS]] : memref<5xi64>
// CHECK: %[[SCALED:.*]] = linalg.generic {{.*}} ins(%[[COUNTS]] : tensor<4xf32>)
// CHECK: return %[[SCALED]]

// Flat accesses use the tensors collapsed to one dimension; the result is reshaped back.
// CHECK-LABEL: func.func @g.flat(
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<?x?xf32> into tensor<?xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]
// CHECK: math.exp
// CHECK: tensor.reshape %{{.*}}(%{{.*}}) : (tensor<?xf32>, tensor<2xindex>) -> tensor<?x?xf32>

// linalg.generic takes each loop's range from the operands' shapes: a kernel whose bounds
// are shorter than an extent it reads at a plain index (v[i] for i < len(v) - 1) is lowered
// to loops over its bounds, which read inside `v`.
// CHECK-LABEL: func.func @g.diff(
// CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?xf32>
// CHECK: %[[LAST:.*]] = arith.subi %[[N]], %c1 : index
// CHECK-NOT: linalg.generic
// CHECK: scf.for %{{.*}} = %c0 to %[[LAST]] step %c1
// CHECK-NOT: linalg.generic
// CHECK: return

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
  %counts = xgrad.kernel "histogram" shape(%c4) bounds(%ni) -> tensor<4xf32> {
  ^bb0(%i: index):
    %s = xgrad.read %idx[%i] : tensor<?xf32>
    %j = xgrad.to_index %s : f32
    %one = arith.constant 1.0 : f32
    xgrad.accumulate %one at checked [%j] : f32
  }
  %scaled = xgrad.kernel "scale" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %counts[%i] : tensor<4xf32>
    %half = arith.constant 0.5 : f32
    %p = arith.mulf %v, %half : f32
    xgrad.accumulate %p at [%i] : f32
  }
  xgrad.target "histogram" %scaled : tensor<4xf32>
  %len = xgrad.len %a : tensor<?x?xf32>
  %e = xgrad.kernel "exp" shape(%n, %k) bounds(%len) -> tensor<?x?xf32> {
  ^bb0(%i: index):
    %v = xgrad.read flat %a[%i] : tensor<?x?xf32>
    %x = math.exp %v : f32
    xgrad.accumulate %x at flat [%i] : f32
  }
  xgrad.target "flat" %e : tensor<?x?xf32>
  %v = xgrad.input "v" : tensor<?xf32>
  %nv = xgrad.dim %v[0] : tensor<?xf32>
  %c1_diff = arith.constant 1 : index
  %nv1 = arith.subi %nv, %c1_diff : index
  %diff = xgrad.kernel "diff" shape(%nv1) bounds(%nv1) -> tensor<?xf32> {
  ^bb0(%i: index):
    %i1 = arith.addi %i, %c1_diff : index
    %next = xgrad.read %v[%i1] : tensor<?xf32>
    %this = xgrad.read %v[%i] : tensor<?xf32>
    %d = arith.subf %next, %this : f32
    xgrad.accumulate %d at [%i] : f32
  }
  xgrad.target "diff" %diff : tensor<?xf32>
}
