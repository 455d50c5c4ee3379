// RUN: xgrad-opt %s -split-input-file -verify-diagnostics

// expected-error @below {{'xgrad.input' on argument #0: expected a ranked tensor or memref, found 'f32'}}
func.func @input_not_a_tensor(%a: f32 {xgrad.input = "x"}) {
  return
}

// -----

// expected-error @below {{'xgrad.input' on argument #0: expected a ranked tensor or memref, found 'tensor<*xf32>'}}
func.func @input_unranked(%a: tensor<*xf32> {xgrad.input = "x"}) {
  return
}

// -----

// expected-error @below {{'xgrad.input' must be the value's name (a string)}}
func.func @input_without_name(%a: tensor<?xf32> {xgrad.input}) {
  return
}

// -----

// expected-error @below {{'xgrad.state' must be the value's name (a string)}}
func.func @state_name_not_a_string(%a: tensor<2xf32> {xgrad.state = 3 : i64}) {
  return
}

// -----

// expected-error @below {{'xgrad.epoch' on argument #0: expected index or i64, found 'f32'}}
func.func @epoch_not_an_integer(%e: f32 {xgrad.epoch}) {
  return
}

// -----

// expected-error @below {{'xgrad.step' must be a unit attribute}}
func.func @step_with_value(%s: index {xgrad.step = "s"}) {
  return
}

// -----

// expected-error @below {{'xgrad.step' on argument #0: argument #1 carries it too}}
func.func @two_steps(%s: index {xgrad.step}, %t: index {xgrad.step}) {
  return
}

// -----

// expected-error @below {{'xgrad.status' on argument #0: expected 'memref<5xi64>', found 'memref<3xi64>'}}
func.func @status_wrong_type(%s: memref<3xi64> {xgrad.status}) {
  return
}

// -----

// expected-error @below {{'xgrad.inputs' is not an xgrad argument attribute}}
func.func @unknown_argument_attribute(%a: tensor<?xf32> {xgrad.inputs = "x"}) {
  return
}

// -----

// expected-error @below {{'xgrad.output' is not an xgrad argument attribute}}
func.func @output_on_an_argument(%a: tensor<?xf32> {xgrad.output = "x"}) {
  return
}

// -----

// expected-error @below {{'xgrad.output' on result #0: expected a ranked tensor or memref, found 'index'}}
func.func @output_not_a_tensor() -> (index {xgrad.output = "t"}) {
  %c0 = arith.constant 0 : index
  return %c0 : index
}

// -----

// expected-error @below {{'xgrad.output' must be the value's name (a string)}}
func.func @output_without_name(%a: tensor<2xf32>) -> (tensor<2xf32> {xgrad.output}) {
  return %a : tensor<2xf32>
}

// -----

// expected-error @below {{'xgrad.epoch' is not an xgrad result attribute}}
func.func @epoch_on_a_result(%a: index) -> (index {xgrad.epoch}) {
  return %a : index
}

// -----

// expected-error @below {{'xgrad.messages' must list strings, found 3 : i64}}
module attributes {xgrad.messages = ["ok", 3]} {
}

// -----

// expected-error @below {{'xgrad.messages' is only valid on a builtin.module}}
func.func @messages_on_a_function() attributes {xgrad.messages = []} {
  return
}

// -----

// expected-error @below {{'xgrad.status' belongs on a function's arguments or results, not on an op}}
func.func @status_on_an_op() attributes {xgrad.status} {
  return
}

// -----

// expected-error @below {{'xgrad.state.g' must be an array}}
module attributes {xgrad.state.g = {name = "w"}} {
}

// -----

// expected-error @below {{needs a tensor type 'type'}}
module attributes {xgrad.state.g = [{args = array<f64>, init = "zeros", name = "w", seed = 0 : i64, type = f32}]} {
}

// -----

// expected-error @below {{needs an initializer name 'init'}}
module attributes {xgrad.state.g = [{args = array<f64>, init = "gaussian", name = "w", seed = 0 : i64, type = tensor<2xf32>}]} {
}

// -----

// expected-error @below {{needs an f64 array 'args'}}
module attributes {xgrad.state.g = [{args = [1.0], init = "constant", name = "w", seed = 0 : i64, type = tensor<2xf32>}]} {
}

// -----

// expected-error @below {{needs an i64 'seed'}}
module attributes {xgrad.state.g = [{args = array<f64>, init = "zeros", name = "w", seed = 0 : i32, type = tensor<2xf32>}]} {
}

// -----

// expected-error @below {{needs a non-empty string 'name'}}
module attributes {xgrad.state.g = [{args = array<f64>, init = "zeros", name = "", seed = 0 : i64, type = tensor<2xf32>}]} {
}

// -----

// expected-error @below {{must have exactly the entries name, type, init, args and seed}}
module attributes {xgrad.state.g = [{args = array<f64>, init = "zeros", name = "w", type = tensor<2xf32>}]} {
}

// -----

func.func @guard_on_another_buffer(%x: memref<5xi64>, %e: index {xgrad.epoch},
                                   %s: index {xgrad.step}, %status: memref<5xi64> {xgrad.status}) {
  // expected-error @below {{'xgrad.guard' op must guard on the function's {xgrad.status} argument}}
  xgrad.guard %x : memref<5xi64>
  return
}

// -----

func.func @guard_nested(%e: index {xgrad.epoch}, %s: index {xgrad.step},
                        %status: memref<5xi64> {xgrad.status}, %c: i1) {
  scf.if %c {
    // expected-error @below {{'xgrad.guard' op must be directly in the body of a function}}
    xgrad.guard %status : memref<5xi64>
  }
  return
}
