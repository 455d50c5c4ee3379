// RUN: xgrad-opt %s --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes,xgrad-autodiff))' -split-input-file | FileCheck %s

// matmul, bias (an init chain), elementwise math and an optimizer region. The loss's
// gradient starts at 1 per element; each read gets a kernel over the forward iterators.
// CHECK-LABEL: xgrad.graph @dense
// CHECK: %loss.grad.seed = xgrad.kernel "loss.grad.seed" like(%loss : tensor<1xf32>) -> tensor<*xf32> {
// CHECK: xgrad.accumulate %{{.*}} at flat [%{{.*}}] : f32
// CHECK: %loss.grad.exp = xgrad.kernel "loss.grad.exp" like(%exp : tensor<?x3xf32>) bounds(%{{.*}}) -> tensor<*xf32>
// CHECK: xgrad.read %loss.grad.seed[%{{.*}}]
// d exp(v * v) = g * exp(v * v) * v + g * exp(v * v) * v: both uses of v contribute.
// CHECK: %exp.grad.bias = xgrad.kernel "exp.grad.bias" like(%bias : tensor<?x3xf32>)
// CHECK-NEXT: ^bb0(%[[I:.*]]: index):
// CHECK-NEXT: %[[V:.*]] = xgrad.read flat %bias[%[[I]]]
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[V]], %[[V]]
// CHECK-NEXT: %[[EXP:.*]] = math.exp %[[SQ]]
// CHECK-NEXT: %[[G:.*]] = xgrad.read flat %loss.grad.exp[%[[I]]]
// CHECK-NEXT: %[[GE:.*]] = arith.mulf %[[G]], %[[EXP]]
// CHECK-NEXT: %[[A:.*]] = arith.mulf %[[GE]], %[[V]]
// CHECK-NEXT: %[[B:.*]] = arith.mulf %[[GE]], %[[V]]
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[A]], %[[B]]
// CHECK-NEXT: xgrad.accumulate %[[SUM]] at flat [%[[I]]]
// The bias gradient sums over the rows: a reduction written at [j].
// CHECK: %bias.grad.b = xgrad.kernel "bias.grad.b" like(%b : tensor<3xf32>) bounds(%{{.*}}, %{{.*}}) -> tensor<*xf32> {
// CHECK-NEXT: ^bb0(%[[Y:.*]]: index, %[[J:.*]]: index):
// CHECK: %[[GB:.*]] = xgrad.read %exp.grad.bias[%[[Y]], %[[J]]]
// CHECK-NEXT: xgrad.accumulate %[[GB]] at [%[[J]]]
// The matmul passes the bias's gradient through its init; w's gradient is x^T g.
// CHECK: %matmul.grad.w = xgrad.kernel "matmul.grad.w" like(%w : tensor<2x3xf32>) bounds(%{{.*}}, %{{.*}}, %{{.*}}) -> tensor<*xf32> {
// CHECK-NEXT: ^bb0(%[[MI:.*]]: index, %[[MJ:.*]]: index, %[[MK:.*]]: index):
// CHECK-NEXT: %[[XV:.*]] = xgrad.read %x[%[[MI]], %[[MK]]]
// CHECK: %[[GM:.*]] = xgrad.read %exp.grad.bias[%[[MI]], %[[MJ]]]
// CHECK: %[[GW:.*]] = arith.mulf %[[GM]], %[[XV]]
// CHECK-NEXT: xgrad.accumulate %[[GW]] at [%[[MK]], %[[MJ]]]
// No gradient for the input x.
// CHECK-NOT: like(%x
// The optimizer region, once per parameter, and the update of both.
// CHECK: %[[SW:.*]] = xgrad.kernel "sgd.w" init(%w : tensor<2x3xf32>)
// CHECK: xgrad.read flat %matmul.grad.w
// CHECK: %[[SB:.*]] = xgrad.kernel "sgd.b" init(%b : tensor<3xf32>)
// CHECK: xgrad.read flat %bias.grad.b
// CHECK: %[[U:.*]] = xgrad.update %loss : tensor<1xf32> state(%w, %b : tensor<2x3xf32>, tensor<3xf32>) to(%[[SW]], %[[SB]] : tensor<*xf32>, tensor<*xf32>)
// CHECK: xgrad.target "train" %[[U]] : tensor<1xf32>
xgrad.graph @dense {
  %x = xgrad.input "x" : tensor<?x2xf32>
  %w = xgrad.param "w" uniform [-0.1, 0.1] seed 1 : tensor<2x3xf32>
  %b = xgrad.param "b" zeros [] seed 0 : tensor<3xf32>
  %mm = xgrad.kernel "matmul" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index, %k: index):
    %l = xgrad.read %x[%i, %k] : tensor<?x2xf32>
    %r = xgrad.read %w[%k, %j] : tensor<2x3xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  %bias = xgrad.kernel "bias" init(%mm : tensor<*xf32>) -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %b[%j] : tensor<3xf32>
    xgrad.accumulate %v at [%i, %j] : f32
  }
  %e = xgrad.kernel "exp" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %bias[%it] : tensor<*xf32>
    %x2 = arith.mulf %v, %v : f32
    %ex = math.exp %x2 : f32
    xgrad.accumulate %ex at flat [%it] : f32
  }
  %loss = xgrad.kernel "loss" -> tensor<*xf32> {
  ^bb0(%it: index):
    %v = xgrad.read flat %e[%it] : tensor<*xf32>
    %zero = arith.constant 0 : index
    xgrad.accumulate %v at [%zero] : f32
  }
  %train = xgrad.backprop %loss : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>):
    %new = xgrad.kernel "sgd" init(%param : tensor<*xf32>) -> tensor<*xf32> {
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

// -----

// A gather's gradient is a scatter at the gathered index; a tensor read twice gets one
// gradient kernel per read, chained through init; a read used only in a comparison gets none.
// CHECK-LABEL: xgrad.graph @access
// CHECK: %[[FIRST:.*]] = xgrad.kernel "twice.grad.v" like(%v : tensor<4xf32>)
// CHECK: xgrad.accumulate %{{.*}} at [%{{.*}}] : f32
// CHECK: %[[SECOND:.*]] = xgrad.kernel "twice.grad.v.1" init(%[[FIRST]] : tensor<*xf32>)
// CHECK: %[[SHIFTED:.*]] = xgrad.wrap
// CHECK: xgrad.accumulate %{{.*}} at [%[[SHIFTED]]] : f32
// CHECK: xgrad.kernel "twice.grad.gather" like(%gather : tensor<4xf32>)
// CHECK: %[[GV:.*]] = xgrad.kernel "gather.grad.v" init(%[[SECOND]] : tensor<*xf32>)
// CHECK: %[[H:.*]] = arith.divsi
// CHECK: xgrad.accumulate %{{.*}} at [%[[H]]] : f32
// The mask is only compared: its gradient is zero, and only the zero kernel is built.
// CHECK-NOT: like(%mask
// CHECK: %[[GM:.*]] = xgrad.kernel "mask.grad.zero" like(%mask : tensor<4xf32>)
// CHECK: xgrad.target "gv" %[[GV]]
// CHECK: xgrad.target "gm" %[[GM]]
xgrad.graph @access {
  %v = xgrad.input "v" : tensor<4xf32>
  %mask = xgrad.input "mask" : tensor<4xf32>
  %c4 = arith.constant 4 : index
  %gather = xgrad.kernel "gather" shape(%c4) -> tensor<*xf32> {
  ^bb0(%y: index):
    %two = arith.constant 2 : index
    %h = arith.divsi %y, %two : index
    %a = xgrad.read %v[%h] : tensor<4xf32>
    xgrad.accumulate %a at [%y] : f32
  }
  %twice = xgrad.kernel "twice" -> tensor<*xf32> {
  ^bb0(%y: index):
    %one = arith.constant 1 : index
    %four = arith.constant 4 : index
    %n = arith.addi %y, %one : index
    %w = xgrad.wrap %n, %four
    %a = xgrad.read %v[%y] : tensor<4xf32>
    %b = xgrad.read %v[%w] : tensor<4xf32>
    %m = xgrad.read %mask[%y] : tensor<4xf32>
    %zero = arith.constant 0.0 : f32
    %c = arith.cmpf ogt, %m, %zero : f32
    %p = arith.mulf %a, %b : f32
    %s = arith.select %c, %p, %zero : f32
    %g = xgrad.read %gather[%y] : tensor<*xf32>
    %t = arith.addf %s, %g : f32
    xgrad.accumulate %t at [%y] : f32
  }
  %gv = xgrad.gradient %twice wrt %v : tensor<*xf32>, tensor<4xf32>
  %gm = xgrad.gradient %twice wrt %mask : tensor<*xf32>, tensor<4xf32>
  xgrad.target "gv" %gv : tensor<4xf32>
  xgrad.target "gm" %gm : tensor<4xf32>
}

// -----

// A custom gradient replaces the derived one for the values it covers.
// CHECK-LABEL: xgrad.graph @custom
// CHECK: %[[SEED:.*]] = xgrad.kernel "identity.grad.seed"
// CHECK: %[[G:.*]] = xgrad.kernel "identity.grad" like(%x : tensor<3xf32>)
// CHECK: xgrad.read flat %x
// CHECK: xgrad.read flat %[[SEED]]
// CHECK-NOT: "identity.grad.x"
// CHECK: xgrad.target "g" %[[G]] : tensor<*xf32>
xgrad.graph @custom {
  %x = xgrad.input "x" : tensor<3xf32>
  // identity*{x} ++= inp{x} | x do: customGrad: grad(inp){x} ++= inp{x} * grad(identity){x} | x
  %id = xgrad.kernel "identity" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read flat %x[%i] : tensor<3xf32>
    xgrad.accumulate %v at flat [%i] : f32
  } grad {
  ^bb0(%result: tensor<*xf32>, %gresult: tensor<*xf32>):
    %g = xgrad.kernel "identity.grad" like(%x : tensor<3xf32>) -> tensor<*xf32> {
    ^bb0(%i: index):
      %v = xgrad.read flat %x[%i] : tensor<3xf32>
      %gr = xgrad.read flat %gresult[%i] : tensor<*xf32>
      %p = arith.mulf %v, %gr : f32
      xgrad.accumulate %p at flat [%i] : f32
    }
    xgrad.grad_yield %g for %x : tensor<*xf32> for tensor<3xf32>
  }
  %g = xgrad.gradient %id wrt %x : tensor<*xf32>, tensor<3xf32>
  xgrad.target "g" %g : tensor<3xf32>
}


// -----

// Every kernel has a name unique in its graph after inference and autodiff: an unnamed
// kernel is `kernel<N>` after its position, a repeated name gets a suffix, and derived
// kernels are `<kernel>.grad.<tensor>`.
// CHECK-LABEL: xgrad.graph @names
// CHECK: %kernel0 = xgrad.kernel "kernel0"
// CHECK: %dup = xgrad.kernel "dup"
// CHECK: %dup.1 = xgrad.kernel "dup.1"
// CHECK: %dup.1.grad.seed = xgrad.kernel "dup.1.grad.seed"
// CHECK: %dup.1.grad.dup = xgrad.kernel "dup.1.grad.dup"
// CHECK: %dup.grad.kernel0 = xgrad.kernel "dup.grad.kernel0"
// CHECK: %kernel0.grad.x = xgrad.kernel "kernel0.grad.x"
// CHECK: xgrad.target "g" %kernel0.grad.x
xgrad.graph @names {
  %x = xgrad.input "x" : tensor<3xf32>
  %a = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<3xf32>
    %s = math.sin %v : f32
    xgrad.accumulate %s at [%i] : f32
  }
  %b = xgrad.kernel "dup" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<*xf32>
    %s = math.sin %v : f32
    xgrad.accumulate %s at [%i] : f32
  }
  %c = xgrad.kernel "dup" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %b[%i] : tensor<*xf32>
    %s = math.exp %v : f32
    xgrad.accumulate %s at [%i] : f32
  }
  %g = xgrad.gradient %c wrt %x : tensor<*xf32>, tensor<3xf32>
  xgrad.target "g" %g : tensor<3xf32>
}
