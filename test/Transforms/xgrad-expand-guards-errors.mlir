// RUN: xgrad-opt %s --xgrad-expand-guards -verify-diagnostics

// On tensors (before bufferization) there is no placeholder of the buffers' type to make.
func.func @on_tensors(%x: tensor<?xf32> {xgrad.input = "x"}, %epoch: index {xgrad.epoch},
                      %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status})
    -> (tensor<?xf32> {xgrad.output = "y"}) {
  // expected-error @below {{'xgrad.guard' op guards a function whose results are not all buffers of identity layout (run --xgrad-expand-guards after bufferization), found 'tensor<?xf32>'}}
  xgrad.guard %status : memref<5xi64>
  return %x : tensor<?xf32>
}
