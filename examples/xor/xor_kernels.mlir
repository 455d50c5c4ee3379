// Exprgrad README's XOR model written in kernels, with its hand-written optimizer:
//   hidden*[y, x] ++= input("x")[y, it] * param([2, 4])[it, x] | (y, x, it)
//   hidden[y, x] ++= param([4])[x] | (y, x)
//   hiddenRelu*{it} ++= select(hidden{it} <= 0.0, 0.1 * hidden{it}, hidden{it}) | it
//   output*[y, x] ++= hiddenRelu[y, it] * param([4, 1])[it, x] | (y, x, it)
//   output[y, x] ++= param([1])[x] | (y, x)
//   outputSigmoid*{it} ++= 1.0 / (1.0 + exp(-output{it})) | it
//   loss*[0] ++= sq(pred{it} - input("y"){it}) | it
//   proc optim(param: var Fun, grad: Fun) = param{it} ++= -0.1 * grad{it} | it
xgrad.graph @xor {
  %x = xgrad.input "x" : tensor<?x2xf32>
  %y = xgrad.input "y" : tensor<?x1xf32>
  %w1 = xgrad.param "w1" uniform [-0.1, 0.1] seed 21 : tensor<2x4xf32>
  %b1 = xgrad.param "b1" uniform [-0.1, 0.1] seed 22 : tensor<4xf32>
  %w2 = xgrad.param "w2" uniform [-0.1, 0.1] seed 23 : tensor<4x1xf32>
  %b2 = xgrad.param "b2" uniform [-0.1, 0.1] seed 24 : tensor<1xf32>
  %h0 = xgrad.kernel "hidden" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index, %it: index):
    %a = xgrad.read %x[%i, %it] : tensor<?x2xf32>
    %b = xgrad.read %w1[%it, %j] : tensor<2x4xf32>
    %p = arith.mulf %a, %b : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  %h = xgrad.kernel "hidden.bias" init(%h0 : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %b = xgrad.read %b1[%j] : tensor<4xf32>
    xgrad.accumulate %b at [%i, %j] : f32
  }
  %relu = xgrad.kernel "hiddenRelu" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %h[%it] : tensor<*xf32>
    %z = arith.constant 0.0 : f32
    %c = arith.cmpf ole, %v, %z : f32
    %l = arith.constant 0.1 : f32
    %s = arith.mulf %l, %v : f32
    %r = arith.select %c, %s, %v : f32
    xgrad.accumulate %r at flat [%it] : f32
  }
  %o0 = xgrad.kernel "output" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index, %it: index):
    %a = xgrad.read %relu[%i, %it] : tensor<*xf32>
    %b = xgrad.read %w2[%it, %j] : tensor<4x1xf32>
    %p = arith.mulf %a, %b : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  %o = xgrad.kernel "output.bias" init(%o0 : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %b = xgrad.read %b2[%j] : tensor<1xf32>
    xgrad.accumulate %b at [%i, %j] : f32
  }
  %sig = xgrad.kernel "outputSigmoid" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %o[%it] : tensor<*xf32>
    %one = arith.constant 1.0 : f32
    %n = arith.negf %v : f32
    %e = math.exp %n : f32
    %d = arith.addf %one, %e : f32
    %q = arith.divf %one, %d : f32
    xgrad.accumulate %q at flat [%it] : f32
  }
  xgrad.target "predict" %sig : tensor<*xf32>
  %loss = xgrad.kernel "loss" -> tensor<*xf32> {
  ^bb0(%it: index):
    %p = xgrad.read flat %sig[%it] : tensor<*xf32>
    %t = xgrad.read flat %y[%it] : tensor<?x1xf32>
    %d = arith.subf %p, %t : f32
    %sq = arith.mulf %d, %d : f32
    %zero = arith.constant 0 : index
    xgrad.accumulate %sq at [%zero] : f32
  }
  xgrad.target "loss" %loss : tensor<*xf32>
  %train = xgrad.backprop %loss : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>):
    %new = xgrad.kernel init(%param : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %g = xgrad.read flat %grad[%it] : tensor<*xf32>
      %rate = arith.constant -0.1 : f32
      %step = arith.mulf %rate, %g : f32
      xgrad.accumulate %step at flat [%it] : f32
    }
    xgrad.yield %new : tensor<*xf32>
  }
  xgrad.target "train" %train : tensor<*xf32>
}
