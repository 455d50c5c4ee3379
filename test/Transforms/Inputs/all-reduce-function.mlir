// A training step's gradients after --xgrad-data-parallel and --xgrad-materialize-targets:
// a rank-2 gradient and the loss, weighted by the rows of `x`.
func.func @step(%x: tensor<?x3xf32> {xgrad.input = "x"}, %g: tensor<2x3xf32> {xgrad.state = "g"}, %loss: tensor<1xf32> {xgrad.state = "loss"}, %epoch: index {xgrad.epoch}, %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status}) -> (tensor<2x3xf32> {xgrad.output = "out"}, tensor<1xf32> {xgrad.state = "loss"}) {
  %c0 = arith.constant 0 : index
  %r:2 = xgrad.all_reduce %g, %loss : tensor<2x3xf32>, tensor<1xf32> mean over %x : tensor<?x3xf32>
  return %r#0, %r#1 : tensor<2x3xf32>, tensor<1xf32>
}

// A summed loss: no weights, no division.
func.func @summed(%g: tensor<4xf32> {xgrad.state = "g"}, %epoch: index {xgrad.epoch}, %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status}) -> (tensor<4xf32> {xgrad.output = "out"}) {
  %r = xgrad.all_reduce %g : tensor<4xf32>
  return %r : tensor<4xf32>
}
