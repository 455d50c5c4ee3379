// The README's XOR model written in kernels trains through the JIT: with its hand-written
// optimizer (param{it} ++= -0.1 * grad{it}), with Adam (no NaN from the first step) and with
// momentum. After training, all four predictions are within 0.1 of their targets.
// RUN: split-file %s %t && xgrad-run %t/gd.mlir --train train --epochs 5000 --target predict --input x=4x2:0,0,0,1,1,0,1,1 --input y=4x1:0,1,1,0 --output %t/gd.npy && %python %S/Inputs/within.py %t/gd.npy 0,1,1,0 0.1 | FileCheck %s
// The layers form (dense, leakyRelu, sigmoid, mse, gradientDescent) from examples/:
// RUN: xgrad-run %S/../../examples/xor/xor_layers.mlir --train train --epochs 5000 --target predict --input x=4x2:0,0,0,1,1,0,1,1 --input y=4x1:0,1,1,0 --output %t/layers.npy && %python %S/Inputs/within.py %t/layers.npy 0,1,1,0 0.1 | FileCheck %s
// RUN: xgrad-run %S/../../examples/xor/xor_kernels.mlir --train train --epochs 5000 --target predict --input x=4x2:0,0,0,1,1,0,1,1 --input y=4x1:0,1,1,0 --output %t/kernels.npy && %python %S/Inputs/within.py %t/kernels.npy 0,1,1,0 0.1 | FileCheck %s
// RUN: xgrad-run %t/adam.mlir --train train --epochs 1 --target loss --input x=4x2:0,0,0,1,1,0,1,1 --input y=4x1:0,1,1,0 --print-state | FileCheck %s --check-prefix=FIRST
// RUN: xgrad-run %t/adam.mlir --train train --epochs 2000 --target predict --input x=4x2:0,0,0,1,1,0,1,1 --input y=4x1:0,1,1,0 --output %t/adam.npy && %python %S/Inputs/within.py %t/adam.npy 0,1,1,0 0.1 | FileCheck %s
// RUN: xgrad-run %t/momentum.mlir --train train --epochs 3000 --target predict --input x=4x2:0,0,0,1,1,0,1,1 --input y=4x1:0,1,1,0 --output %t/momentum.npy && %python %S/Inputs/within.py %t/momentum.npy 0,1,1,0 0.1 | FileCheck %s
// CHECK: finite: True
// CHECK: max error {{.*}} within 0.1: True
// After Adam's first step the state is finite and the moments hold gradients.
// FIRST-NOT: nan
// FIRST: state adam.m.b1: 4xf32
// FIRST-NOT: nan
// FIRST: state w2: 4x1xf32
// FIRST-NOT: nan

//--- gd.mlir
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
//--- adam.mlir
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
  %train = xgrad.backprop %loss state ["adam.m", "adam.v"] : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>, %m: tensor<*xf32>, %v: tensor<*xf32>):
    // m{it} ++= m{it} * (beta1 - 1.0) + (1.0 - beta1) * grad{it}
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
    // v{it} ++= v{it} * (beta2 - 1.0) + (1.0 - beta2) * sq(grad{it})
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
    // The bias correction counts training steps from 1: t = step + 1 (Exprgrad used
    // epoch(), which starts at 0 and divides by zero in the first step).
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
      %eta = arith.constant -0.01 : f32
      %step = arith.mulf %eta, %q : f32
      xgrad.accumulate %step at flat [%it] : f32
    }
    xgrad.yield %p1, %m1, %v1 : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
  }
  xgrad.target "train" %train : tensor<*xf32>
}
//--- momentum.mlir
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
  %train = xgrad.backprop %loss state ["momentum.v"] : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>, %v: tensor<*xf32>):
    // v{it} ++= (mu - 1.0) * v{it} + grad{it}; param{it} ++= -rate * v{it}
    %v1 = xgrad.kernel "momentum.v" init(%v : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %vo = xgrad.read flat %v[%it] : tensor<*xf32>
      %g = xgrad.read flat %grad[%it] : tensor<*xf32>
      %decay = arith.constant -0.1 : f32
      %a = arith.mulf %vo, %decay : f32
      %s = arith.addf %a, %g : f32
      xgrad.accumulate %s at flat [%it] : f32
    }
    %p1 = xgrad.kernel "momentum.step" init(%param : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%it: index):
      %vi = xgrad.read flat %v1[%it] : tensor<*xf32>
      %rate = arith.constant -0.05 : f32
      %step = arith.mulf %rate, %vi : f32
      xgrad.accumulate %step at flat [%it] : f32
    }
    xgrad.yield %p1, %v1 : tensor<*xf32>, tensor<*xf32>
  }
  xgrad.target "train" %train : tensor<*xf32>
}
