// RUN: xgrad-opt %s --xgrad-expand-guards | FileCheck %s

// What follows a guard runs only on a clear status; the other branch returns placeholders
// of the function's own (identity) result types, every dynamic extent 0. Guards nest.
// CHECK-LABEL: func.func @two_guards(
// CHECK-SAME: %[[X:.*]]: memref<?xf32> {xgrad.input = "x"}, %{{.*}}: index {xgrad.epoch}, %{{.*}}: index {xgrad.step}, %[[STATUS:.*]]: memref<5xi64> {xgrad.status})
// CHECK: %[[FLAG:.*]] = memref.load %[[STATUS]][%c0{{.*}}] : memref<5xi64>
// CHECK: %[[CLEAR:.*]] = arith.cmpi eq, %[[FLAG]], %c0_i64 : i64
// CHECK: %[[OUTER:.*]]:2 = scf.if %[[CLEAR]] -> (memref<?xf32>, memref<4xf32>) {
// CHECK:   %[[A:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:   %[[FLAG2:.*]] = memref.load %[[STATUS]][%c0{{.*}}] : memref<5xi64>
// CHECK:   %[[INNER:.*]]:2 = scf.if %{{.*}} -> (memref<?xf32>, memref<4xf32>) {
// CHECK:     %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK:     scf.yield %[[A]], %[[B]] : memref<?xf32>, memref<4xf32>
// CHECK:   } else {
// CHECK:     %[[P:.*]] = memref.alloc(%c0{{.*}}) : memref<?xf32>
// A static placeholder is one element seen as the result's shape: that shape may be the one
// a failed check found too large to allocate.
// CHECK:     %[[ONE:.*]] = memref.alloc() : memref<1xf32>
// CHECK:     %[[Q:.*]] = memref.reinterpret_cast %[[ONE]] to offset: [0], sizes: [4], strides: [1] : memref<1xf32> to memref<4xf32>
// CHECK:     scf.yield %[[P]], %[[Q]]
// CHECK:   scf.yield %[[INNER]]#0, %[[INNER]]#1
// CHECK: } else {
// CHECK:   memref.alloc(%c0{{.*}}) : memref<?xf32>
// CHECK:   memref.reinterpret_cast
// CHECK: return %[[OUTER]]#0, %[[OUTER]]#1
func.func @two_guards(%x: memref<?xf32> {xgrad.input = "x"}, %epoch: index {xgrad.epoch},
                      %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status})
    -> (memref<?xf32> {xgrad.output = "y"}, memref<4xf32> {xgrad.state = "s"}) {
  %c0 = arith.constant 0 : index
  %n = memref.dim %x, %c0 : memref<?xf32>
  xgrad.guard %status : memref<5xi64>
  %a = memref.alloc(%n) : memref<?xf32>
  xgrad.guard %status : memref<5xi64>
  %b = memref.alloc() : memref<4xf32>
  return %a, %b : memref<?xf32>, memref<4xf32>
}

// A guarded region ends at a collective: every rank runs xgrad.sum_over_ranks, failed or
// not, so it stays outside; what the region defines for later comes out of the scf.if
// (placeholders when it did not run), and the guard after the collective nests the rest.
// CHECK-LABEL: func.func @collective(
// CHECK-SAME:    %[[STATUS:[^:]*]]: memref<5xi64> {xgrad.status})
// CHECK:         %[[BUFFER:.*]] = memref.alloc() : memref<6xf32>
// CHECK:         %[[FIRST:.*]]:2 = scf.if %{{.*}} -> (memref<4xf32>, index) {
// CHECK:           %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK:           memref.store %{{.*}}, %[[BUFFER]]
// CHECK:           scf.yield %[[A]], %{{.*}} : memref<4xf32>, index
// CHECK:         } else {
// CHECK:           memref.reinterpret_cast
// CHECK:           scf.yield %{{.*}}, %c0{{.*}} : memref<4xf32>, index
// CHECK:         }
// CHECK-NEXT:    xgrad.sum_over_ranks %[[BUFFER]], %[[STATUS]]
// CHECK:         %[[SECOND:.*]] = scf.if %{{.*}} -> (memref<4xf32>) {
// CHECK:           memref.load %[[FIRST]]#0[%[[FIRST]]#1]
// CHECK:         return %[[SECOND]]
func.func @collective(%g: memref<4xf32> {xgrad.state = "g"}, %epoch: index {xgrad.epoch},
                      %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status})
    -> (memref<4xf32> {xgrad.output = "out"}) {
  %buffer = memref.alloc() : memref<6xf32>
  xgrad.guard %status : memref<5xi64>
  %a = memref.alloc() : memref<4xf32>
  %i = arith.constant 3 : index
  %v = memref.load %g[%i] : memref<4xf32>
  memref.store %v, %buffer[%i] : memref<6xf32>
  xgrad.sum_over_ranks %buffer, %status : memref<6xf32>, memref<5xi64>
  xgrad.guard %status : memref<5xi64>
  %b = memref.alloc() : memref<4xf32>
  %w = memref.load %a[%i] : memref<4xf32>
  memref.store %w, %b[%i] : memref<4xf32>
  return %b : memref<4xf32>
}

// A region that hands nothing on: an scf.if without results.
// CHECK-LABEL: func.func @nothing_handed_on(
// CHECK:         scf.if %{{.*}} {
// CHECK-NEXT:      memref.store
// CHECK-NEXT:    } else {
// CHECK-NEXT:    }
// CHECK-NEXT:    xgrad.sum_over_ranks
func.func @nothing_handed_on(%epoch: index {xgrad.epoch}, %step: index {xgrad.step},
                             %status: memref<5xi64> {xgrad.status}) -> (memref<6xf32> {xgrad.output = "out"}) {
  %buffer = memref.alloc() : memref<6xf32>
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  xgrad.guard %status : memref<5xi64>
  memref.store %one, %buffer[%c0] : memref<6xf32>
  xgrad.sum_over_ranks %buffer, %status : memref<6xf32>, memref<5xi64>
  return %buffer : memref<6xf32>
}
