// RUN: xgrad-opt %s --split-input-file --xgrad-fuse-elementwise | FileCheck %s
// RUN: xgrad-opt %s --split-input-file --xgrad-fuse-elementwise="library=%S/Inputs/tile-scale.mlir" | FileCheck %s --check-prefix=LIBRARY

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// A dense layer's epilogue: the bias, added into the product's result, and the activation
// become one kernel, which reads the product's result and the bias and writes the
// activation; no tensor holds the biased values, and the fill of the activation's zeros
// is gone (each element is written once). The product stays as it is; the fused kernel
// keeps the reader's name.
// CHECK-LABEL: func.func @bias_relu
// CHECK: %[[PRODUCT:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: %[[EMPTY:.*]] = tensor.empty(%{{.*}}) : tensor<?x16xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%arg2, %[[PRODUCT]] : tensor<16xf32>, tensor<?x16xf32>) outs(%[[EMPTY]] : tensor<?x16xf32>) attrs =  {xgrad.kernel = "relu"}
// CHECK-NEXT: ^bb0(%[[B:.*]]: f32, %[[P:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[P]], %[[B]]
// CHECK-NEXT: arith.cmpf oge, %[[SUM]]
// CHECK-NEXT: %[[MAX:.*]] = arith.select
// CHECK-NEXT: linalg.yield %[[MAX]] : f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[RELU]]
func.func @bias_relu(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<?x16xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %rows = tensor.dim %x, %c0 : tensor<?x8xf32>
  %empty = tensor.empty(%rows) : tensor<?x16xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x16xf32>) -> tensor<?x16xf32>
  %product = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %w : tensor<?x8xf32>, tensor<8x16xf32>) outs(%zeros : tensor<?x16xf32>) attrs = {xgrad.kernel = "dense"} {
  ^bb0(%a: f32, %bw: f32, %acc: f32):
    %m = arith.mulf %a, %bw : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<?x16xf32>
  %biased = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<16xf32>) outs(%product : tensor<?x16xf32>) attrs = {xgrad.kernel = "dense.bias"} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<?x16xf32>
  %zeros2 = linalg.fill ins(%zero : f32) outs(%empty : tensor<?x16xf32>) -> tensor<?x16xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%biased : tensor<?x16xf32>) outs(%zeros2 : tensor<?x16xf32>) attrs = {xgrad.kernel = "relu"} {
  ^bb0(%in: f32, %out: f32):
    %positive = arith.cmpf oge, %in, %zero : f32
    %max = arith.select %positive, %in, %zero : f32
    %s = arith.addf %out, %max : f32
    linalg.yield %s : f32
  } -> tensor<?x16xf32>
  return %relu : tensor<?x16xf32>
}

// -----

#flat = affine_map<(d0) -> (d0)>

// A flattened elementwise kernel (flat reads) between reshapes takes its neighbours' 2-d
// shape and is fused with the kernel reading it: the reshapes are gone.
// CHECK-LABEL: func.func @flattened
// CHECK-NOT: tensor.collapse_shape
// CHECK-NOT: tensor.expand_shape
// CHECK: %[[FUSED:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<?x4xf32>) {{.*}} attrs =  {xgrad.kernel = "twice"}
// CHECK: math.exp
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
// CHECK: return %[[FUSED]]
func.func @flattened(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %rows = tensor.dim %x, %c0 : tensor<?x4xf32>
  %flat = tensor.collapse_shape %x [[0, 1]] : tensor<?x4xf32> into tensor<?xf32>
  %size = tensor.dim %flat, %c0 : tensor<?xf32>
  %empty = tensor.empty(%size) : tensor<?xf32>
  %exp = linalg.generic {indexing_maps = [#flat, #flat], iterator_types = ["parallel"]} ins(%flat : tensor<?xf32>) outs(%empty : tensor<?xf32>) attrs = {xgrad.kernel = "exp"} {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  } -> tensor<?xf32>
  %shaped = tensor.expand_shape %exp [[0, 1]] output_shape [%rows, 4] : tensor<?xf32> into tensor<?x4xf32>
  %empty2 = tensor.empty(%rows) : tensor<?x4xf32>
  %twice = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%shaped : tensor<?x4xf32>) outs(%empty2 : tensor<?x4xf32>) attrs = {xgrad.kernel = "twice"} {
  ^bb0(%in: f32, %out: f32):
    %two = arith.constant 2.0 : f32
    %t = arith.mulf %in, %two : f32
    linalg.yield %t : f32
  } -> tensor<?x4xf32>
  return %twice : tensor<?x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// Not fused: a result two kernels read (it would be computed twice), a product's operand
// (recomputed for every column), and a kernel starting from ones (not written once).
// CHECK-LABEL: func.func @kept_apart
// CHECK: xgrad.kernel = "square"
// CHECK: xgrad.kernel = "product"
// CHECK: xgrad.kernel = "plus_ones"
// CHECK: linalg.fill
// CHECK: xgrad.kernel = "sum_with_ones"
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %[[OUT:.*]]: f32):
// CHECK-NEXT: arith.addf %[[OUT]]
func.func @kept_apart(%x: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>) {
  %empty = tensor.empty() : tensor<8x8xf32>
  %square = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x8xf32>) outs(%empty : tensor<8x8xf32>) attrs = {xgrad.kernel = "square"} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.mulf %in, %in : f32
    linalg.yield %s : f32
  } -> tensor<8x8xf32>
  %product = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%square, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%empty : tensor<8x8xf32>) attrs = {xgrad.kernel = "product"} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<8x8xf32>
  %plus = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%square : tensor<8x8xf32>) outs(%empty : tensor<8x8xf32>) attrs = {xgrad.kernel = "plus_ones"} {
  ^bb0(%in: f32, %out: f32):
    %one = arith.constant 1.0 : f32
    %s = arith.addf %in, %one : f32
    linalg.yield %s : f32
  } -> tensor<8x8xf32>
  %one = arith.constant 1.0 : f32
  %ones = linalg.fill ins(%one : f32) outs(%empty : tensor<8x8xf32>) -> tensor<8x8xf32>
  %summed = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x8xf32>) outs(%ones : tensor<8x8xf32>) attrs = {xgrad.kernel = "sum_with_ones"} {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  } -> tensor<8x8xf32>
  return %product, %plus, %summed : tensor<8x8xf32>, tensor<8x8xf32>, tensor<8x8xf32>
}

// -----

// A relu read by a 2 x 2 max pooling window, through four inputs at `2 * y + dy`: each
// element is read once, so the relu is computed in the window (no 4-D temporary). A kernel
// reading a result twice where one read misses a loop (a broadcast along x) would compute it
// once per x: not fused.
// CHECK-LABEL: func.func @pooling_window
// CHECK-NOT: xgrad.kernel = "relu"
// CHECK: linalg.generic {{.*}} ins(%arg0, %arg0, %arg0, %arg0 : {{.*}}) {{.*}} attrs = {xgrad.kernel = "pool"}
// CHECK-COUNT-4: arith.select
// CHECK: arith.maximumf
// CHECK: xgrad.kernel = "double"
// CHECK: xgrad.kernel = "broadcast_twice"
#window00 = affine_map<(b, y, x, c) -> (b, y * 2, x * 2, c)>
#window10 = affine_map<(b, y, x, c) -> (b, y * 2 + 1, x * 2, c)>
#window01 = affine_map<(b, y, x, c) -> (b, y * 2, x * 2 + 1, c)>
#window11 = affine_map<(b, y, x, c) -> (b, y * 2 + 1, x * 2 + 1, c)>
#id4 = affine_map<(b, y, x, c) -> (b, y, x, c)>
func.func @pooling_window(%x: tensor<?x4x4x8xf32>, %v: tensor<4x8xf32>) -> (tensor<?x2x2x8xf32>, tensor<4x4x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?x4x4x8xf32>
  %empty = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %relu = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x4x4x8xf32>) outs(%empty : tensor<?x4x4x8xf32>) attrs = {xgrad.kernel = "relu"} {
  ^bb0(%in: f32, %out: f32):
    %positive = arith.cmpf oge, %in, %zero : f32
    %r = arith.select %positive, %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x4x4x8xf32>
  %pooled_empty = tensor.empty(%n) : tensor<?x2x2x8xf32>
  %pool = linalg.generic {indexing_maps = [#window00, #window10, #window01, #window11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%relu, %relu, %relu, %relu : tensor<?x4x4x8xf32>, tensor<?x4x4x8xf32>, tensor<?x4x4x8xf32>, tensor<?x4x4x8xf32>) outs(%pooled_empty : tensor<?x2x2x8xf32>) attrs = {xgrad.kernel = "pool"} {
  ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %out: f32):
    %ab = arith.maximumf %a, %b : f32
    %cd = arith.maximumf %c, %d : f32
    %m = arith.maximumf %ab, %cd : f32
    linalg.yield %m : f32
  } -> tensor<?x2x2x8xf32>
  %vempty = tensor.empty() : tensor<4x8xf32>
  %double = linalg.generic {indexing_maps = [affine_map<(y, c) -> (y, c)>, affine_map<(y, c) -> (y, c)>], iterator_types = ["parallel", "parallel"]} ins(%v : tensor<4x8xf32>) outs(%vempty : tensor<4x8xf32>) attrs = {xgrad.kernel = "double"} {
  ^bb0(%in: f32, %out: f32):
    %d = arith.addf %in, %in : f32
    linalg.yield %d : f32
  } -> tensor<4x8xf32>
  %bempty = tensor.empty() : tensor<4x4x8xf32>
  %broadcast = linalg.generic {indexing_maps = [affine_map<(y, x, c) -> (y, c)>, affine_map<(y, x, c) -> (x, c)>, affine_map<(y, x, c) -> (y, x, c)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%double, %double : tensor<4x8xf32>, tensor<4x8xf32>) outs(%bempty : tensor<4x4x8xf32>) attrs = {xgrad.kernel = "broadcast_twice"} {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.mulf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x4x8xf32>
  return %pool, %broadcast : tensor<?x2x2x8xf32>, tensor<4x4x8xf32>
}

// -----

// A kernel the schedule library names (`scale`) keeps its own generic for its schedule;
// without the library it is fused into its reader.
// CHECK-LABEL: func.func @two_kernels
// CHECK-NOT: xgrad.kernel = "scale"
// CHECK: xgrad.kernel = "shift"
// LIBRARY-LABEL: func.func @two_kernels
// LIBRARY: xgrad.kernel = "scale"
// LIBRARY: xgrad.kernel = "shift"
func.func @two_kernels(%x: tensor<32xf32>) -> tensor<32xf32> {
  %empty = tensor.empty() : tensor<32xf32>
  %scaled = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<32xf32>) outs(%empty : tensor<32xf32>) attrs = {xgrad.kernel = "scale"} {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %shifted = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%scaled : tensor<32xf32>) outs(%empty : tensor<32xf32>) attrs = {xgrad.kernel = "shift"} {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %in : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  return %shifted : tensor<32xf32>
}

// -----

// A flattened tensor with two dynamic extents is not reshaped through (the expand_shape
// would crash expand-strided-metadata in LLVM 22): the 1-d kernel stays.
// CHECK-LABEL: func.func @two_dynamic_extents
// CHECK: tensor.collapse_shape
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel"]
func.func @two_dynamic_extents(%x: tensor<?x?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %flat = tensor.collapse_shape %x [[0, 1]] : tensor<?x?xf32> into tensor<?xf32>
  %size = tensor.dim %flat, %c0 : tensor<?xf32>
  %empty = tensor.empty(%size) : tensor<?xf32>
  %exp = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%flat : tensor<?xf32>) outs(%empty : tensor<?xf32>) attrs = {xgrad.kernel = "exp"} {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  } -> tensor<?xf32>
  return %exp : tensor<?xf32>
}

// -----

#flat = affine_map<(d0) -> (d0)>

// An optimizer's update of its state, `m{i} ++= m{i} * -0.1 + g{i} * 0.1`, flattened: the
// state is the caller's (bufferization may not write it), so the update takes the state's
// shape, reads it as an input (once) and writes a new tensor. Accumulated into the argument,
// bufferization would copy all of the state into a new buffer first.
// CHECK-LABEL: func.func @optimizer_state
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<8x4xf32>
// CHECK: %[[NEW:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<8x4xf32>, tensor<8x4xf32>) outs(%[[EMPTY]] : tensor<8x4xf32>) attrs =  {xgrad.kernel = "adam.m"}
// CHECK-NEXT: ^bb0(%[[M:.*]]: f32, %[[G:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[STEP:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[M]], %[[STEP]] : f32
// CHECK-NEXT: linalg.yield %[[SUM]] : f32
// CHECK: return %[[NEW]]
func.func @optimizer_state(%m: tensor<8x4xf32> {bufferization.writable = false}, %g: tensor<8x4xf32> {bufferization.writable = false}) -> tensor<8x4xf32> {
  %decay = arith.constant -0.1 : f32
  %rate = arith.constant 0.1 : f32
  %flat_m = tensor.collapse_shape %m [[0, 1]] : tensor<8x4xf32> into tensor<32xf32>
  %flat_g = tensor.collapse_shape %g [[0, 1]] : tensor<8x4xf32> into tensor<32xf32>
  %update = linalg.generic {indexing_maps = [#flat, #flat, #flat], iterator_types = ["parallel"]} ins(%flat_m, %flat_g : tensor<32xf32>, tensor<32xf32>) outs(%flat_m : tensor<32xf32>) attrs = {xgrad.kernel = "adam.m"} {
  ^bb0(%in: f32, %grad: f32, %out: f32):
    %a = arith.mulf %in, %decay : f32
    %b = arith.mulf %grad, %rate : f32
    %step = arith.addf %a, %b : f32
    %sum = arith.addf %out, %step : f32
    linalg.yield %sum : f32
  } -> tensor<32xf32>
  %new = tensor.expand_shape %update [[0, 1]] output_shape [8, 4] : tensor<32xf32> into tensor<8x4xf32>
  return %new : tensor<8x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A tensor the function may write (its own, or a writable argument) is accumulated into as
// it was: bufferization updates it in place, with no copy to save.
// CHECK-LABEL: func.func @writable_argument
// CHECK: linalg.generic {{.*}} ins(%arg1 : tensor<8x4xf32>) outs(%arg0 : tensor<8x4xf32>)
func.func @writable_argument(%m: tensor<8x4xf32>, %g: tensor<8x4xf32> {bufferization.writable = false}) -> tensor<8x4xf32> {
  %update = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%g : tensor<8x4xf32>) outs(%m : tensor<8x4xf32>) {
  ^bb0(%grad: f32, %out: f32):
    %sum = arith.addf %out, %grad : f32
    linalg.yield %sum : f32
  } -> tensor<8x4xf32>
  return %update : tensor<8x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// An optimizer's moment update, read by the parameter's update and returned as state, is
// computed inside the parameter's update, which writes both: one kernel reads the gradient,
// the moment and the parameter once, and no caller's tensor is accumulated into (each is an
// input, the results new tensors). A result a kernel that cannot take it (a reduction) reads
// before the elementwise reader stays apart: the fused kernel would come after that read.
// CHECK-LABEL: func.func @moment_and_step
// CHECK-NOT: xgrad.kernel = "adam.m"
// CHECK: %[[FUSED:.*]]:2 = linalg.generic {{.*}} ins(%arg1, %arg0, %arg2 : tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>) outs(%{{.*}}, %{{.*}} : tensor<8x4xf32>, tensor<8x4xf32>) attrs = {xgrad.kernel = "adam.step"}
// CHECK-NEXT: ^bb0(%[[G:.*]]: f32, %[[M:.*]]: f32, %[[W:.*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[MOMENT:.*]] = arith.addf %[[M]], %[[G]] : f32
// CHECK-NEXT: %[[SCALED:.*]] = arith.mulf %[[MOMENT]], %{{.*}} : f32
// CHECK-NEXT: %[[STEP:.*]] = arith.subf %[[W]], %[[SCALED]] : f32
// CHECK-NEXT: linalg.yield %[[MOMENT]], %[[STEP]] : f32, f32
// CHECK: return %[[FUSED]]#0, %[[FUSED]]#1
// CHECK-LABEL: func.func @read_before
// CHECK: xgrad.kernel = "moment"
// CHECK: xgrad.kernel = "early"
// CHECK: xgrad.kernel = "late"
func.func @moment_and_step(%m: tensor<8x4xf32> {bufferization.writable = false}, %g: tensor<8x4xf32> {bufferization.writable = false}, %w: tensor<8x4xf32> {bufferization.writable = false}) -> (tensor<8x4xf32>, tensor<8x4xf32>) {
  %rate = arith.constant 0.1 : f32
  %moment = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%g : tensor<8x4xf32>) outs(%m : tensor<8x4xf32>) attrs = {xgrad.kernel = "adam.m"} {
  ^bb0(%grad: f32, %out: f32):
    %sum = arith.addf %out, %grad : f32
    linalg.yield %sum : f32
  } -> tensor<8x4xf32>
  %step = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%moment : tensor<8x4xf32>) outs(%w : tensor<8x4xf32>) attrs = {xgrad.kernel = "adam.step"} {
  ^bb0(%mm: f32, %out: f32):
    %scaled = arith.mulf %mm, %rate : f32
    %new = arith.subf %out, %scaled : f32
    linalg.yield %new : f32
  } -> tensor<8x4xf32>
  return %moment, %step : tensor<8x4xf32>, tensor<8x4xf32>
}
func.func @read_before(%g: tensor<8x4xf32>) -> (tensor<8xf32>, tensor<8x4xf32>) {
  %empty = tensor.empty() : tensor<8x4xf32>
  %zero = arith.constant 0.0 : f32
  %rows = tensor.empty() : tensor<8xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%rows : tensor<8xf32>) -> tensor<8xf32>
  %moment = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%g : tensor<8x4xf32>) outs(%empty : tensor<8x4xf32>) attrs = {xgrad.kernel = "moment"} {
  ^bb0(%grad: f32, %out: f32):
    %d = arith.addf %grad, %grad : f32
    linalg.yield %d : f32
  } -> tensor<8x4xf32>
  %early = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%moment : tensor<8x4xf32>) outs(%zeros : tensor<8xf32>) attrs = {xgrad.kernel = "early"} {
  ^bb0(%mm: f32, %out: f32):
    %s = arith.addf %out, %mm : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %late = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d0)>, #id], iterator_types = ["parallel", "parallel"]} ins(%moment, %early : tensor<8x4xf32>, tensor<8xf32>) outs(%empty : tensor<8x4xf32>) attrs = {xgrad.kernel = "late"} {
  ^bb0(%mm: f32, %e: f32, %out: f32):
    %s = arith.subf %mm, %e : f32
    linalg.yield %s : f32
  } -> tensor<8x4xf32>
  return %early, %late : tensor<8xf32>, tensor<8x4xf32>
}
