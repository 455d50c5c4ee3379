// RUN: xgrad-opt %s -split-input-file -verify-diagnostics

xgrad.graph @duplicate_input {
  // expected-note @below {{first declared here}}
  %a = xgrad.input "x" : tensor<?xf32>
  // expected-error @below {{duplicate input name 'x'}}
  %b = xgrad.input "x" : tensor<?xf32>
}

// -----

xgrad.graph @duplicate_target {
  %a = xgrad.input "x" : tensor<?xf32>
  // expected-note @below {{first declared here}}
  xgrad.target "t" %a : tensor<?xf32>
  // expected-error @below {{duplicate target name 't'}}
  xgrad.target "t" %a : tensor<?xf32>
}

// -----

xgrad.graph @duplicate_param {
  // expected-note @below {{first declared here}}
  %a = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
  // expected-error @below {{duplicate parameter name 'w'}}
  %b = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
}

// -----

xgrad.graph @cache_named_like_param {
  // expected-note @below {{the parameter is declared here}}
  %w = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
  // expected-error @below {{uses the name 'w' of a parameter; caches and parameters share one namespace}}
  %c = xgrad.cached "w" : tensor<2xf32>
}

// -----

xgrad.graph @empty_name {
  // expected-error @below {{expects a non-empty input name}}
  %a = xgrad.input "" : tensor<?xf32>
}

// -----

xgrad.graph @dynamic_param {
  // expected-error @below {{expects a static shape for parameter 'w', got 'tensor<?x4xf32>'}}
  %w = xgrad.param "w" zeros [] seed 0 : tensor<?x4xf32>
}

// -----

xgrad.graph @init_args {
  // expected-error @below {{initializer 'uniform' expects 2 arguments [low, high], got 1}}
  %w = xgrad.param "w" uniform [0.1] seed 0 : tensor<4xf32>
}

// -----

xgrad.graph @uniform_order {
  // expected-error @below {{uniform initializer expects low < high, got [1.000000e+00, 0.000000e+00]}}
  %w = xgrad.param "w" uniform [1.0, 0.0] seed 0 : tensor<4xf32>
}

// -----

xgrad.graph @normal_stddev {
  // expected-error @below {{normal initializer expects stddev > 0, got 0}}
  %w = xgrad.param "w" normal [0.0, 0.0] seed 0 : tensor<4xf32>
}

// -----

xgrad.graph @non_float_tensor {
  // expected-error @below {{result #0 must be tensor of floating-point values, but got 'tensor<4xi32>'}}
  %a = "xgrad.input"() <{input_name = "x"}> : () -> tensor<4xi32>
}

// -----

xgrad.graph @wrong_index_count {
  %a = xgrad.input "a" : tensor<?x2xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    // expected-error @below {{expects 2 indices for a tensor of type 'tensor<?x2xf32>', got 1}}
    %v = xgrad.read %a[%i] : tensor<?x2xf32>
    xgrad.accumulate %v at flat [%i] : f32
  }
}

// -----

xgrad.graph @flat_read_two_indices {
  %a = xgrad.input "a" : tensor<?x2xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    // expected-error @below {{expects one linear index for a flat access, got 2}}
    %v = xgrad.read flat %a[%i, %j] : tensor<?x2xf32>
    xgrad.accumulate %v at flat [%i] : f32
  }
}

// -----

xgrad.graph @scalar_as_index {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %s = arith.constant 1.0 : f32
    // expected-error @below {{operand #1 must be variadic of index, but got 'f32'}}
    %v = "xgrad.read"(%a, %s) : (tensor<?xf32>, f32) -> f32
    xgrad.accumulate %v at flat [%i] : f32
  }
}

// -----

xgrad.graph @scalar_iterator {
  // expected-error @below {{expects iterator #0 to be of type 'index', got 'f32'}}
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: f32, %j: index):
    xgrad.accumulate %i at flat [%j] : f32
  }
}

// -----

// The accumulate is the body's terminator.
xgrad.graph @no_accumulate {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    // expected-error @below {{block with no terminator}}
    %v = xgrad.read %a[%i] : tensor<?xf32>
  }
}

// -----

xgrad.graph @two_accumulates {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    // expected-error @below {{'xgrad.accumulate' op must be the last operation in the parent block}}
    xgrad.accumulate %v at flat [%i] : f32
    xgrad.accumulate %v at flat [%i] : f32
  }
}

// -----

xgrad.graph @accumulate_not_last {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    // expected-error @below {{'xgrad.accumulate' op must be the last operation in the parent block}}
    xgrad.accumulate %v at flat [%i] : f32
    %w = xgrad.read %a[%i] : tensor<?xf32>
  }
}

// -----

xgrad.graph @accumulate_type {
  %a = xgrad.input "a" : tensor<?xf64>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf64>
    // expected-error @below {{expects a value of the result's element type 'f32', got 'f64'}}
    xgrad.accumulate %v at flat [%i] : f64
  }
}

// -----

xgrad.graph @accumulate_rank {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<?x?xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    // expected-error @below {{expects 2 indices for a result of type 'tensor<?x?xf32>', got 1}}
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

xgrad.graph @accumulate_flat_two {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    // expected-error @below {{expects one linear index for a flat access, got 2}}
    xgrad.accumulate %v at flat [%i, %i] : f32
  }
}

// -----

xgrad.graph @bounds_count {
  %a = xgrad.input "a" : tensor<?xf32>
  %c = arith.constant 2 : index
  // expected-error @below {{expects one bound per iterator (1), got 2}}
  %k = xgrad.kernel bounds(%c, %c) -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at flat [%i] : f32
  }
}

// -----

xgrad.graph @shape_count {
  %a = xgrad.input "a" : tensor<?xf32>
  %c = arith.constant 2 : index
  // expected-error @below {{expects one shape value per result dimension (1), got 2}}
  %k = xgrad.kernel shape(%c, %c) -> tensor<?xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

xgrad.graph @shape_and_like {
  %a = xgrad.input "a" : tensor<?xf32>
  %c = arith.constant 2 : index
  // expected-error @below {{expects at most one of 'shape' (withShape) and 'like' (copyShape)}}
  %k = xgrad.kernel shape(%c) like(%a : tensor<?xf32>) -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at flat [%i] : f32
  }
}

// -----

xgrad.graph @like_rank {
  %a = xgrad.input "a" : tensor<?xf32>
  // expected-error @below {{expects the result to have the rank of 'like' (1), got 'tensor<?x?xf32>'}}
  %k = xgrad.kernel like(%a : tensor<?xf32>) -> tensor<?x?xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at flat [%i] : f32
  }
}

// -----

xgrad.graph @init_type {
  %a = xgrad.input "a" : tensor<3xf32>
  // expected-error @below {{expects the init tensor to have the result type 'tensor<4xf32>', got 'tensor<3xf32>'}}
  %k = xgrad.kernel init(%a : tensor<3xf32>) -> tensor<4xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<3xf32>
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

xgrad.graph @grad_region_args {
  %a = xgrad.input "a" : tensor<?xf32>
  // expected-error @below {{expects the custom gradient region to take two tensors of 'f32': the kernel's result and the gradient of the result}}
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at flat [%i] : f32
  } grad {
  ^bb0(%g: tensor<*xf32>):
    xgrad.grad_yield %g for %a : tensor<*xf32> for tensor<?xf32>
  }
}

// -----

xgrad.graph @grad_region_end {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at flat [%i] : f32
  } grad {
  ^bb0(%r: tensor<*xf32>, %g: tensor<*xf32>):
    // expected-error @below {{block with no terminator}}
    %z = arith.constant 0.0 : f32
  }
}

// -----

xgrad.graph @grad_yield_count {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at flat [%i] : f32
  } grad {
  ^bb0(%r: tensor<*xf32>, %g: tensor<*xf32>):
    // expected-error @below {{expects one gradient per value, got 2 gradients for 1 values}}
    "xgrad.grad_yield"(%g, %g, %a) <{operandSegmentSizes = array<i32: 2, 1>}> : (tensor<*xf32>, tensor<*xf32>, tensor<?xf32>) -> ()
  }
}

// -----

xgrad.graph @grad_yield_type {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at flat [%i] : f32
  } grad {
  ^bb0(%r: tensor<*xf32>, %g: tensor<*xf32>):
    %c = arith.constant dense<0.0> : tensor<2xf64>
    // expected-error @below {{expects a gradient of type 'tensor<?xf32>', got 'tensor<2xf64>'}}
    xgrad.grad_yield %c for %a : tensor<2xf64> for tensor<?xf32>
  }
}

// -----

xgrad.graph @accumulate_in_grad {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at flat [%i] : f32
  } grad {
  ^bb0(%r: tensor<*xf32>, %g: tensor<*xf32>):
    %c = arith.constant 0 : index
    %z = arith.constant 0.0 : f32
    // expected-error @below {{expects to be in the kernel body, not its custom gradient region}}
    xgrad.accumulate %z at flat [%c] : f32
  }
}

// -----

xgrad.graph @grad_yield_in_body {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    // expected-error @below {{expects to be in the kernel's custom gradient region}}
    xgrad.grad_yield %a for %a : tensor<?xf32> for tensor<?xf32>
  }
}

// -----

xgrad.graph @optimizer_args {
  %a = xgrad.input "a" : tensor<?xf32>
  // expected-error @below {{expects the optimizer region to take (parameter, gradient, one tensor per state name): 3 arguments, got 2}}
  %t = xgrad.backprop %a state ["m"] : tensor<?xf32> optimizer {
  ^bb0(%p: tensor<*xf32>, %g: tensor<*xf32>):
    xgrad.yield %p : tensor<*xf32>
  }
}

// -----

xgrad.graph @optimizer_ranked_arg {
  %a = xgrad.input "a" : tensor<?xf32>
  // expected-error @below {{expects optimizer argument #1 to be 'tensor<*xf32>' (the region is generic over parameter shapes), got 'tensor<4xf32>'}}
  %t = xgrad.backprop %a : tensor<?xf32> optimizer {
  ^bb0(%p: tensor<*xf32>, %g: tensor<4xf32>):
    xgrad.yield %p : tensor<*xf32>
  }
}

// -----

xgrad.graph @optimizer_yield_count {
  %a = xgrad.input "a" : tensor<?xf32>
  %t = xgrad.backprop %a state ["m"] : tensor<?xf32> optimizer {
  ^bb0(%p: tensor<*xf32>, %g: tensor<*xf32>, %m: tensor<*xf32>):
    // expected-error @below {{expects the new parameter and the new state values: 2 values, got 1}}
    xgrad.yield %p : tensor<*xf32>
  }
}

// -----

xgrad.graph @optimizer_yield_type {
  %a = xgrad.input "a" : tensor<?xf32>
  %t = xgrad.backprop %a : tensor<?xf32> optimizer {
  ^bb0(%p: tensor<*xf32>, %g: tensor<*xf32>):
    %c = arith.constant dense<0.0> : tensor<2xf64>
    // expected-error @below {{expects value #0 to have element type 'f32', got 'tensor<2xf64>'}}
    xgrad.yield %c : tensor<2xf64>
  }
}

// -----

xgrad.graph @optimizer_terminator {
  %a = xgrad.input "a" : tensor<?xf32>
  %t = "xgrad.backprop"(%a) ({
  ^bb0(%p: tensor<*xf32>, %g: tensor<*xf32>):
    // expected-error @below {{block with no terminator}}
    %z = arith.constant 0.0 : f32
  }) : (tensor<?xf32>) -> tensor<?xf32>
}

// -----

xgrad.graph @dim_range {
  %a = xgrad.input "a" : tensor<?x2xf32>
  // expected-error @below {{expects a dimension in [0, 2), got 2}}
  %d = xgrad.dim %a[2] : tensor<?x2xf32>
}

// -----

xgrad.graph @bool_plus_scalar {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    %s = xgrad.to_scalar %i : index to f32
    // expected-error @below {{'arith.addf' op operand #0 must be floating-point-like, but got 'index'}}
    %w = "arith.addf"(%i, %v) : (index, f32) -> f32
    xgrad.accumulate %w at flat [%i] : f32
  }
}

// -----

// expected-error @below {{'xgrad.input' op expects parent op 'xgrad.graph'}}
%a = xgrad.input "a" : tensor<?xf32>

// -----

xgrad.graph @epoch_outside_kernel {
  // expected-error @below {{'xgrad.epoch' op expects parent op 'xgrad.kernel'}}
  %e = xgrad.epoch
}

// -----

// Bounds given explicitly are verified: reading 5 elements of a tensor of 4.
xgrad.graph @explicit_bounds_past_static_extent {
  %a = xgrad.input "a" : tensor<4xf32>
  %c5 = arith.constant 5 : index
  %k = xgrad.kernel "k" shape(%c5) bounds(%c5) -> tensor<5xf32> {
  ^bb0(%i: index):
    // expected-error @below {{kernel 'k': the read of input 'a' at dimension 0 leaves its extent by 1 when iterator #0 reaches its bound (index 4, extent 4)}}
    %v = xgrad.read %a[%i] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

// `bounds(dim + 1)` over a dynamic extent leaves it whatever the extent is.
xgrad.graph @explicit_bounds_past_dynamic_extent {
  %a = xgrad.input "a" : tensor<?xf32>
  %n = xgrad.dim %a[0] : tensor<?xf32>
  %c1 = arith.constant 1 : index
  %n1 = arith.addi %n, %c1 : index
  %k = xgrad.kernel "k" shape(%n1) bounds(%n1) -> tensor<?xf32> {
  ^bb0(%i: index):
    // expected-error @below {{kernel 'k': the read of input 'a' at dimension 0 leaves its extent by 1 when iterator #0 reaches its bound}}
    %v = xgrad.read %a[%i] : tensor<?xf32>
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

// Affine indices: `2 * i + j` over bounds (3, 2) reaches 5 in a tensor of 5.
xgrad.graph @explicit_bounds_affine {
  %a = xgrad.input "a" : tensor<5xf32>
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %k = xgrad.kernel "strided" shape(%c3) bounds(%c3, %c2) -> tensor<3xf32> {
  ^bb0(%i: index, %j: index):
    %i2 = arith.muli %i, %c2 : index
    %ij = arith.addi %i2, %j : index
    // expected-error @below {{kernel 'strided': the read of input 'a' at dimension 0 leaves its extent by 1 when iterators #0 and #1 reach their bounds (index 5, extent 5)}}
    %v = xgrad.read %a[%ij] : tensor<5xf32>
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

xgrad.graph @explicit_bounds_negative {
  %a = xgrad.input "a" : tensor<4xf32>
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %k = xgrad.kernel "k" shape(%c4) bounds(%c4) -> tensor<4xf32> {
  ^bb0(%i: index):
    %j = arith.subi %i, %c1 : index
    // expected-error @below {{kernel 'k': the read of input 'a' at dimension 0 has the negative index -1 when iterator #0 is 0}}
    %v = xgrad.read %a[%j] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

// The write is verified against the result's shape.
xgrad.graph @explicit_bounds_write {
  %a = xgrad.input "a" : tensor<4xf32>
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %k = xgrad.kernel "k" shape(%c3) bounds(%c4) -> tensor<3xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<4xf32>
    // expected-error @below {{kernel 'k': the write at dimension 0 leaves its extent by 1 when iterator #0 reaches its bound (index 3, extent 3)}}
    xgrad.accumulate %v at [%i] : f32
  }
}

// -----

xgrad.graph @array_of_mixed_types {
  %k = xgrad.kernel "k" -> tensor<*xf32> {
  ^bb0(%i: index):
    %a = arith.constant 1.0 : f32
    %b = arith.constant 2.0 : f64
    // expected-error @below {{'xgrad.array' op expects elements of one type, 'f32', but element #1 is 'f64'}}
    %t = xgrad.array [%a, %b] : f32, f64 -> !xgrad.array<2, f32>
    %c0 = arith.constant 0 : index
    %e = xgrad.array_read %t[%c0] : !xgrad.array<2, f32>
    xgrad.accumulate %e at [%i] : f32
  }
}

// -----

xgrad.graph @array_of_the_wrong_length {
  %k = xgrad.kernel "k" -> tensor<*xf32> {
  ^bb0(%i: index):
    %a = arith.constant 1.0 : f32
    // expected-error @below {{'xgrad.array' op builds an array of 2 from 1 elements}}
    %t = xgrad.array [%a] : f32 -> !xgrad.array<2, f32>
    %c0 = arith.constant 0 : index
    %e = xgrad.array_read %t[%c0] : !xgrad.array<2, f32>
    xgrad.accumulate %e at [%i] : f32
  }
}

// -----

xgrad.graph @array_read_past_the_end {
  %k = xgrad.kernel "k" -> tensor<*xf32> {
  ^bb0(%i: index):
    %a = arith.constant 1.0 : f32
    %t = xgrad.array [%a, %a] : f32, f32 -> !xgrad.array<2, f32>
    %c2 = arith.constant 2 : index
    // expected-error @below {{'xgrad.array_read' op reads element 2 of an array of 2}}
    %e = xgrad.array_read %t[%c2] : !xgrad.array<2, f32>
    xgrad.accumulate %e at [%i] : f32
  }
}

// -----

// expected-error @below {{an array holds at least one element, not 0}}
func.func private @empty_array() -> !xgrad.array<0, f32>

// -----

// expected-error @below {{an array holds Scalars (a float type) or Indexes, not 'i1'}}
func.func private @array_of_booleans() -> !xgrad.array<2, i1>

// -----

// expected-error @below {{an array literal holds at most 65536 elements, not 1000000000000}}
func.func private @huge_array() -> !xgrad.array<1000000000000, f32>

// -----

xgrad.graph @gradients_per_parameter {
  %w = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
  %v = xgrad.param "v" zeros [] seed 0 : tensor<3xf32>
  // expected-error @below {{'xgrad.update' op expects one gradient per parameter it updates, got 1 for 2}}
  %s = xgrad.update %w : tensor<2xf32> state(%w, %v : tensor<2xf32>, tensor<3xf32>) to(%w, %v : tensor<2xf32>, tensor<3xf32>) gradients(%w : tensor<2xf32>)
}

// -----

xgrad.graph @gradient_type {
  %w = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
  %g = xgrad.param "g" zeros [] seed 0 : tensor<3xf32>
  // expected-error @below {{'xgrad.update' op expects the gradient of parameter 'w' to have its type 'tensor<2xf32>', got 'tensor<3xf32>'}}
  %s = xgrad.update %w : tensor<2xf32> state(%w : tensor<2xf32>) to(%w : tensor<2xf32>) gradients(%g : tensor<3xf32>)
}

// -----

xgrad.graph @one_buffer_one_type {
  %a = xgrad.param "a" zeros [] seed 0 : tensor<2xf32>
  %b = xgrad.param "b" zeros [] seed 0 : tensor<2xf64>
  // expected-error @below {{'xgrad.all_reduce' op expects one element type for all gradients (they travel in one buffer), got 'f32' and 'f64'}}
  %r:2 = xgrad.all_reduce %a, %b : tensor<2xf32>, tensor<2xf64>
}

// -----

xgrad.graph @nothing_to_reduce {
  // expected-error @below {{'xgrad.all_reduce' op expects at least one gradient}}
  "xgrad.all_reduce"() <{operandSegmentSizes = array<i32: 0, 0>}> : () -> ()
}

// -----

func.func @no_room_for_the_verdict(%buffer: memref<0xf32>, %epoch: index {xgrad.epoch},
                                   %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status}) {
  // expected-error @below {{'xgrad.sum_over_ranks' op needs a buffer with room for the verdict, its last element}}
  xgrad.sum_over_ranks %buffer, %status : memref<0xf32>, memref<5xi64>
  return
}

// -----

func.func @not_the_status(%buffer: memref<4xf32>, %other: memref<5xi64>, %epoch: index {xgrad.epoch},
                          %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status}) {
  // expected-error @below {{'xgrad.sum_over_ranks' op must share the function's {xgrad.status} argument}}
  xgrad.sum_over_ranks %buffer, %other : memref<4xf32>, memref<5xi64>
  return
}
