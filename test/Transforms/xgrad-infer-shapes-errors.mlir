// RUN: xgrad-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes))'

// A range nothing determines: `y div 2` is not invertible.
xgrad.graph @unresolvable {
  %a = xgrad.input "a" : tensor<?xf32>
  // expected-error @below {{cannot infer the range of iterator #0 of kernel 'up': it is not a plain index of any access, and no affine index expression determines it}}
  // expected-note @below {{give the result an explicit shape with 'shape(...)' (`with_shape` in Python, `withShape` in C++)}}
  %k = xgrad.kernel "up" -> tensor<*xf32> {
  ^bb0(%y: index):
    %two = arith.constant 2 : index
    %h = arith.divsi %y, %two : index
    // expected-note @below {{considered the read of input 'a'}}
    %v = xgrad.read %a[%h] : tensor<?xf32>
    // expected-note @below {{considered the write}}
    xgrad.accumulate %v at [%y] : f32
  }
}

// -----

// Two static extents of one iterator disagree: a matmul of 2x3 by 4x5.
xgrad.graph @static_conflict {
  %a = xgrad.input "a" : tensor<2x3xf32>
  %b = xgrad.input "b" : tensor<4x5xf32>
  %k = xgrad.kernel "matmul" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index, %it: index):
    // expected-note @below {{the first extent comes from here}}
    %l = xgrad.read %a[%y, %it] : tensor<2x3xf32>
    // expected-error @below {{kernel 'matmul': iterator #2 has extent 3 from dimension 1 of input 'a' but 4 from dimension 0 of input 'b'}}
    %r = xgrad.read %b[%it, %x] : tensor<4x5xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
}

// -----

// An explicit shape gives the written iterator its range (a shorter one is fine: see
// xgrad-infer-shapes.mlir); reads must then stay inside.
xgrad.graph @explicit_shape_past_a_read {
  %a = xgrad.input "a" : tensor<4xf32>
  %c6 = arith.constant 6 : index
  %k = xgrad.kernel "copy" shape(%c6) -> tensor<*xf32> {
  ^bb0(%y: index):
    // expected-error @below {{kernel 'copy': the read of input 'a' at dimension 0 can index past its extent (6 > 4)}}
    %v = xgrad.read %a[%y] : tensor<4xf32>
    xgrad.accumulate %v at [%y] : f32
  }
}

// -----

// A declared result type that contradicts the inferred shape.
xgrad.graph @wrong_declared_type {
  %a = xgrad.input "a" : tensor<4xf32>
  // expected-error @below {{declares the result type 'tensor<5xf32>' but its shape is 'tensor<4xf32>' from the shape of input 'a' (flat write over its elements)}}
  %k = xgrad.kernel "copy" -> tensor<5xf32> {
  ^bb0(%y: index):
    %v = xgrad.read flat %a[%y] : tensor<4xf32>
    xgrad.accumulate %v at flat [%y] : f32
  }
}

// -----

// A statically out-of-bounds read: a[y + 1] over all of a.
xgrad.graph @static_out_of_bounds {
  %a = xgrad.input "a" : tensor<4xf32>
  %b = xgrad.input "b" : tensor<4xf32>
  %k = xgrad.kernel "shift" -> tensor<*xf32> {
  ^bb0(%y: index):
    %one = arith.constant 1 : index
    %y1 = arith.addi %y, %one : index
    %v = xgrad.read %b[%y] : tensor<4xf32>
    // expected-error @below {{kernel 'shift': the read of input 'a' at dimension 0 can index past its extent (5 > 4)}}
    %w = xgrad.read %a[%y1] : tensor<4xf32>
    %s = arith.addf %v, %w : f32
    xgrad.accumulate %s at [%y] : f32
  }
}

// -----

// A negative index: a[y - 1].
xgrad.graph @negative_index {
  %a = xgrad.input "a" : tensor<4xf32>
  %b = xgrad.input "b" : tensor<4xf32>
  %k = xgrad.kernel "shift" -> tensor<*xf32> {
  ^bb0(%y: index):
    %one = arith.constant 1 : index
    %y1 = arith.subi %y, %one : index
    %v = xgrad.read %b[%y] : tensor<4xf32>
    // expected-error @below {{kernel 'shift': the read of input 'a' at dimension 0 can have a negative index (0 > -1)}}
    %w = xgrad.read %a[%y1] : tensor<4xf32>
    %s = arith.addf %v, %w : f32
    xgrad.accumulate %s at [%y] : f32
  }
}

// -----

// A flat write whose shape cannot be known.
xgrad.graph @flat_write_shape {
  %a = xgrad.input "a" : tensor<4xf32>
  %k = xgrad.kernel "flat" -> tensor<*xf32> {
  ^bb0(%y: index):
    %v = xgrad.read %a[%y] : tensor<4xf32>
    // expected-error @below {{cannot infer the result shape of kernel 'flat' from a flat write: its index is not an iterator ranging over a flat read of a ranked tensor; give the result an explicit shape with 'shape(...)' (`with_shape` in Python, `withShape` in C++) or 'like(...)' (`copy_shape` in Python, `copyShape` in C++)}}
    xgrad.accumulate %v at flat [%y] : f32
  }
}

// -----

// A result dimension written at an index computed from a Scalar.
xgrad.graph @unbounded_write {
  %a = xgrad.input "a" : tensor<4xf32>
  %k = xgrad.kernel "scatter" -> tensor<*xf32> {
  ^bb0(%y: index):
    %v = xgrad.read %a[%y] : tensor<4xf32>
    %i = xgrad.to_index %v : f32
    // expected-error @below {{cannot infer dimension 0 of the result of kernel 'scatter': its write index is not bounded by the iterators; give the result an explicit shape with 'shape(...)' (`with_shape` in Python, `withShape` in C++)}}
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

// Shape inference needs ranked inputs.
xgrad.graph @unranked_input {
  // expected-error @below {{needs a ranked type for shape inference, got 'tensor<*xf32>'}}
  %a = xgrad.input "a" : tensor<*xf32>
}

// -----

// A read whose index count does not match the rank the tensor turned out to have.
xgrad.graph @rank_after_inference {
  %a = xgrad.input "a" : tensor<?x2xf32>
  %k = xgrad.kernel "copy" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index):
    %v = xgrad.read %a[%y, %x] : tensor<?x2xf32>
    xgrad.accumulate %v at [%y, %x] : f32
  }
  %l = xgrad.kernel "bad" -> tensor<*xf32> {
  ^bb0(%y: index):
    // expected-error @below {{expects 2 indices for a tensor of type 'tensor<?x2xf32>', got 1}}
    %v = xgrad.read %k[%y] : tensor<*xf32>
    xgrad.accumulate %v at [%y] : f32
  }
}

// -----

// Extents compare even when dynamic: `shifted` ranges over len(a) + 2 and reads a[y + 1].
xgrad.graph @shifted_past_dynamic_extent {
  %a = xgrad.input "a" : tensor<?xf32>
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
    // expected-error @below {{kernel 'shifted': the read of input 'a' at dimension 0 can index past its extent (by 3)}}
    %v = xgrad.read %a[%y1] : tensor<?xf32>
    xgrad.accumulate %v at [%y] : f32
  }
}

// -----

// The issue's reproducer: explicit bounds one past a dynamic extent are rejected by the
// verifier (they used to verify and read past the end), not turned into a check that always
// fails.
xgrad.graph @explicit_bounds_plus_one {
  %a = xgrad.input "a" : tensor<?xf32>
  %n = xgrad.dim %a[0] : tensor<?xf32>
  %c1 = arith.constant 1 : index
  %n1 = arith.addi %n, %c1 : index
  %k = xgrad.kernel "k" bounds(%n1) -> tensor<*xf32> {
  ^bb0(%i: index):
    // expected-error @below {{kernel 'k': the read of input 'a' at dimension 0 leaves its extent by 1 when iterator #0 reaches its bound}}
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

// A constant write index at the end of the index range: the extent would be 2^63.
xgrad.graph @extent_overflow {
  %x = xgrad.input "x" : tensor<?xf32>
  %k = xgrad.kernel "last" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %c = arith.constant 9223372036854775807 : index
    // expected-error @below {{cannot infer dimension 0 of the result of kernel 'last': its largest write index is 9223372036854775807, so its extent would overflow a 64-bit integer}}
    xgrad.accumulate %v at [%c] : f32
  }
}

// -----

// Two extents whose product overflows: 2^32 x 2^32 elements.
xgrad.graph @count_overflow {
  %x = xgrad.input "x" : tensor<?xf32>
  // expected-error @below {{cannot have a result of that many elements: dimension 1 of kernel 'grid' from the write indices makes the element count overflow a 64-bit integer}}
  %k = xgrad.kernel "grid" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %c = arith.constant 4294967295 : index
    xgrad.accumulate %v at [%c, %c] : f32
  }
}

// -----

// A check that fails whatever the inputs (a front end's requirement on static extents) is
// an error at compile time, in its own words.
xgrad.graph @failing_check {
  %x = xgrad.input "x" : tensor<36xf32>
  %n = xgrad.len %x : tensor<36xf32>
  %c42 = arith.constant 42 : index
  // expected-error @below {{reshape of input 'x' to [6, 7]: 36 elements, not 42}}
  xgrad.check eq %n, %c42, "reshape of input 'x' to [6, 7]: {lhs} elements, not {rhs}" for "reshape"
  %r = xgrad.kernel "reshape" shape(%c42) -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read flat %x[%i] : tensor<36xf32>
    xgrad.accumulate %v at flat [%i] : f32
  }
}
