// RUN: xgrad-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes))'
// The first two graphs fail, hence `not`; the third explains its ranges.
// RUN: not xgrad-opt %s -split-input-file --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes{explain}))' 2>&1 | FileCheck %s --check-prefix=EXPLAIN

// The front ends give iterators their names as NameLocs on the block arguments (Python's
// `Iter("y")`); diagnostics call them by that name instead of by position.

xgrad.graph @named {
  %a = xgrad.input "a" : tensor<?xf32>
  // expected-error @below {{cannot infer the range of iterator `y` of kernel 'up': it is not a plain index of any access}}
  // expected-note @below {{`with_shape` in Python, `withShape` in C++}}
  %k = xgrad.kernel "up" -> tensor<*xf32> {
  ^bb0(%y: index loc("y")):
    %two = arith.constant 2 : index
    %h = arith.divsi %y, %two : index
    // expected-note @below {{considered the read of input 'a'}}
    %v = xgrad.read %a[%h] : tensor<?xf32>
    // expected-note @below {{considered the write}}
    xgrad.accumulate %v at [%y] : f32
  }
}

// -----

xgrad.graph @mismatch {
  %a = xgrad.input "a" : tensor<3xf32>
  %b = xgrad.input "b" : tensor<4xf32>
  %k = xgrad.kernel "add" -> tensor<*xf32> {
  ^bb0(%x: index loc("x")):
    // expected-note @below {{the first extent comes from here}}
    %u = xgrad.read %a[%x] : tensor<3xf32>
    // expected-error @below {{kernel 'add': iterator `x` has extent 3 from dimension 0 of input 'a' but 4 from dimension 0 of input 'b'}}
    %v = xgrad.read %b[%x] : tensor<4xf32>
    %s = arith.addf %u, %v : f32
    xgrad.accumulate %s at [%x] : f32
  }
}

// -----

// EXPLAIN: remark: iterator `row` ranges over 2 from dimension 0 of input 'a'
// EXPLAIN: remark: iterator #1 ranges over 3 from dimension 1 of input 'a'
xgrad.graph @explain {
  %a = xgrad.input "a" : tensor<2x3xf32>
  %k = xgrad.kernel "copy" -> tensor<*xf32> {
  ^bb0(%r: index loc("row"), %c: index):
    %v = xgrad.read %a[%r, %c] : tensor<2x3xf32>
    xgrad.accumulate %v at [%r, %c] : f32
  }
}
