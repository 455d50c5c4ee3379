// Derived gradients agree with central finite differences (f64, relative error <= 1e-6)
// for every instruction with a Scalar argument, every layer kernel, gathers and scatters,
// a custom gradient, a tensor read twice and by two losses, and a second derivative.
// RUN: split-file %s %t && xgrad-run %t/instructions.mlir --target loss --input a=4:0.5,1.5,2.25,3.25 --input b=4:2.5,0.75,1.25,1.5 --check-gradients | FileCheck %s --check-prefix=INSTRUCTIONS
// INSTRUCTIONS: gradient of input 'a': 4 elements, max relative error {{.*}}: ok
// INSTRUCTIONS-NEXT: gradient of input 'b': 4 elements, max relative error {{.*}}: ok
// RUN: xgrad-run %t/dense.mlir --target loss --input x=3x2:0.3,-0.8,0.5,0.1,-0.4,0.9 --input y=3x3:1,0,0,0,1,0,0,0,1 --check-gradients | FileCheck %s --check-prefix=DENSE
// DENSE: gradient of input 'x': 6 elements, {{.*}}: ok
// DENSE: gradient of parameter 'w': 6 elements, {{.*}}: ok
// DENSE: gradient of parameter 'b': 3 elements, {{.*}}: ok
// RUN: xgrad-run %t/conv.mlir --target loss --input images=1x4x4x1:0.2,0.9,-0.5,-0.7,0.25,-0.9,-0.95,0.05,-0.1,0.85,0.3,0.02,-0.01,-0.5,-0.97,-0.6 --check-gradients | FileCheck %s --check-prefix=CONV
// CONV: gradient of input 'images': 16 elements, {{.*}}: ok
// CONV: gradient of parameter 'filters': 18 elements, {{.*}}: ok
// RUN: xgrad-run %t/pool.mlir --target loss --input images=1x4x4x1:0.2,0.9,-0.5,-0.7,0.25,-0.9,-0.95,0.05,-0.1,0.85,0.3,0.02,-0.01,-0.5,-0.97,-0.6 --check-gradients | FileCheck %s --check-prefix=POOL
// POOL: gradient of input 'images': 16 elements, {{.*}}: ok
// RUN: xgrad-run %t/activations.mlir --target loss --input v=6:0.3,-1.2,0.7,-0.4,1.9,-2.2 --input t=6:0.1,0.2,0.3,0.4,0.5,0.6 --check-gradients | FileCheck %s --check-prefix=ACT
// ACT: gradient of input 'v': 6 elements, {{.*}}: ok
// ACT: gradient of input 't': 6 elements, {{.*}}: ok
// RUN: xgrad-run %t/softmax.mlir --target loss --input logits=2x3:0.3,-1.2,0.7,-0.4,1.9,-2.2 --input labels=2x3:0,1,0,1,0,0 --check-gradients | FileCheck %s --check-prefix=SOFTMAX
// SOFTMAX: gradient of input 'logits': 6 elements, {{.*}}: ok
// SOFTMAX: gradient of input 'labels': 6 elements, {{.*}}: ok
// RUN: xgrad-run %t/access.mlir --target loss --input v=5:0.3,-1.2,0.7,-0.4,1.9 --input k=3:0.5,-0.25,2 --check-gradients | FileCheck %s --check-prefix=ACCESS
// ACCESS: gradient of input 'v': 5 elements, {{.*}}: ok
// ACCESS: gradient of input 'k': 3 elements, {{.*}}: ok
// RUN: xgrad-run %t/second.mlir --target loss --input x=3:0.3,-0.7,1.1 --check-gradients | FileCheck %s --check-prefix=SECOND
// SECOND: gradient of input 'x': 3 elements, {{.*}}: ok
// A target of a graph with an input it does not read: only what it depends on is checked,
// and the other input need not (but may) be given.
// RUN: xgrad-run %t/unrelated.mlir --target sa --input a=3:1,2,3 --check-gradients | FileCheck %s --check-prefix=UNRELATED
// RUN: xgrad-run %t/unrelated.mlir --target sa --input a=3:1,2,3 --input b=2:1,2 --check-gradients | FileCheck %s --check-prefix=UNRELATED
// UNRELATED: gradient of input 'a': 3 elements, max relative error {{.*}}: ok
// UNRELATED-NOT: gradient of
// The tolerance a failure names is the one given, not rounded.
// RUN: not xgrad-run %t/unrelated.mlir --target sa --input a=3:1,2,3 --check-gradients --tolerance 1e-30 2>&1 | FileCheck %s --check-prefix=TOLERANCE
// TOLERANCE: xgrad-run: error: derived gradients differ from finite differences by more than 1e-30
// RUN: xgrad-run %t/second.mlir --target hessian_row --input x=3:0.3,-0.7,1.1 | FileCheck %s --check-prefix=HESSIAN
// d/dx sum(sin(x)^2) = sin(2x); its derivative is 2 cos(2x).
// HESSIAN: hessian_row: 3xf64
// HESSIAN-NEXT: [1.65067, 0.339934, -1.177]

//--- instructions.mlir
xgrad.graph @instructions {
  %a = xgrad.input "a" : tensor<?xf64>
  %b = xgrad.input "b" : tensor<?xf64>
  %loss = xgrad.kernel "all" -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %add = arith.addf %x, %y : f64
    %sub = arith.subf %x, %y : f64
    %mul = arith.mulf %add, %sub : f64
    %div = arith.divf %mul, %y : f64
    %neg = arith.negf %div : f64
    %sq = arith.mulf %neg, %x : f64
    %min = arith.minimumf %sq, %x : f64
    %max = arith.maximumf %min, %y : f64
    %c = arith.cmpf olt, %x, %y : f64
    %sel = arith.select %c, %max, %x : f64
    %sin = math.sin %sel : f64
    %cos = math.cos %x : f64
    %exp = math.exp %cos : f64
    %pow = math.powf %x, %y : f64
    %sqrt = math.sqrt %pow : f64
    %ln = math.log %sqrt : f64
    %log2 = math.log2 %y : f64
    %log10 = math.log10 %x : f64
    %tanh = math.tanh %y : f64
    %abs = math.absf %sub : f64
    %s1 = arith.addf %sin, %exp : f64
    %s2 = arith.addf %s1, %ln : f64
    %s3 = arith.addf %s2, %log2 : f64
    %s4 = arith.addf %s3, %log10 : f64
    %s5 = arith.addf %s4, %tanh : f64
    %s6 = arith.addf %s5, %abs : f64
    %s7 = arith.addf %s6, %div : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %s7 at [%zero] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
}
//--- dense.mlir
xgrad.graph @dense {
  %x = xgrad.input "x" : tensor<?x2xf64>
  %y = xgrad.input "y" : tensor<?x3xf64>
  %w = xgrad.param "w" uniform [-1.0, 1.0] seed 5 : tensor<2x3xf64>
  %b = xgrad.param "b" uniform [-1.0, 1.0] seed 6 : tensor<3xf64>
  %mm = xgrad.kernel "dense" -> tensor<*xf64> {
  ^bb0(%i: index, %j: index, %k: index):
    %l = xgrad.read %x[%i, %k] : tensor<?x2xf64>
    %r = xgrad.read %w[%k, %j] : tensor<2x3xf64>
    %p = arith.mulf %l, %r : f64
    xgrad.accumulate %p at [%i, %j] : f64
  }
  %biased = xgrad.kernel "dense.bias" init(%mm : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %b[%j] : tensor<3xf64>
    xgrad.accumulate %v at [%i, %j] : f64
  }
  // mse: result[0] ++= sq(a{it} - b{it}) / toScalar(a.shape[0])
  %loss = xgrad.kernel "mse" -> tensor<*xf64> {
  ^bb0(%it: index):
    %p = xgrad.read flat %biased[%it] : tensor<*xf64>
    %t = xgrad.read flat %y[%it] : tensor<?x3xf64>
    %d = arith.subf %p, %t : f64
    %sq = arith.mulf %d, %d : f64
    %n = xgrad.dim %biased[0] : tensor<*xf64>
    %ns = xgrad.to_scalar %n : index to f64
    %q = arith.divf %sq, %ns : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %q at [%zero] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
}
//--- conv.mlir
xgrad.graph @conv {
  %images = xgrad.input "images" : tensor<?x4x4x1xf64>
  %filters = xgrad.param "filters" uniform [-1.0, 1.0] seed 7 : tensor<2x3x3x1xf64>
  %conv = xgrad.kernel "conv2d" -> tensor<*xf64> {
  ^bb0(%image: index, %y: index, %x: index, %filter: index, %dx: index, %dy: index, %chan: index):
    %yy = arith.addi %y, %dy : index
    %xx = arith.addi %x, %dx : index
    %a = xgrad.read %images[%image, %yy, %xx, %chan] : tensor<?x4x4x1xf64>
    %f = xgrad.read %filters[%filter, %dy, %dx, %chan] : tensor<2x3x3x1xf64>
    %p = arith.mulf %a, %f : f64
    xgrad.accumulate %p at [%image, %y, %x, %filter] : f64
  }
  %loss = xgrad.kernel "sum_sq" -> tensor<*xf64> {
  ^bb0(%it: index):
    %v = xgrad.read flat %conv[%it] : tensor<*xf64>
    %sq = arith.mulf %v, %v : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %sq at [%zero] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
}
//--- pool.mlir
// maxpool2 with Exprgrad's custom gradient, and upsample2 (a gather) after it.
xgrad.graph @pool {
  %images = xgrad.input "images" : tensor<?x4x4x1xf64>
  %pool = xgrad.kernel "maxpool2d" -> tensor<*xf64> {
  ^bb0(%image: index, %y: index, %x: index, %chan: index):
    %one = arith.constant 1 : index
    %two = arith.constant 2 : index
    %y0 = arith.muli %y, %two : index
    %x0 = arith.muli %x, %two : index
    %y1 = arith.addi %y0, %one : index
    %x1 = arith.addi %x0, %one : index
    %a = xgrad.read %images[%image, %y0, %x0, %chan] : tensor<?x4x4x1xf64>
    %b = xgrad.read %images[%image, %y1, %x0, %chan] : tensor<?x4x4x1xf64>
    %c = xgrad.read %images[%image, %y0, %x1, %chan] : tensor<?x4x4x1xf64>
    %d = xgrad.read %images[%image, %y1, %x1, %chan] : tensor<?x4x4x1xf64>
    %m0 = arith.maximumf %a, %b : f64
    %m1 = arith.maximumf %c, %d : f64
    %m = arith.maximumf %m0, %m1 : f64
    xgrad.accumulate %m at [%image, %y, %x, %chan] : f64
  } grad {
  ^bb0(%result: tensor<*xf64>, %gresult: tensor<*xf64>):
    %g = xgrad.kernel "maxpool2d.grad" like(%images : tensor<?x4x4x1xf64>) -> tensor<*xf64> {
    ^bb0(%image: index, %y: index, %x: index, %chan: index):
      %two = arith.constant 2 : index
      %yh = arith.divsi %y, %two : index
      %xh = arith.divsi %x, %two : index
      %v = xgrad.read %images[%image, %y, %x, %chan] : tensor<?x4x4x1xf64>
      %r = xgrad.read %result[%image, %yh, %xh, %chan] : tensor<*xf64>
      %gr = xgrad.read %gresult[%image, %yh, %xh, %chan] : tensor<*xf64>
      %eq = arith.cmpf oeq, %v, %r : f64
      %zero = arith.constant 0.0 : f64
      %s = arith.select %eq, %gr, %zero : f64
      xgrad.accumulate %s at [%image, %y, %x, %chan] : f64
    }
    xgrad.grad_yield %g for %images : tensor<*xf64> for tensor<?x4x4x1xf64>
  }
  %n = xgrad.dim %pool[0] : tensor<*xf64>
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %up = xgrad.kernel "upsample2" shape(%n, %c4, %c4, %c1) -> tensor<*xf64> {
  ^bb0(%image: index, %y: index, %x: index, %chan: index):
    %two = arith.constant 2 : index
    %yh = arith.divsi %y, %two : index
    %xh = arith.divsi %x, %two : index
    %v = xgrad.read %pool[%image, %yh, %xh, %chan] : tensor<*xf64>
    xgrad.accumulate %v at [%image, %y, %x, %chan] : f64
  }
  %loss = xgrad.kernel "weighted" -> tensor<*xf64> {
  ^bb0(%it: index):
    %v = xgrad.read flat %up[%it] : tensor<*xf64>
    %w = xgrad.to_scalar %it : index to f64
    %p = arith.mulf %v, %w : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %p at [%zero] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
}
//--- activations.mlir
// relu, leakyRelu, sigmoid and tanh as in Exprgrad's dnn.nim, summed into an mse loss.
xgrad.graph @activations {
  %v = xgrad.input "v" : tensor<?xf64>
  %t = xgrad.input "t" : tensor<?xf64>
  %relu = xgrad.kernel "relu" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %zero = arith.constant 0.0 : f64
    %c = arith.cmpf oge, %a, %zero : f64
    %s = arith.select %c, %a, %zero : f64
    xgrad.accumulate %s at flat [%it] : f64
  }
  %leaky = xgrad.kernel "leaky_relu" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %zero = arith.constant 0.0 : f64
    %one = arith.constant 1.0 : f64
    %leak = arith.constant 0.01 : f64
    %c = arith.cmpf oge, %a, %zero : f64
    %s = arith.select %c, %one, %leak : f64
    %p = arith.mulf %s, %a : f64
    xgrad.accumulate %p at flat [%it] : f64
  }
  %sig = xgrad.kernel "sigmoid" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %relu[%it] : tensor<*xf64>
    %b = xgrad.read flat %leaky[%it] : tensor<*xf64>
    %s = arith.addf %a, %b : f64
    %one = arith.constant 1.0 : f64
    %n = arith.negf %s : f64
    %e = math.exp %n : f64
    %d = arith.addf %one, %e : f64
    %q = arith.divf %one, %d : f64
    xgrad.accumulate %q at flat [%it] : f64
  }
  %tanh = xgrad.kernel "tanh" -> tensor<*xf64> {
  ^bb0(%it: index):
    %i = xgrad.read flat %sig[%it] : tensor<*xf64>
    %a = math.exp %i : f64
    %ni = arith.negf %i : f64
    %b = math.exp %ni : f64
    %num = arith.subf %a, %b : f64
    %den = arith.addf %a, %b : f64
    %q = arith.divf %num, %den : f64
    xgrad.accumulate %q at flat [%it] : f64
  }
  %loss = xgrad.kernel "mse" -> tensor<*xf64> {
  ^bb0(%it: index):
    %p = xgrad.read flat %tanh[%it] : tensor<*xf64>
    %y = xgrad.read flat %t[%it] : tensor<?xf64>
    %d = arith.subf %p, %y : f64
    %sq = arith.mulf %d, %d : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %sq at [%zero] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
}
//--- softmax.mlir
xgrad.graph @softmax {
  %logits = xgrad.input "logits" : tensor<?x3xf64>
  %labels = xgrad.input "labels" : tensor<?x3xf64>
  %sums = xgrad.kernel "softmax.sums" -> tensor<*xf64> {
  ^bb0(%y: index, %x: index):
    %a = xgrad.read %logits[%y, %x] : tensor<?x3xf64>
    %e = math.exp %a : f64
    xgrad.accumulate %e at [%y] : f64
  }
  %soft = xgrad.kernel "softmax" -> tensor<*xf64> {
  ^bb0(%y: index, %x: index):
    %a = xgrad.read %logits[%y, %x] : tensor<?x3xf64>
    %s = xgrad.read %sums[%y] : tensor<*xf64>
    %e = math.exp %a : f64
    %q = arith.divf %e, %s : f64
    xgrad.accumulate %q at [%y, %x] : f64
  }
  %loss = xgrad.kernel "cross_entropy" -> tensor<*xf64> {
  ^bb0(%it: index):
    %p = xgrad.read flat %soft[%it] : tensor<*xf64>
    %l = xgrad.read flat %labels[%it] : tensor<?x3xf64>
    %ln = math.log %p : f64
    %prod = arith.mulf %l, %ln : f64
    %neg = arith.negf %prod : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %neg at [%zero] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
}
//--- access.mlir
// A gather (y div 2), a scatter (y + j), one tensor read twice in one kernel (at y and at
// wrap(y + 1, n)), and one
// tensor (%prod) feeding two losses that are added.
xgrad.graph @access {
  %v = xgrad.input "v" : tensor<?xf64>
  %k = xgrad.input "k" : tensor<?xf64>
  %n = xgrad.dim %v[0] : tensor<?xf64>
  %two = arith.constant 2 : index
  %n2 = arith.muli %n, %two : index
  %gather = xgrad.kernel "gather" shape(%n2) -> tensor<*xf64> {
  ^bb0(%y: index):
    %t = arith.constant 2 : index
    %h = arith.divsi %y, %t : index
    %a = xgrad.read %v[%h] : tensor<?xf64>
    xgrad.accumulate %a at [%y] : f64
  }
  %scatter = xgrad.kernel "scatter" -> tensor<*xf64> {
  ^bb0(%y: index, %j: index):
    %a = xgrad.read %gather[%y] : tensor<*xf64>
    %b = xgrad.read %k[%j] : tensor<?xf64>
    %p = arith.mulf %a, %b : f64
    %yj = arith.addi %y, %j : index
    xgrad.accumulate %p at [%yj] : f64
  }
  %prod = xgrad.kernel "neighbours" -> tensor<*xf64> {
  ^bb0(%y: index):
    %one = arith.constant 1 : index
    %ns = xgrad.dim %scatter[0] : tensor<*xf64>
    %next = arith.addi %y, %one : index
    %y1 = xgrad.wrap %next, %ns
    %a = xgrad.read %scatter[%y] : tensor<*xf64>
    %b = xgrad.read %scatter[%y1] : tensor<*xf64>
    %p = arith.mulf %a, %b : f64
    xgrad.accumulate %p at [%y] : f64
  }
  %l1 = xgrad.kernel "sum" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %prod[%it] : tensor<*xf64>
    %zero = arith.constant 0 : index
    xgrad.accumulate %a at [%zero] : f64
  }
  %l2 = xgrad.kernel "sum_sin" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %prod[%it] : tensor<*xf64>
    %s = math.sin %a : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %s at [%zero] : f64
  }
  %loss = xgrad.kernel "total" init(%l1 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read %l2[%it] : tensor<*xf64>
    xgrad.accumulate %a at [%it] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
}
//--- second.mlir
// A second derivative: the loss is the sum of squares of a gradient.
xgrad.graph @second {
  %x = xgrad.input "x" : tensor<?xf64>
  %f = xgrad.kernel "f" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read %x[%it] : tensor<?xf64>
    %s = math.sin %a : f64
    %sq = arith.mulf %s, %s : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %sq at [%zero] : f64
  }
  %g = xgrad.gradient %f wrt %x : tensor<*xf64>, tensor<?xf64>
  %loss = xgrad.kernel "g_squared" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read %g[%it] : tensor<?xf64>
    %sq = arith.mulf %a, %a : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %sq at [%zero] : f64
  }
  xgrad.target "loss" %loss : tensor<*xf64>
  // The diagonal of the Hessian of f, through d/dx sum(gradient).
  %gsum = xgrad.kernel "g_sum" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read %g[%it] : tensor<?xf64>
    %zero = arith.constant 0 : index
    xgrad.accumulate %a at [%zero] : f64
  }
  %h = xgrad.gradient %gsum wrt %x : tensor<*xf64>, tensor<?xf64>
  xgrad.target "hessian_row" %h : tensor<?xf64>
}

//--- unrelated.mlir
xgrad.graph @m {
  %a = xgrad.input "a" : tensor<?xf64>
  %b = xgrad.input "b" : tensor<?xf64>
  %sa = xgrad.kernel "sa" -> tensor<*xf64> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf64>
    %w = arith.mulf %v, %v : f64
    xgrad.accumulate %w at [%i] : f64
  }
  %sb = xgrad.kernel "sb" -> tensor<*xf64> {
  ^bb0(%i: index):
    %v = xgrad.read %b[%i] : tensor<?xf64>
    xgrad.accumulate %v at [%i] : f64
  }
  xgrad.target "sa" %sa : tensor<*xf64>
  xgrad.target "sb" %sb : tensor<*xf64>
}
