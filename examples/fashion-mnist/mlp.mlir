// A 784-128-10 multi-layer perceptron for Fashion-MNIST: dense + relu, dense, and the
// cross entropy in log-softmax form, trained with Adam (lr 0.001).
xgrad.graph @mlp {
  %images = xgrad.input "images" : tensor<?x784xf32>
  %labels = xgrad.input "labels" : tensor<?x10xf32>
  %w1 = xgrad.param "w1" uniform [-0.08, 0.08] seed 1 : tensor<784x128xf32>
  %b1 = xgrad.param "b1" zeros [] seed 0 : tensor<128xf32>
  %w2 = xgrad.param "w2" uniform [-0.2, 0.2] seed 2 : tensor<128x10xf32>
  %b2 = xgrad.param "b2" zeros [] seed 0 : tensor<10xf32>

  // hidden[y, x] ++= images[y, it] * w1[it, x]; hidden[y, x] ++= b1[x]
  %h0 = xgrad.kernel "dense1" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index, %it: index):
    %a = xgrad.read %images[%y, %it] : tensor<?x784xf32>
    %b = xgrad.read %w1[%it, %x] : tensor<784x128xf32>
    %p = arith.mulf %a, %b : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  %h1 = xgrad.kernel "dense1.bias" init(%h0 : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%y: index, %x: index):
    %b = xgrad.read %b1[%x] : tensor<128xf32>
    xgrad.accumulate %b at [%y, %x] : f32
  }
  // relu{it} ++= select(h{it} >= 0.0, h{it}, 0.0)
  %relu = xgrad.kernel "relu" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %h1[%it] : tensor<*xf32>
    %zero = arith.constant 0.0 : f32
    %c = arith.cmpf oge, %v, %zero : f32
    %r = arith.select %c, %v, %zero : f32
    xgrad.accumulate %r at flat [%it] : f32
  }
  %o0 = xgrad.kernel "dense2" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index, %it: index):
    %a = xgrad.read %relu[%y, %it] : tensor<*xf32>
    %b = xgrad.read %w2[%it, %x] : tensor<128x10xf32>
    %p = arith.mulf %a, %b : f32
    xgrad.accumulate %p at [%y, %x] : f32
  }
  %logits = xgrad.kernel "dense2.bias" init(%o0 : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%y: index, %x: index):
    %b = xgrad.read %b2[%x] : tensor<10xf32>
    xgrad.accumulate %b at [%y, %x] : f32
  }
  xgrad.target "predict" %logits : tensor<*xf32>

  // sums[y] ++= exp(logits[y, x]); loss[0] ++= -labels[y, x] * (logits[y, x] - ln(sums[y])) / n
  %sums = xgrad.kernel "softmax.sums" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index):
    %v = xgrad.read %logits[%y, %x] : tensor<*xf32>
    %e = math.exp %v : f32
    xgrad.accumulate %e at [%y] : f32
  }
  %loss = xgrad.kernel "cross_entropy" -> tensor<*xf32> {
  ^bb0(%y: index, %x: index):
    %v = xgrad.read %logits[%y, %x] : tensor<*xf32>
    %s = xgrad.read %sums[%y] : tensor<*xf32>
    %l = xgrad.read %labels[%y, %x] : tensor<?x10xf32>
    %lse = math.log %s : f32
    %logp = arith.subf %v, %lse : f32
    %t = arith.mulf %l, %logp : f32
    %n = xgrad.dim %labels[0] : tensor<?x10xf32>
    %ns = xgrad.to_scalar %n : index to f32
    %q = arith.divf %t, %ns : f32
    %neg = arith.negf %q : f32
    %zero = arith.constant 0 : index
    xgrad.accumulate %neg at [%zero] : f32
  }
  xgrad.target "loss" %loss : tensor<*xf32>

  %train = xgrad.backprop %loss state ["adam.m", "adam.v"] : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>, %m: tensor<*xf32>, %v: tensor<*xf32>):
    %m1 = xgrad.kernel "adam.m" init(%m : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %mo = xgrad.read flat %m[%it] : tensor<*xf32>
      %g = xgrad.read flat %grad[%it] : tensor<*xf32>
      %decay = arith.constant -0.1 : f32
      %rate = arith.constant 0.1 : f32
      %a = arith.mulf %mo, %decay : f32
      %b = arith.mulf %rate, %g : f32
      %s = arith.addf %a, %b : f32
      xgrad.accumulate %s at flat [%it] : f32
    }
    %v1 = xgrad.kernel "adam.v" init(%v : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %vo = xgrad.read flat %v[%it] : tensor<*xf32>
      %g = xgrad.read flat %grad[%it] : tensor<*xf32>
      %decay = arith.constant -0.001 : f32
      %rate = arith.constant 0.001 : f32
      %a = arith.mulf %vo, %decay : f32
      %g2 = arith.mulf %g, %g : f32
      %b = arith.mulf %rate, %g2 : f32
      %s = arith.addf %a, %b : f32
      xgrad.accumulate %s at flat [%it] : f32
    }
    %p1 = xgrad.kernel "adam.step" init(%param : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %mi = xgrad.read flat %m1[%it] : tensor<*xf32>
      %vi = xgrad.read flat %v1[%it] : tensor<*xf32>
      %e = xgrad.step
      %one_i = arith.constant 1 : index
      %t_i = arith.addi %e, %one_i : index
      %t = xgrad.to_scalar %t_i : index to f32
      %one = arith.constant 1.0 : f32
      %beta1 = arith.constant 0.9 : f32
      %beta2 = arith.constant 0.999 : f32
      %p1 = math.powf %beta1, %t : f32
      %p2 = math.powf %beta2, %t : f32
      %c1 = arith.subf %one, %p1 : f32
      %c2 = arith.subf %one, %p2 : f32
      %mhat = arith.divf %mi, %c1 : f32
      %vhat = arith.divf %vi, %c2 : f32
      %sq = math.sqrt %vhat : f32
      %eps = arith.constant 1.0e-8 : f32
      %den = arith.addf %sq, %eps : f32
      %q = arith.divf %mhat, %den : f32
      %eta = arith.constant -0.001 : f32
      %step = arith.mulf %eta, %q : f32
      xgrad.accumulate %step at flat [%it] : f32
    }
    xgrad.yield %p1, %m1, %v1 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
  }
  xgrad.target "train" %train : tensor<*xf32>
}
