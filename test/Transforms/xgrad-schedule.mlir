// RUN: xgrad-opt %s --xgrad-schedule | FileCheck %s

// A matmul (y, x, it) becomes (y, it, x): the innermost loop walks B and C contiguously.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
func.func @matmul(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>, %c: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>) outs(%c : tensor<?x?xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// Already contiguous innermost: unchanged.
// CHECK-LABEL: func.func @elementwise
// CHECK: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%arg0 : tensor<?x?xf32>)
func.func @elementwise(%a: tensor<?x?xf32>, %c: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<?x?xf32>) outs(%c : tensor<?x?xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// -----
// The default contraction schedule, for 16 vector registers of 8 floats (AVX2): B packed
// into 16-wide panels ([N / 16][K][16]) by a vectorized copy of 8 x 16 blocks, the product
// tiled 4 rows x 16 columns x 4 steps of the reduction, one vector.contract per tile whose
// accumulator is carried in registers across the reduction loop.
// RUN: xgrad-opt %s --split-input-file --xgrad-schedule=vector-width=8 | FileCheck %s --check-prefix=MATMUL
// MATMUL-LABEL: func.func @dense
// MATMUL: tensor.expand_shape %arg1 {{\[\[}}0], [1, 2]] output_shape [128, 2, 16]
// MATMUL: vector.transfer_read {{.*}} vector<1x8x16xf32>
// MATMUL: vector.transfer_write {{.*}} tensor<2x128x16xf32>
// MATMUL: scf.for {{.*}} step %c4
// MATMUL: %[[ACC:.*]] = vector.transfer_read {{.*}} vector<4x16xf32>
// MATMUL: scf.for {{.*}} iter_args({{.*}}, %[[C:.*]] = %[[ACC]])
// MATMUL: vector.contract {{.*}} : vector<4x4xf32>, vector<4x16xf32> into vector<4x16xf32>
// MATMUL-NOT: linalg.generic
// MATMUL: tensor.collapse_shape
// MATMUL-NOT: linalg.copy
func.func @dense(%a: tensor<64x128xf32>, %b: tensor<128x32xf32>) -> tensor<64x32xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<64x32xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<64x32xf32>) -> tensor<64x32xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<64x128xf32>, tensor<128x32xf32>) outs(%c : tensor<64x32xf32>) attrs = {xgrad.kernel = "dense"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x32xf32>
  return %r : tensor<64x32xf32>
}

// -----
// A dynamic batch: blocks of 64 rows get the register tile, the rows left over one-row
// tiles. A stored [k, m] (a weight gradient) is read as stored, no transposed copy: each
// reduction step's column of the register tile's rows is contiguous there. The result,
// computed in place, is returned as its leading rows: no copy of it into C.
// MATMUL-LABEL: func.func @batch
// MATMUL-NOT: linalg.transpose
// MATMUL: vector.transfer_read %arg0[{{.*}}], %{{.*}} {in_bounds = [true, true]} : tensor<128x?xf32>, vector<4x4xf32>
// MATMUL: vector.contract {{.*}} iterator_types = ["parallel", "reduction", "parallel"]{{.*}} : vector<4x4xf32>, vector<4x16xf32> into vector<4x16xf32>
// A one-row tile keeps its accumulator in registers across the reduction, and its
// contraction broadcasts A's element instead of multiplying a broadcast A elementwise (that
// lowered to a horizontal sum per column, 3 us a row at 100x784x10):
// MATMUL: scf.for {{.*}} iter_args({{.*}}) -> (tensor<?x1x16xf32>, vector<1x1x16xf32>)
// MATMUL: vector.contract {{.*}} : vector<4x1xf32>, vector<1x4x16xf32> into vector<1x1x16xf32>
// MATMUL-NOT: linalg.copy
// MATMUL: return
func.func @batch(%a: tensor<128x?xf32>, %b: tensor<128x16xf32>, %c: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<128x?xf32>, tensor<128x16xf32>) outs(%c : tensor<?x16xf32>) attrs = {xgrad.kernel = "batch"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x16xf32>
  return %r : tensor<?x16xf32>
}

// -----
// B stored [n, k] (a dense layer's input gradient, delta . weights^T) is packed into panels
// of 16 columns as stored: one copy, each block of 8 reduction steps x 16 columns read along
// k and transposed in registers, and no transposed copy of B before it.
// MATMUL-LABEL: func.func @input_gradient
// MATMUL-NOT: linalg.transpose
// MATMUL: tensor.expand_shape %arg1 {{\[\[}}0, 1], [2]] output_shape [2, 16, 128] : tensor<32x128xf32> into tensor<2x16x128xf32>
// MATMUL: vector.transfer_read {{.*}} : tensor<2x16x128xf32>, vector<1x8x16xf32>
// MATMUL: vector.transfer_write {{.*}} : vector<1x8x16xf32>, tensor<2x128x16xf32>
// MATMUL-NOT: linalg.transpose
// MATMUL: vector.contract {{.*}} : vector<4x4xf32>, vector<4x16xf32> into vector<4x16xf32>
func.func @input_gradient(%d: tensor<?x128xf32>, %w: tensor<32x128xf32>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%d, %w : tensor<?x128xf32>, tensor<32x128xf32>) outs(%c : tensor<?x32xf32>) attrs = {xgrad.kernel = "input_gradient"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}

// -----
// A convolution (Exprgrad's conv2d: out[b, y, x, f] ++= in[b, y + ky, x + kx, c] * w[f, ky, kx,
// c]) is computed one image at a time (a loop over b, the threads' loop), and each image's
// kernel becomes a product over a patches tensor (im2col) that stays in cache: rows (y, x),
// columns f, the reduction (ky, kx, c), each collapsed to one loop, then the contraction
// schedule. The filters, stored [f][ky kx c] (B transposed), are packed into panels
// [72][16] as stored, in one copy transposing vectorized blocks of 8 x 16: no separate
// transposed copy.
// MATMUL-LABEL: func.func @conv
// MATMUL: scf.for %[[IMAGE:.*]] = %c0 to %c2 step %c1
// MATMUL: tensor.extract_slice %arg0[%[[IMAGE]], 0, 0, 0] [1, 10, 10, 8] [1, 1, 1, 1]
// MATMUL: linalg.generic {{.*}} ins(%{{.*}} : tensor<1x10x10x8xf32>) outs({{.*}} : tensor<1x8x8x3x3x8xf32>) attrs = {xgrad.kernel = "conv.patches"}
// MATMUL: tensor.collapse_shape {{.*}} {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<1x8x8x3x3x8xf32> into tensor<64x72xf32>
// MATMUL-NOT: linalg.transpose
// MATMUL: vector.transfer_read {{.*}} : tensor<1x16x72xf32>, vector<1x8x16xf32>
// MATMUL-NOT: linalg.transpose
// MATMUL: vector.contract {{.*}} : vector<4x4xf32>, vector<4x16xf32> into vector<4x16xf32>
// MATMUL: tensor.expand_shape {{.*}} output_shape [1, 8, 8, 16] : tensor<64x16xf32> into tensor<1x8x8x16xf32>
// MATMUL: tensor.insert_slice {{.*}} into %{{.*}}[%[[IMAGE]], 0, 0, 0] [1, 8, 8, 16] [1, 1, 1, 1]
// MATMUL: } {xgrad.parallel_tiles}
func.func @conv(%in: tensor<2x10x10x8xf32>, %w: tensor<16x3x3x8xf32>, %init: tensor<2x8x8x16xf32>) -> tensor<2x8x8x16xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(b, y, x, f, ky, kx, c) -> (b, y + ky, x + kx, c)>, affine_map<(b, y, x, f, ky, kx, c) -> (f, ky, kx, c)>, affine_map<(b, y, x, f, ky, kx, c) -> (b, y, x, f)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%in, %w : tensor<2x10x10x8xf32>, tensor<16x3x3x8xf32>) outs(%init : tensor<2x8x8x16xf32>) attrs = {xgrad.kernel = "conv"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x8x8x16xf32>
  return %r : tensor<2x8x8x16xf32>
}

// -----
// A filter gradient (out[f, ky, kx, c] ++= in[b, y + ky, x + kx, c] * d[b, y, x, f]) stored
// columns first: its 25 columns (5 x 5 x 1) take no vector, its 8 rows (f) do. It is
// computed transposed, out^T[ky kx c, f] = patches[ky kx c, b y x] * d[b y x, f], both
// operands read as stored, in register tiles of 5 rows (the most that divide 25), and
// transposed back.
// MATMUL-LABEL: func.func @filter_gradient
// MATMUL: linalg.generic {{.*}} ins(%arg0 : tensor<2x28x28x1xf32>) outs({{.*}} : tensor<5x5x1x2x24x24xf32>) attrs = {{.*}}"filter_gradient.patches"
// MATMUL: linalg.transpose ins(%arg2 : tensor<8x5x5x1xf32>) outs({{.*}} : tensor<5x5x1x8xf32>) permutation = [1, 2, 3, 0]
// MATMUL: vector.contract {{.*}} : vector<5x4xf32>, vector<4x8xf32> into vector<5x8xf32>
// MATMUL: linalg.transpose ins({{.*}} : tensor<5x5x1x8xf32>) outs({{.*}} : tensor<8x5x5x1xf32>) permutation = [3, 0, 1, 2]
func.func @filter_gradient(%in: tensor<2x28x28x1xf32>, %d: tensor<2x24x24x8xf32>, %init: tensor<8x5x5x1xf32>) -> tensor<8x5x5x1xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(b, y, x, f, ky, kx, c) -> (b, y + ky, x + kx, c)>, affine_map<(b, y, x, f, ky, kx, c) -> (b, y, x, f)>, affine_map<(b, y, x, f, ky, kx, c) -> (f, ky, kx, c)>], iterator_types = ["reduction", "reduction", "reduction", "parallel", "parallel", "parallel", "parallel"]} ins(%in, %d : tensor<2x28x28x1xf32>, tensor<2x24x24x8xf32>) outs(%init : tensor<8x5x5x1xf32>) attrs = {xgrad.kernel = "filter_gradient"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %y, %x : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<8x5x5x1xf32>
  return %r : tensor<8x5x5x1xf32>
}

// -----
// 24 columns on a machine of 16-float vectors (AVX-512): the 8-float half of the registers
// divides N, so the tile is 8 columns wide; 40 rows take 8-row tiles (16 do not divide 40).
// RUN: xgrad-opt %s --split-input-file --xgrad-schedule=vector-width=16 | FileCheck %s --check-prefix=HALF
// HALF-LABEL: func.func @narrow
// HALF: tensor.expand_shape %arg1 {{\[\[}}0], [1, 2]] output_shape [24, 3, 8]
// HALF: vector.contract {{.*}} : vector<8x4xf32>, vector<4x8xf32> into vector<8x8xf32>
func.func @narrow(%a: tensor<40x24xf32>, %b: tensor<24x24xf32>) -> tensor<40x24xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<40x24xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<40x24xf32>) -> tensor<40x24xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<40x24xf32>, tensor<24x24xf32>) outs(%c : tensor<40x24xf32>) attrs = {xgrad.kernel = "narrow"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<40x24xf32>
  return %r : tensor<40x24xf32>
}

// -----
// 40 columns on a machine of 16-float vectors: the 32 that two vectors divide and the 8
// left over are scheduled apart, each with tiles as wide as it takes (8 x 32, 16 x 8).
// RUN: xgrad-opt %s --split-input-file --xgrad-schedule=vector-width=16 | FileCheck %s --check-prefix=SPLIT
// SPLIT-LABEL: func.func @split_columns
// SPLIT: tensor.extract_slice %arg1[0, 0] [8, 32] [1, 1]
// SPLIT: vector.contract {{.*}} : vector<8x4xf32>, vector<4x32xf32> into vector<8x32xf32>
// SPLIT: tensor.extract_slice %arg1[0, 32] [8, 8] [1, 1]
// SPLIT: vector.contract {{.*}} : vector<16x4xf32>, vector<4x8xf32> into vector<16x8xf32>
// SPLIT-NOT: linalg.generic
// SPLIT: return
func.func @split_columns(%a: tensor<16x8xf32>, %b: tensor<8x40xf32>) -> tensor<16x40xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<16x40xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<16x40xf32>) -> tensor<16x40xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<16x8xf32>, tensor<8x40xf32>) outs(%c : tensor<16x40xf32>) attrs = {xgrad.kernel = "split_columns"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x40xf32>
  return %r : tensor<16x40xf32>
}

// -----
// 10 columns (a dense layer to 10 classes): no vector divides them, so B is copied into
// zeros 16 columns wide, C's fill is 16 wide, and the product's users read its first 10.
// RUN: xgrad-opt %s --split-input-file --xgrad-schedule=vector-width=16 | FileCheck %s --check-prefix=PAD
// PAD-LABEL: func.func @pad_columns
// PAD: linalg.fill {{.*}} -> tensor<8x16xf32>
// PAD: linalg.copy ins(%arg1 : tensor<8x10xf32>)
// PAD: linalg.fill {{.*}} -> tensor<16x1x16xf32>
// PAD: vector.contract {{.*}} : vector<16x4xf32>, vector<4x16xf32> into vector<16x16xf32>
// PAD: %[[LEADING:.*]] = tensor.extract_slice {{.*}}[0, 0] [16, 10] [1, 1] : tensor<16x16xf32> to tensor<16x10xf32>
// PAD: return %[[LEADING]]
func.func @pad_columns(%a: tensor<16x8xf32>, %b: tensor<8x10xf32>) -> tensor<16x10xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<16x10xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<16x10xf32>) -> tensor<16x10xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<16x8xf32>, tensor<8x10xf32>) outs(%c : tensor<16x10xf32>) attrs = {xgrad.kernel = "pad_columns"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x10xf32>
  return %r : tensor<16x10xf32>
}

// -----
// The same 10 columns over a reduction of 7, which no register step divides: the padded
// product would not take the contraction schedule either, so nothing is padded.
// RUN: xgrad-opt %s --split-input-file --xgrad-schedule=vector-width=16 | FileCheck %s --check-prefix=NOPAD
// NOPAD-LABEL: func.func @unpadded_columns
// NOPAD-NOT: linalg.copy
// NOPAD: linalg.generic {{.*}} outs(%{{.*}} : tensor<16x10xf32>)
// NOPAD-NOT: vector.contract
// NOPAD-LABEL: func.func @pooling
func.func @unpadded_columns(%a: tensor<16x7xf32>, %b: tensor<7x10xf32>) -> tensor<16x10xf32> {
  %zero = arith.constant 0.0 : f32
  %empty = tensor.empty() : tensor<16x10xf32>
  %c = linalg.fill ins(%zero : f32) outs(%empty : tensor<16x10xf32>) -> tensor<16x10xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<16x7xf32>, tensor<7x10xf32>) outs(%c : tensor<16x10xf32>) attrs = {xgrad.kernel = "unpadded_columns"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x10xf32>
  return %r : tensor<16x10xf32>
}

// -----
// An elementwise kernel over static channels is vectorized along them: every outer loop
// tiled by one (the outermost one the threads' loop), one vector per tile. A 2 x 2 max
// pooling window's reads at `2 * y + dy` become strided slices read at (b, y, x, c) first.
// RUN: xgrad-opt %s --split-input-file --xgrad-schedule=vector-width=16 | FileCheck %s --check-prefix=ELEMENTWISE
// ELEMENTWISE-LABEL: func.func @pooling
// ELEMENTWISE: tensor.extract_slice %arg0[0, 0, 0, 0] [%{{.*}}, 2, 2, 8] [1, 2, 2, 1] : tensor<?x4x4x8xf32> to tensor<?x2x2x8xf32>
// ELEMENTWISE: tensor.extract_slice %arg0[0, 1, 1, 0] [%{{.*}}, 2, 2, 8] [1, 2, 2, 1] : tensor<?x4x4x8xf32> to tensor<?x2x2x8xf32>
// ELEMENTWISE: scf.for
// ELEMENTWISE-COUNT-2: vector.transfer_read {{.*}} : tensor<1x1x1x8xf32>, vector<1x1x1x8xf32>
// ELEMENTWISE: arith.maximumf {{.*}} : vector<1x1x1x8xf32>
// ELEMENTWISE: vector.transfer_write {{.*}} : vector<1x1x1x8xf32>, tensor<1x1x1x8xf32>
// ELEMENTWISE: } {xgrad.parallel_tiles}
func.func @pooling(%x: tensor<?x4x4x8xf32>, %init: tensor<?x2x2x8xf32>) -> tensor<?x2x2x8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(b, y, x, c) -> (b, y * 2, x * 2, c)>, affine_map<(b, y, x, c) -> (b, y * 2 + 1, x * 2 + 1, c)>, affine_map<(b, y, x, c) -> (b, y, x, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %x : tensor<?x4x4x8xf32>, tensor<?x4x4x8xf32>) outs(%init : tensor<?x2x2x8xf32>) attrs = {xgrad.kernel = "pool"} {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %m = arith.maximumf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?x2x2x8xf32>
  return %r : tensor<?x2x2x8xf32>
}

// -----
// 784 features: tiles of 16 (the widest multiple of the vector within four that divides
// 784); a dynamic innermost loop (above, @elementwise) or one no multiple of 4 is left to
// LLVM, its loops as they are.
// ELEMENTWISE-LABEL: func.func @features
// ELEMENTWISE: scf.for {{.*}} step %c1
// ELEMENTWISE: scf.for {{.*}} step %c16
// ELEMENTWISE: math.exp {{.*}} : vector<1x16xf32>
// ELEMENTWISE-LABEL: func.func @odd_features
// ELEMENTWISE-NOT: vector.
// ELEMENTWISE: linalg.generic
// ELEMENTWISE-LABEL: func.func @no_features
// ELEMENTWISE-NOT: vector.
// ELEMENTWISE: linalg.generic
func.func @features(%x: tensor<?x784xf32>, %init: tensor<?x784xf32>) -> tensor<?x784xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x784xf32>) outs(%init : tensor<?x784xf32>) {
  ^bb0(%a: f32, %out: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<?x784xf32>
  return %r : tensor<?x784xf32>
}
func.func @odd_features(%x: tensor<?x10xf32>, %init: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x10xf32>) outs(%init : tensor<?x10xf32>) {
  ^bb0(%a: f32, %out: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}
func.func @no_features(%x: tensor<?x0xf32>, %init: tensor<?x0xf32>) -> tensor<?x0xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x0xf32>) outs(%init : tensor<?x0xf32>) {
  ^bb0(%a: f32, %out: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  } -> tensor<?x0xf32>
  return %r : tensor<?x0xf32>
}

// -----
// A 3x3 8->16 layer's filter gradient, out[f][ky kx c] (16 x 72), would split its 72
// columns into 64 and 8 for 16-float vectors; computed transposed, its 16 filters are one
// panel and its 72 rows whole register tiles.
// ELEMENTWISE-LABEL: func.func @filter_gradient_one_panel
// ELEMENTWISE: linalg.transpose ins(%arg2 : tensor<16x3x3x8xf32>) outs({{.*}} : tensor<3x3x8x16xf32>) permutation = [1, 2, 3, 0]
// ELEMENTWISE: vector.contract {{.*}} into vector<8x16xf32>
// ELEMENTWISE-NOT: vector.contract
// ELEMENTWISE: linalg.transpose ins({{.*}} : tensor<3x3x8x16xf32>) outs({{.*}} : tensor<16x3x3x8xf32>) permutation = [3, 0, 1, 2]
func.func @filter_gradient_one_panel(%in: tensor<4x12x12x8xf32>, %d: tensor<4x10x10x16xf32>, %init: tensor<16x3x3x8xf32>) -> tensor<16x3x3x8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(b, y, x, f, ky, kx, c) -> (b, y + ky, x + kx, c)>, affine_map<(b, y, x, f, ky, kx, c) -> (b, y, x, f)>, affine_map<(b, y, x, f, ky, kx, c) -> (f, ky, kx, c)>], iterator_types = ["reduction", "reduction", "reduction", "parallel", "parallel", "parallel", "parallel"]} ins(%in, %d : tensor<4x12x12x8xf32>, tensor<4x10x10x16xf32>) outs(%init : tensor<16x3x3x8xf32>) attrs = {xgrad.kernel = "filter_gradient"} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %y, %x : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<16x3x3x8xf32>
  return %r : tensor<16x3x3x8xf32>
}
