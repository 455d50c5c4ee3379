// RUN: xgrad-opt %s --canonicalize --cse -split-input-file | FileCheck %s
// Kernels have the effects of their bodies (reads are pure, epoch and step read model
// state), so canonicalization and CSE remove dead and duplicate kernels.

// CHECK-LABEL: xgrad.graph @dead_kernel
// CHECK-NOT: xgrad.kernel "dead"
// CHECK-NOT: xgrad.kernel "dead_epoch"
// CHECK: xgrad.kernel "live"
// CHECK-NOT: xgrad.kernel
xgrad.graph @dead_kernel {
  %a = xgrad.input "a" : tensor<4xf32>
  %c4 = arith.constant 4 : index
  %dead = xgrad.kernel "dead" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  %dead_epoch = xgrad.kernel "dead_epoch" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %e = xgrad.epoch
    %s = xgrad.to_scalar %e : index to f32
    xgrad.accumulate %s at [%i] : f32
  }
  %live = xgrad.kernel "live" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "out" %live : tensor<4xf32>
}

// -----

// Two identical unnamed kernels are one (CSE); so are two that differ only in their name
// (canonicalization: names are unique after inference), and the first name stays. Two
// that read model state are merged too: nothing in a graph writes it.
// CHECK-LABEL: xgrad.graph @duplicate_kernels
// CHECK: %[[U:.*]] = xgrad.kernel shape
// CHECK-NOT: xgrad.kernel shape
// CHECK: %[[F:.*]] = xgrad.kernel "first"
// CHECK-NOT: xgrad.kernel "second"
// CHECK: %[[E:.*]] = xgrad.kernel "epoch1"
// CHECK-NOT: xgrad.kernel "epoch2"
// CHECK: %[[D:.*]] = xgrad.kernel "different"
// CHECK: xgrad.target "u1" %[[U]]
// CHECK: xgrad.target "u2" %[[U]]
// CHECK: xgrad.target "n1" %[[F]]
// CHECK: xgrad.target "n2" %[[F]]
// CHECK: xgrad.target "e1" %[[E]]
// CHECK: xgrad.target "e2" %[[E]]
// CHECK: xgrad.target "d" %[[D]]
xgrad.graph @duplicate_kernels {
  %a = xgrad.input "a" : tensor<4xf32>
  %c4 = arith.constant 4 : index
  %u1 = xgrad.kernel shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<4xf32>
    %e = math.exp %v : f32
    xgrad.accumulate %e at [%i] : f32
  }
  %u2 = xgrad.kernel shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%j: index):
    %v = xgrad.read %a[%j] : tensor<4xf32>
    %e = math.exp %v : f32
    xgrad.accumulate %e at [%j] : f32
  }
  %n1 = xgrad.kernel "first" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  %n2 = xgrad.kernel "second" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  %e1 = xgrad.kernel "epoch1" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %e = xgrad.step
    %s = xgrad.to_scalar %e : index to f32
    xgrad.accumulate %s at [%i] : f32
  }
  %e2 = xgrad.kernel "epoch2" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %e = xgrad.step
    %s = xgrad.to_scalar %e : index to f32
    xgrad.accumulate %s at [%i] : f32
  }
  // Same body, but the maximum instead of the sum: not a duplicate.
  %d = xgrad.kernel "different" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<4xf32>
    xgrad.accumulate max %v at [%i] : f32
  }
  xgrad.target "u1" %u1 : tensor<4xf32>
  xgrad.target "u2" %u2 : tensor<4xf32>
  xgrad.target "n1" %n1 : tensor<4xf32>
  xgrad.target "n2" %n2 : tensor<4xf32>
  xgrad.target "e1" %e1 : tensor<4xf32>
  xgrad.target "e2" %e2 : tensor<4xf32>
  xgrad.target "d" %d : tensor<4xf32>
}

// -----

// Shape queries on static shapes fold to constants; on dynamic extents they stay.
// CHECK-LABEL: xgrad.graph @shape_queries
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C12:.*]] = arith.constant 12 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[D:.*]] = xgrad.dim %b[0] : tensor<?x4xf32>
// CHECK-NOT: xgrad.dim
// CHECK-NOT: xgrad.len
// CHECK-NOT: xgrad.rank
// CHECK: xgrad.kernel "q" shape(%[[C3]], %[[C12]], %[[C2]], %[[D]], %[[C2]])
xgrad.graph @shape_queries {
  %a = xgrad.input "a" : tensor<3x4xf32>
  %b = xgrad.input "b" : tensor<?x4xf32>
  %d = xgrad.dim %a[0] : tensor<3x4xf32>
  %l = xgrad.len %a : tensor<3x4xf32>
  %r = xgrad.rank %a : tensor<3x4xf32>
  %db = xgrad.dim %b[0] : tensor<?x4xf32>
  %rb = xgrad.rank %b : tensor<?x4xf32>
  %q = xgrad.kernel "q" shape(%d, %l, %r, %db, %rb) -> tensor<*xf32> {
  ^bb0(%i: index):
    %z = arith.constant 0.0 : f32
    xgrad.accumulate %z at [%i, %i, %i, %i, %i] : f32
  }
  xgrad.target "q" %q : tensor<*xf32>
}

// -----

// A check is never dead (it writes the run's status), but one that holds statically is
// dropped, and one that repeats an earlier check of the same operands (either order for
// `eq`) is folded into it.
// CHECK-LABEL: xgrad.graph @checks
// CHECK: %[[A:.*]] = xgrad.dim %a[0]
// CHECK: %[[B:.*]] = xgrad.dim %b[0]
// CHECK-NEXT: xgrad.check eq %[[A]], %[[B]], "first"
// CHECK-NEXT: xgrad.check le %[[A]], %[[B]], "le"
// CHECK-NEXT: xgrad.check le %[[B]], %[[A]], "le reversed"
// CHECK-NOT: xgrad.check
// CHECK: xgrad.target
xgrad.graph @checks {
  %a = xgrad.input "a" : tensor<?xf32>
  %b = xgrad.input "b" : tensor<?xf32>
  %da = xgrad.dim %a[0] : tensor<?xf32>
  %db = xgrad.dim %b[0] : tensor<?xf32>
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  xgrad.check eq %da, %db, "first"
  xgrad.check eq %da, %db, "again"
  xgrad.check eq %db, %da, "reversed"
  xgrad.check le %da, %db, "le"
  xgrad.check le %db, %da, "le reversed"
  xgrad.check le %da, %db, "le again"
  xgrad.check le %c3, %c4, "holds"
  xgrad.check eq %da, %da, "trivial"
  xgrad.target "a" %a : tensor<?xf32>
}
