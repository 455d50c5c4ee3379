// Exprgrad README's XOR model built from layers:
//   input("x").dense(2, 4).leakyRelu()      # 1st layer (leak 0.01, dnn.nim's default)
//     .dense(4, 1).sigmoid()                # 2nd layer
//     .target("predict")
//     .mse(input("y")).target("loss")       # sq(a{it} - b{it}) / toScalar(a.shape[0])
//     .backprop(gradientDescent.makeOpt(rate=0.1)).target("train")
xgrad.graph @xor_layers {
  %x = xgrad.input "x" : tensor<?x2xf32>
  %y = xgrad.input "y" : tensor<?x1xf32>
  %w1 = xgrad.param "dense.weights" uniform [-0.1, 0.1] seed 21 : tensor<2x4xf32>
  %b1 = xgrad.param "dense.bias" uniform [-0.1, 0.1] seed 22 : tensor<4xf32>
  %w2 = xgrad.param "dense2.weights" uniform [-0.1, 0.1] seed 23 : tensor<4x1xf32>
  %b2 = xgrad.param "dense2.bias" uniform [-0.1, 0.1] seed 24 : tensor<1xf32>
  // dense: result[y, x] ++= values[y, it] * weights[it, x] | (x, y, it)
  %d1 = xgrad.kernel "dense" -> tensor<*xf32> {
  ^bb0(%j: index, %i: index, %it: index):
    %a = xgrad.read %x[%i, %it] : tensor<?x2xf32>
    %b = xgrad.read %w1[%it, %j] : tensor<2x4xf32>
    %p = arith.mulf %a, %b : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  // result[y, x] ++= bias[x] | (y, x)
  %h = xgrad.kernel "dense.bias" init(%d1 : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %b = xgrad.read %b1[%j] : tensor<4xf32>
    xgrad.accumulate %b at [%i, %j] : f32
  }
  // leakyRelu: result{it} ++= select(inp{it} >= 0.0, 1.0, leak) * inp{it} | it
  %relu = xgrad.kernel "leakyRelu" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %h[%it] : tensor<*xf32>
    %zero = arith.constant 0.0 : f32
    %one = arith.constant 1.0 : f32
    %leak = arith.constant 0.01 : f32
    %c = arith.cmpf oge, %v, %zero : f32
    %s = arith.select %c, %one, %leak : f32
    %r = arith.mulf %s, %v : f32
    xgrad.accumulate %r at flat [%it] : f32
  }
  %d2 = xgrad.kernel "dense2" -> tensor<*xf32> {
  ^bb0(%j: index, %i: index, %it: index):
    %a = xgrad.read %relu[%i, %it] : tensor<*xf32>
    %b = xgrad.read %w2[%it, %j] : tensor<4x1xf32>
    %p = arith.mulf %a, %b : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  %o = xgrad.kernel "dense2.bias" init(%d2 : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %b = xgrad.read %b2[%j] : tensor<1xf32>
    xgrad.accumulate %b at [%i, %j] : f32
  }
  // sigmoid: result{it} ++= 1.0 / (1.0 + exp(-inp{it})) | it
  %pred = xgrad.kernel "sigmoid" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %o[%it] : tensor<*xf32>
    %one = arith.constant 1.0 : f32
    %n = arith.negf %v : f32
    %e = math.exp %n : f32
    %d = arith.addf %one, %e : f32
    %q = arith.divf %one, %d : f32
    xgrad.accumulate %q at flat [%it] : f32
  }
  xgrad.target "predict" %pred : tensor<*xf32>
  // mse: result[0] ++= sq(a{it} - b{it}) / toScalar(a.shape[0]) | it
  %loss = xgrad.kernel "mse" -> tensor<*xf32> {
  ^bb0(%it: index):
    %a = xgrad.read flat %pred[%it] : tensor<*xf32>
    %b = xgrad.read flat %y[%it] : tensor<?x1xf32>
    %d = arith.subf %a, %b : f32
    %sq = arith.mulf %d, %d : f32
    %rows = xgrad.dim %pred[0] : tensor<*xf32>
    %n = xgrad.to_scalar %rows : index to f32
    %q = arith.divf %sq, %n : f32
    %zero = arith.constant 0 : index
    xgrad.accumulate %q at [%zero] : f32
  }
  xgrad.target "loss" %loss : tensor<*xf32>
  // gradientDescent: param{it} ++= -grad{it} * rate | it
  %train = xgrad.backprop %loss : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>):
    %new = xgrad.kernel "gradientDescent" init(%param : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %g = xgrad.read flat %grad[%it] : tensor<*xf32>
      %n = arith.negf %g : f32
      %rate = arith.constant 0.1 : f32
      %step = arith.mulf %n, %rate : f32
      xgrad.accumulate %step at flat [%it] : f32
    }
    xgrad.yield %new : tensor<*xf32>
  }
  xgrad.target "train" %train : tensor<*xf32>
}
