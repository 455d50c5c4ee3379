// RUN: xgrad-opt %s | xgrad-opt | FileCheck %s
// RUN: xgrad-opt %s --mlir-print-op-generic | xgrad-opt | FileCheck %s
// RUN: xgrad-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// Every xgrad op, in custom and generic form.

// CHECK-LABEL: xgrad.graph @graph_ops
// GENERIC-LABEL: "xgrad.graph"
xgrad.graph @graph_ops {
  // CHECK: %x = xgrad.input "x" : tensor<?x2xf32>
  // GENERIC: "xgrad.input"() <{input_name = "x"}> : () -> tensor<?x2xf32>
  %x = xgrad.input "x" : tensor<?x2xf32>
  // CHECK: %w = xgrad.param "w" uniform [-1.000000e-01, 1.000000e-01] seed 7 : tensor<2x4xf32>
  // GENERIC: "xgrad.param"() <{init = 2 : i32, init_args = array<f64: -1.000000e-01, 1.000000e-01>, param_name = "w", seed = 7 : i64}>
  %w = xgrad.param "w" uniform [-0.1, 0.1] seed 7 : tensor<2x4xf32>
  // CHECK: %b = xgrad.param "b" zeros [] seed 0 : tensor<4xf32>
  %b = xgrad.param "b" zeros [] seed 0 : tensor<4xf32>
  // CHECK: %c = xgrad.param "c" constant [5.000000e-01] seed 0 : tensor<1xf32>
  %c = xgrad.param "c" constant [0.5] seed 0 : tensor<1xf32>
  // CHECK: %n = xgrad.param "n" normal [0.000000e+00, 2.000000e+00] seed 3 : tensor<3x3xf32>
  %n = xgrad.param "n" normal [0.0, 2.0] seed 3 : tensor<3x3xf32>
  // CHECK: %[[D:.*]] = xgrad.dim %x[0] : tensor<?x2xf32>
  %d = xgrad.dim %x[0] : tensor<?x2xf32>
  // CHECK: xgrad.len %x : tensor<?x2xf32>
  %len = xgrad.len %x : tensor<?x2xf32>
  // CHECK: xgrad.rank %x : tensor<?x2xf32>
  %rank = xgrad.rank %x : tensor<?x2xf32>
  // CHECK: %matmul = xgrad.kernel "matmul" shape(%[[D]], %{{.*}}) bounds(%[[D]], %{{.*}}, %{{.*}}) -> tensor<?x4xf32> {
  // CHECK-NEXT: ^bb0(%[[Y:.*]]: index, %[[X:.*]]: index, %[[IT:.*]]: index):
  // CHECK-NEXT: xgrad.read %x[%[[Y]], %[[IT]]] : tensor<?x2xf32>
  // CHECK-NEXT: xgrad.read %w[%[[IT]], %[[X]]] : tensor<2x4xf32>
  // CHECK: xgrad.accumulate %{{.*}} at [%[[Y]], %[[X]]] : f32
  // GENERIC: "xgrad.kernel"(%{{.*}}) <{kernel_name = "matmul", operandSegmentSizes = array<i32: 0, 2, 0, 3>}>
  %c4 = arith.constant 4 : index
  %c2 = arith.constant 2 : index
  %mm = xgrad.kernel "matmul" shape(%d, %c4) bounds(%d, %c4, %c2) -> tensor<?x4xf32> {
  ^bb0(%y: index, %xx: index, %it: index):
    %l = xgrad.read %x[%y, %it] : tensor<?x2xf32>
    %r = xgrad.read %w[%it, %xx] : tensor<2x4xf32>
    %p = arith.mulf %l, %r : f32
    xgrad.accumulate %p at [%y, %xx] : f32
  }
  // CHECK: %[[BIAS:.*]] = xgrad.kernel init(%matmul : tensor<?x4xf32>) -> tensor<?x4xf32>
  %biased = xgrad.kernel init(%mm : tensor<?x4xf32>) -> tensor<?x4xf32> {
  ^bb0(%y: index, %xx: index):
    %v = xgrad.read %b[%xx] : tensor<4xf32>
    xgrad.accumulate %v at [%y, %xx] : f32
  }
  // CHECK: xgrad.kernel "rowmax" -> tensor<*xf32>
  // CHECK: xgrad.accumulate max %{{.*}} at [%{{.*}}] : f32
  %rowmax = xgrad.kernel "rowmax" -> tensor<*xf32> {
  ^bb0(%y: index, %i: index):
    %v = xgrad.read %x[%y, %i] : tensor<?x2xf32>
    xgrad.accumulate max %v at [%y] : f32
  }
  // CHECK: xgrad.kernel like(%x : tensor<?x2xf32>) -> tensor<?x2xf32>
  // CHECK: xgrad.read flat %x[%{{.*}}] : tensor<?x2xf32>
  // CHECK: xgrad.accumulate %{{.*}} at flat [%{{.*}}] : f32
  %copy = xgrad.kernel like(%x : tensor<?x2xf32>) -> tensor<?x2xf32> {
  ^bb0(%i: index):
    %v = xgrad.read flat %x[%i] : tensor<?x2xf32>
    xgrad.accumulate %v at flat [%i] : f32
  }
  // Index arithmetic, shape queries, conversions and epoch() inside a kernel.
  // CHECK: xgrad.kernel "index_ops" -> tensor<*xf32>
  // CHECK: xgrad.wrap %{{.*}}, %{{.*}}
  // CHECK: xgrad.dim %x[1] : tensor<?x2xf32>
  // CHECK: xgrad.to_scalar %{{.*}} : index to f32
  // CHECK: xgrad.to_scalar %{{.*}} : i1 to f32
  // CHECK: xgrad.to_index %{{.*}} : f32
  // CHECK: xgrad.epoch
  // CHECK: xgrad.step
  %idx = xgrad.kernel "index_ops" -> tensor<*xf32> {
  ^bb0(%i: index):
    %one = arith.constant 1 : index
    %sum = arith.addi %i, %one : index
    %diff = arith.subi %i, %one : index
    %prod = arith.muli %i, %one : index
    %quot = arith.divsi %i, %one : index
    %rem = arith.remsi %i, %one : index
    %wrapped = xgrad.wrap %diff, %sum
    %dim = xgrad.dim %x[1] : tensor<?x2xf32>
    %lt = arith.cmpi slt, %wrapped, %dim : index
    %s = xgrad.to_scalar %quot : index to f32
    %bs = xgrad.to_scalar %lt : i1 to f32
    %back = xgrad.to_index %s : f32
    %e = xgrad.epoch
    %st = xgrad.step
    %est = arith.addi %e, %st : index
    %es = xgrad.to_scalar %est : index to f32
    %v = arith.addf %s, %es : f32
    %v2 = arith.addf %v, %bs : f32
    xgrad.accumulate %v2 at flat [%rem] : f32
  }
  // CHECK: xgrad.kernel "custom" -> tensor<*xf32> {
  // CHECK: } grad {
  // CHECK-NEXT: ^bb0(%{{.*}}: tensor<*xf32>, %[[G:.*]]: tensor<*xf32>):
  // CHECK: xgrad.grad_yield %{{.*}} for %x : tensor<*xf32> for tensor<?x2xf32>
  %custom = xgrad.kernel "custom" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read flat %x[%i] : tensor<?x2xf32>
    xgrad.accumulate %v at flat [%i] : f32
  } grad {
  ^bb0(%result: tensor<*xf32>, %g: tensor<*xf32>):
    %gx = xgrad.kernel -> tensor<*xf32> {
    ^bb0(%i: index):
      %v = xgrad.read flat %x[%i] : tensor<?x2xf32>
      %gv = xgrad.read flat %g[%i] : tensor<*xf32>
      %p = arith.mulf %v, %gv : f32
      xgrad.accumulate %p at flat [%i] : f32
    }
    xgrad.grad_yield %gx for %x : tensor<*xf32> for tensor<?x2xf32>
  }
  // CHECK: xgrad.cache "saved" %[[BIAS]] : tensor<?x4xf32>
  xgrad.cache "saved" %biased : tensor<?x4xf32>
  // CHECK: %saved = xgrad.cached "saved" : tensor<?x4xf32>
  %saved = xgrad.cached "saved" : tensor<?x4xf32>
  // CHECK: xgrad.target "predict" %[[BIAS]] : tensor<?x4xf32>
  xgrad.target "predict" %biased : tensor<?x4xf32>
  // CHECK: xgrad.gradient %{{.*}} wrt %x : tensor<*xf32>, tensor<?x2xf32>
  %gradx = xgrad.gradient %custom wrt %x : tensor<*xf32>, tensor<?x2xf32>
  // CHECK: xgrad.backprop %{{.*}} : tensor<*xf32> optimizer {
  // CHECK: xgrad.yield %{{.*}} : tensor<*xf32>
  %train = xgrad.backprop %idx : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>):
    %new = xgrad.kernel init(%param : tensor<*xf32>) -> tensor<*xf32> {
    ^bb0(%i: index):
      %g = xgrad.read flat %grad[%i] : tensor<*xf32>
      %rate = arith.constant -0.1 : f32
      %step = arith.mulf %rate, %g : f32
      xgrad.accumulate %step at flat [%i] : f32
    }
    xgrad.yield %new : tensor<*xf32>
  }
  // CHECK: xgrad.backprop %{{.*}} state ["m", "v"] : tensor<*xf32> optimizer {
  // CHECK: ^bb0(%{{.*}}: tensor<*xf32>, %{{.*}}: tensor<*xf32>, %{{.*}}: tensor<*xf32>, %{{.*}}: tensor<*xf32>):
  %adam = xgrad.backprop %idx state ["m", "v"] : tensor<*xf32> optimizer {
  ^bb0(%param: tensor<*xf32>, %grad: tensor<*xf32>, %m: tensor<*xf32>, %v: tensor<*xf32>):
    xgrad.yield %param, %m, %v : tensor<*xf32>, tensor<*xf32>, tensor<*xf32>
  }
  // CHECK: xgrad.target "train" %{{.*}} : tensor<*xf32>
  xgrad.target "train" %train : tensor<*xf32>
}

// A training step after autodiff and --xgrad-data-parallel.
// CHECK-LABEL: xgrad.graph @data_parallel
// CHECK: %[[SUMS:.*]]:2 = xgrad.all_reduce %{{.*}}, %{{.*}} : tensor<2xf32>, tensor<1xf32> mean over %{{.*}} : tensor<?x2xf32>
// CHECK: xgrad.all_reduce %{{.*}} : tensor<2xf32>{{$}}
// CHECK: xgrad.update %[[SUMS]]#1 : tensor<1xf32> state(%{{.*}} : tensor<2xf32>) to(%{{.*}} : tensor<2xf32>) gradients(%[[SUMS]]#0 : tensor<2xf32>)
// GENERIC-LABEL: "xgrad.graph"() <{sym_name = "data_parallel"}>
// GENERIC: "xgrad.all_reduce"(%{{.*}}, %{{.*}}, %{{.*}}) <{operandSegmentSizes = array<i32: 2, 1>}>
// GENERIC: "xgrad.update"({{.*}}) <{operandSegmentSizes = array<i32: 1, 1, 1, 1>}>
xgrad.graph @data_parallel {
  %x = xgrad.input "x" : tensor<?x2xf32>
  %w = xgrad.param "w" zeros [] seed 0 : tensor<2xf32>
  %g = xgrad.kernel "g" init(%w : tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i, %i] : tensor<?x2xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  %loss = xgrad.kernel "loss" -> tensor<1xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %g[%i] : tensor<2xf32>
    %zero = arith.constant 0 : index
    xgrad.accumulate %v at [%zero] : f32
  }
  %sums:2 = xgrad.all_reduce %g, %loss : tensor<2xf32>, tensor<1xf32> mean over %x : tensor<?x2xf32>
  %added = xgrad.all_reduce %g : tensor<2xf32>
  %s = xgrad.update %sums#1 : tensor<1xf32> state(%w : tensor<2xf32>) to(%added : tensor<2xf32>) gradients(%sums#0 : tensor<2xf32>)
  xgrad.target "train" %s : tensor<1xf32>
}

// The collective after bufferization.
// CHECK-LABEL: func.func @collective(
// CHECK: xgrad.sum_over_ranks %{{.*}}, %{{.*}} : memref<9xf32>, memref<5xi64>
func.func @collective(%buffer: memref<9xf32>, %epoch: index {xgrad.epoch},
                      %step: index {xgrad.step}, %status: memref<5xi64> {xgrad.status}) {
  xgrad.sum_over_ranks %buffer, %status : memref<9xf32>, memref<5xi64>
  return
}

// Every Scalar instruction and operator of Exprgrad's table, as upstream arith/math.
// CHECK-LABEL: xgrad.graph @scalar_ops
xgrad.graph @scalar_ops {
  %a = xgrad.input "a" : tensor<?xf64>
  %b = xgrad.input "b" : tensor<?xf64>
  // CHECK: xgrad.kernel "all" -> tensor<?xf64>
  %all = xgrad.kernel "all" -> tensor<?xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %add = arith.addf %x, %y : f64
    %sub = arith.subf %add, %y : f64
    %mul = arith.mulf %sub, %y : f64
    %div = arith.divf %mul, %y : f64
    %neg = arith.negf %div : f64
    %sq = arith.mulf %neg, %neg : f64
    %min = arith.minimumf %sq, %x : f64
    %max = arith.maximumf %min, %y : f64
    %eq = arith.cmpf oeq, %x, %y : f64
    %ne = arith.cmpf une, %x, %y : f64
    %lt = arith.cmpf olt, %x, %y : f64
    %gt = arith.cmpf ogt, %x, %y : f64
    %le = arith.cmpf ole, %x, %y : f64
    %ge = arith.cmpf oge, %x, %y : f64
    %and = arith.andi %eq, %ne : i1
    %or = arith.ori %lt, %gt : i1
    %true = arith.constant true
    %not = arith.xori %le, %true : i1
    %c1 = arith.andi %and, %or : i1
    %c2 = arith.ori %c1, %not : i1
    %c3 = arith.andi %c2, %ge : i1
    %sel = arith.select %c3, %max, %x : f64
    %sin = math.sin %sel : f64
    %cos = math.cos %sin : f64
    %exp = math.exp %cos : f64
    %pow = math.powf %exp, %y : f64
    %sqrt = math.sqrt %pow : f64
    %ln = math.log %sqrt : f64
    %log2 = math.log2 %ln : f64
    %log10 = math.log10 %log2 : f64
    xgrad.accumulate %log10 at [%i] : f64
  }
  xgrad.target "all" %all : tensor<?xf64>
}

// Exprgrad's Array[T]: a literal list, its length, a read at an index.
// CHECK-LABEL: xgrad.graph @arrays
// CHECK: %[[T:.*]] = xgrad.array[%{{.*}}, %{{.*}}, %{{.*}}] : f32, f32, f32 -> !xgrad.array<3, f32>
// CHECK: xgrad.array_len %[[T]] : !xgrad.array<3, f32>
// CHECK: xgrad.array_read %[[T]][%{{.*}}] : !xgrad.array<3, f32>
// CHECK: xgrad.array[%{{.*}}, %{{.*}}] : index, index -> !xgrad.array<2, index>
// GENERIC-LABEL: "xgrad.graph"() <{sym_name = "arrays"}>
// GENERIC: "xgrad.array"(%{{.*}}, %{{.*}}, %{{.*}}) : (f32, f32, f32) -> !xgrad.array<3, f32>
// GENERIC: "xgrad.array_read"(%{{.*}}, %{{.*}}) : (!xgrad.array<3, f32>, index) -> f32
xgrad.graph @arrays {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel "lookup" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i] : tensor<?xf32>
    %c0 = arith.constant 0.25 : f32
    %c1 = arith.constant 0.5 : f32
    %table = xgrad.array [%c0, %c1, %v] : f32, f32, f32 -> !xgrad.array<3, f32>
    %n = xgrad.array_len %table : !xgrad.array<3, f32>
    %at = xgrad.wrap %i, %n
    %e = xgrad.array_read %table[%at] : !xgrad.array<3, f32>
    %one = arith.constant 1 : index
    %two = arith.constant 2 : index
    %indices = xgrad.array [%one, %two] : index, index -> !xgrad.array<2, index>
    xgrad.accumulate %e at [%i] : f32
  }
}
