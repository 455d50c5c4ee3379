// A cached value persists between calls: one target stores it, another reads it later.
// RUN: xgrad-run %s --train remember --epochs 1 --target recall --input x=3:1,2,3 | FileCheck %s
// CHECK: recall: 3xf32
// CHECK-NEXT: [2, 4, 6]
// Before anything was stored, the cache holds zeros.
// RUN: xgrad-run %s --target recall | FileCheck %s --check-prefix=EMPTY
// EMPTY: recall: 3xf32
// EMPTY-NEXT: [0, 0, 0]

xgrad.graph @cache {
  %x = xgrad.input "x" : tensor<3xf32>
  %seen = xgrad.cached "seen" : tensor<3xf32>
  %double = xgrad.kernel "double" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<3xf32>
    %d = arith.addf %v, %v : f32
    xgrad.accumulate %d at [%i] : f32
  }
  xgrad.cache "seen" %double : tensor<*xf32>
  xgrad.target "remember" %double : tensor<*xf32>
  %copy = xgrad.kernel "copy" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %seen[%i] : tensor<3xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "recall" %copy : tensor<*xf32>
}
