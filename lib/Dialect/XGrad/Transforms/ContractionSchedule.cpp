//===- ContractionSchedule.cpp - the default schedule of a matrix product -===//
//
// The recipe and its measurements are in docs/Rationale.md ("The default schedule of a
// contraction"); each step is an upstream transform op.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/Transforms/ContractionSchedule.h"

#include "llvm/Support/FormatVariadic.h"

#include <array>

using namespace mlir;
using namespace mlir::xgrad;

/// The largest multiple of `step` that divides `extent` and is at most `limit`, or 0.
static int64_t largestDividingMultiple(int64_t extent, int64_t step, int64_t limit) {
  for (int64_t size = std::min(extent, limit) / step * step; size >= step; size -= step)
    if (extent % size == 0)
      return size;
  return 0;
}

namespace {
/// The loops of a matrix product: m and n are the result's dimensions, k the reduction.
struct ProductLoops {
  unsigned m, n, k;
};
} // namespace

/// The loops of `generic` when it is an f32 matrix product of the form the contraction
/// schedule takes (toMatrixProduct checks the rest).
static std::optional<ProductLoops> productLoops(linalg::GenericOp generic) {
  if (generic.getNumLoops() != 3 || !generic.hasPureTensorSemantics() ||
      !isMultiplyAccumulate(generic) ||
      !cast<ShapedType>(generic.getDpsInits()[0].getType()).getElementType().isF32())
    return std::nullopt;
  AffineMap out = generic.getIndexingMapsArray()[2];
  if (out.getNumResults() != 2 || !out.isProjectedPermutation())
    return std::nullopt;
  unsigned m = cast<AffineDimExpr>(out.getResult(0)).getPosition();
  unsigned n = cast<AffineDimExpr>(out.getResult(1)).getPosition();
  if (m == n)
    return std::nullopt;
  return ProductLoops{m, n, 3 - m - n};
}

std::optional<ContractionTiles>
mlir::xgrad::chooseContractionTiles(linalg::GenericOp generic, int64_t vectorWidth) {
  std::optional<ProductLoops> loops = productLoops(generic);
  if (!loops)
    return std::nullopt;
  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  return chooseContractionTiles(ranges[loops->m], ranges[loops->n], ranges[loops->k],
                                vectorWidth);
}

/// The product's loops and its static extents (m, n, k), or nothing when `generic` is no
/// product the schedule takes or its N is dynamic.
static std::optional<std::pair<ProductLoops, std::array<int64_t, 3>>>
staticColumns(linalg::GenericOp generic) {
  std::optional<ProductLoops> loops = productLoops(generic);
  if (!loops)
    return std::nullopt;
  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  if (ShapedType::isDynamic(ranges[loops->n]))
    return std::nullopt;
  return std::make_pair(*loops, std::array<int64_t, 3>{ranges[loops->m], ranges[loops->n],
                                                       ranges[loops->k]});
}

std::optional<ProductColumns> mlir::xgrad::chooseColumnSplit(linalg::GenericOp generic,
                                                             int64_t vectorWidth) {
  auto product = staticColumns(generic);
  if (!product)
    return std::nullopt;
  int64_t extentN = product->second[1];
  int64_t width = 2 * vectorWidth; // The register tile measured best is two vectors wide.
  if (extentN < width || extentN % width == 0)
    return std::nullopt;
  return ProductColumns{product->first.n, extentN / width * width};
}

int mlir::xgrad::contractionFit(int64_t extentM, int64_t extentN, int64_t extentK,
                                int64_t vectorWidth) {
  if (!chooseContractionTiles(extentM, extentN, extentK, vectorWidth))
    return 0;
  int64_t width = 2 * vectorWidth; // As chooseColumnSplit splits.
  return extentN >= width && extentN % width != 0 ? 1 : 2;
}

std::optional<ProductColumns> mlir::xgrad::chooseColumnPadding(linalg::GenericOp generic,
                                                               int64_t vectorWidth) {
  auto product = staticColumns(generic);
  if (!product)
    return std::nullopt;
  auto [extentM, extentN, extentK] = product->second;
  // Fewer than 4 columns (a matrix-vector product) stay loops: padding would multiply the
  // work. Two vectors or more are split first (chooseColumnSplit).
  if (extentN < 4 || extentN % 4 == 0 || extentN >= 2 * vectorWidth)
    return std::nullopt;
  int64_t multiple = extentN <= 8 ? 8 : std::min<int64_t>(16, vectorWidth);
  int64_t padded = (extentN + multiple - 1) / multiple * multiple;
  // Only when the padded product takes the contraction schedule (a reduction of 7 does not):
  // else the padding would be work for nothing.
  if (!chooseContractionTiles(extentM, padded, extentK, vectorWidth))
    return std::nullopt;
  return ProductColumns{product->first.n, padded};
}

std::optional<ContractionTiles> mlir::xgrad::chooseContractionTiles(int64_t extentM,
                                                                    int64_t extentN,
                                                                    int64_t extentK,
                                                                    int64_t vectorWidth) {
  ContractionTiles tiles;
  // N must be static and a multiple of the vector: B is packed into panels of registerN
  // columns (two vectors wide when that divides N, as measured best). When the widest
  // vector does not divide N, narrower ones may (AVX-512 machines have AVX2's 8-float
  // registers: 1000 columns ran at 0.10x OpenBLAS unscheduled).
  if (ShapedType::isDynamic(extentN))
    return std::nullopt;
  int64_t lanes = vectorWidth;
  while (lanes > 4 && extentN % lanes != 0)
    lanes /= 2;
  if (extentN % lanes != 0)
    return std::nullopt;
  // Register tiles as measured (docs/Rationale.md): with 32 vector registers (AVX-512)
  // 8 rows x 2 vectors, with 16 (AVX2) 4 rows x 2 vectors; one vector wide when two do not
  // divide N, and half the rows when that divides a static M the full count does not.
  // Cache tiles keep a panel of B (cacheK x registerN) in L1 and the A rows of a cache tile
  // in L2.
  bool wideFile = vectorWidth >= 16;
  bool twoVectors = extentN % (2 * lanes) == 0;
  tiles.registerN = twoVectors ? 2 * lanes : lanes;
  tiles.registerM = wideFile ? (twoVectors ? 8 : 16) : (twoVectors ? 4 : 8);
  if (!ShapedType::isDynamic(extentM) && extentM % tiles.registerM != 0 &&
      extentM % (tiles.registerM / 2) == 0)
    tiles.registerM /= 2;
  // A static M neither count divides (25 = 5 x 5 x 1, a filter gradient computed
  // transposed) takes the most rows that divide it within the register file (3/4 of it for
  // accumulators) instead of one-row tiles for what a block of two tiles leaves.
  if (!ShapedType::isDynamic(extentM) && extentM % tiles.registerM != 0) {
    int64_t accumulators = (wideFile ? 24 : 12) / (twoVectors ? 2 : 1);
    for (int64_t rows = std::min(extentM, accumulators); rows >= 4; --rows)
      if (extentM % rows == 0) {
        tiles.registerM = rows;
        break;
      }
  }
  int64_t cacheColumns = wideFile ? 512 : 128, cacheDepth = wideFile ? 512 : 256;
  int64_t panels = extentN / tiles.registerN;
  tiles.cacheNPanels =
      largestDividingMultiple(panels, 1, std::max<int64_t>(1, cacheColumns / tiles.registerN));

  if (ShapedType::isDynamic(extentM) || extentM % tiles.registerM != 0) {
    if (!ShapedType::isDynamic(extentM) && extentM < 2 * tiles.registerM)
      return std::nullopt;
    // Blocks of two register tiles: the rows left over (fewer than a block) run as one-row
    // tiles, far slower (a 32-row batch ran at 3.9 GFLOP/s in blocks of 64 rows, 118 in
    // blocks of 16; 10000 rows the same either way).
    tiles.peelM = true;
    tiles.cacheM = 2 * tiles.registerM;
  } else {
    tiles.cacheM = largestDividingMultiple(extentM, tiles.registerM, 64);
  }

  if (ShapedType::isDynamic(extentK)) {
    tiles.peelK = true;
    tiles.registerK = 4;
    tiles.cacheK = 0;
  } else {
    // A step of one leaves a unit reduction that folds away: no contraction to vectorize.
    tiles.registerK = 0;
    for (int64_t step : {4, 8, 5, 6, 3, 2})
      if (extentK % step == 0) {
        tiles.registerK = step;
        break;
      }
    if (tiles.registerK == 0)
      return std::nullopt;
    tiles.cacheK = extentK <= cacheDepth
                       ? 0
                       : largestDividingMultiple(extentK, tiles.registerK, cacheDepth);
    // Copies of 8 reduction steps (a transpose of B then moves 8 x registerN blocks: the
    // dense layer's input gradient went from 0.50x to 0.78x OpenBLAS; 4 and 16 measured
    // the same as 8, untransposed copies the same as steps of 1).
    for (int64_t depth : {8, 4})
      if (extentK % depth == 0) {
        tiles.copyDepth = depth;
        break;
      }
  }
  return tiles;
}

std::string mlir::xgrad::contractionScheduleSource(llvm::StringRef name,
                                                   const ContractionTiles &tiles) {
  std::string body;
  llvm::raw_string_ostream os(body);
  int cacheLoops = (tiles.cacheM != 0) + (tiles.cacheNPanels != 0) + (tiles.cacheK != 0);
  auto results = [](int count) {
    std::string types;
    for (int i = 0; i < count; ++i)
      types += ", !transform.any_op";
    return types;
  };
  // 1. Pack B into panels of registerN columns, panels outermost ([N / nr][K][nr]): B stored
  //    [K][N] is packed [K][N / nr][nr] and its outer dimensions swapped; B stored [N][K]
  //    packs into panels as it is, transposing each (step 3). C's pack is a reshape.
  os << R"(
    %func = transform.get_parent_op %kernel {op_name = "func.func"} : (!transform.any_op) -> !transform.any_op
)";
  // MLIR 22 packs a linalg.matmul reading B[n, k] along k, and vectorizes one reading
  // A[k, m] over the wrong dimensions: a product reading either stays a generic.
  bool named = !tiles.transposedA && !tiles.transposedB;
  if (named)
    os << R"(
    %matmul = transform.structured.specialize %kernel : (!transform.any_op) -> !transform.any_op
)";
  os << llvm::formatv(R"(
    %packed = transform.structured.pack %{1} packed_sizes = [0, {0}, 0]
      : (!transform.any_op) -> !transform.op<"linalg.generic">
    %pack_b = transform.get_producer_of_operand %packed[1]
      : (!transform.op<"linalg.generic">) -> !transform.op<"linalg.pack">
)",
                      tiles.registerN, named ? "matmul" : "kernel");
  if (tiles.transposedB)
    os << R"(
    %compute = transform.cast %packed : !transform.op<"linalg.generic"> to !transform.op<"linalg.generic">
    %pack_b_panels = transform.cast %pack_b : !transform.op<"linalg.pack"> to !transform.op<"linalg.pack">
)";
  else
    os << R"(
    %compute, %pack_b_panels, %unpack_none = transform.structured.pack_transpose %pack_b
      with_compute_op(%packed) outer_perm = [1, 0]
      : (!transform.op<"linalg.pack">, !transform.op<"linalg.generic">)
      -> (!transform.op<"linalg.generic">, !transform.op<"linalg.pack">, !transform.any_op)
)";
  os << R"(
    %pack_c = transform.get_producer_of_operand %compute[2]
      : (!transform.op<"linalg.generic">) -> !transform.op<"linalg.pack">
    %unpack_c = transform.get_consumers_of_result %compute[0]
      : (!transform.op<"linalg.generic">) -> !transform.op<"linalg.unpack">
)";
  // 2. Cache tiles over (m, panels, k), then the register tile in (panel, m, k) order.
  if (cacheLoops == 0)
    os << "    %cache = transform.cast %compute : !transform.op<\"linalg.generic\"> to "
          "!transform.any_op\n";
  else
    os << llvm::formatv(R"(
    %cache, %cache_loops:{0} = transform.structured.tile_using_for %compute
      tile_sizes [{1}, {2}, {3}, 0] : (!transform.op<"linalg.generic">) -> (!transform.any_op{4})
)",
                        cacheLoops, tiles.cacheM, tiles.cacheNPanels, tiles.cacheK,
                        results(cacheLoops));
  // Row blocks write disjoint tiles of C and split no reduction: the loop threads share
  // (xgrad-outer-parallel), with the bits of one thread.
  if (tiles.cacheM != 0)
    os << "    transform.annotate %cache_loops#0 \"xgrad.parallel_tiles\" : !transform.any_op\n";
  auto registerTile = [&](llvm::StringRef result, llvm::StringRef target, int64_t rows) {
    os << llvm::formatv(R"(
    %{0}, %{0}_loops:3 = transform.structured.tile_using_for %{1} tile_sizes [{2}, 1, {3}, 0]
      interchange = [1, 0, 2, 3] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
)",
                        result, target, rows, tiles.registerK);
    if (!tiles.peelK)
      return;
    // The last, partial step of a dynamic reduction stays a scalar loop.
    os << llvm::formatv(R"(
    %{0}_k = transform.cast %{0}_loops#2 : !transform.any_op to !transform.op<"scf.for">
    %{0}_steps, %{0}_steps_rest = transform.loop.peel %{0}_k : (!transform.op<"scf.for">) -> (!transform.any_op, !transform.any_op)
    %{0}_full = transform.structured.match ops{{["linalg.generic"]} in %{0}_steps : (!transform.any_op) -> !transform.any_op
)",
                        result);
  };
  if (tiles.peelM) {
    // Full blocks of cacheM rows get the register tile; the rows left over get tiles of one
    // row (still vectorized along N).
    os << R"(
    %row_loop = transform.cast %cache_loops#0 : !transform.any_op to !transform.op<"scf.for">
    %rows, %rows_rest = transform.loop.peel %row_loop : (!transform.op<"scf.for">) -> (!transform.any_op, !transform.any_op)
    %cache_full = transform.structured.match ops{["linalg.generic"]} in %rows : (!transform.any_op) -> !transform.any_op
    %cache_part = transform.structured.match ops{["linalg.generic"]} in %rows_rest : (!transform.any_op) -> !transform.any_op
)";
    registerTile("reg", "cache_full", tiles.registerM);
    registerTile("row", "cache_part", 1);
    os << llvm::formatv("    %full = transform.cast %{0} : !transform.any_op to !transform.any_op\n",
                        tiles.peelK ? "reg_full" : "reg");
    // One-row tiles are a vector-matrix product, which has no named op: vectorized as a
    // generic, with their unit dimensions kept (the accumulator's read and write then match,
    // and the hoisting below keeps it in registers), and A's broadcast folded into the
    // contraction (else it multiplies a broadcast A elementwise and lowers to a horizontal
    // sum per column: 3 us a row at 100x784x10, against 0.6 now).
    os << llvm::formatv(R"(
    %row_tile_loops = transform.get_parent_op %{0} {{deduplicate, op_name = "scf.for"} : (!transform.any_op) -> !transform.any_op
    transform.annotate %row_tile_loops "xgrad.register_tiles" : !transform.any_op
    transform.foreach %row_tile_loops : !transform.any_op {{
    ^bb0(%one_row_loop: !transform.any_op):
      %row_tile = transform.structured.match ops{{["linalg.generic"]} in %one_row_loop : (!transform.any_op) -> !transform.any_op
      transform.structured.vectorize %row_tile : !transform.any_op
      transform.apply_patterns to %one_row_loop {{
        transform.apply_patterns.vector.transfer_permutation_patterns
        transform.apply_patterns.vector.reduction_to_contract
        transform.apply_patterns.canonicalization
      } : !transform.any_op
    }
)",
                        tiles.peelK ? "row_full" : "row");
  } else {
    os << "    %cache_full = transform.cast %cache : !transform.any_op to !transform.any_op\n";
    registerTile("reg", "cache_full", tiles.registerM);
    os << llvm::formatv("    %full = transform.cast %{0} : !transform.any_op to !transform.any_op\n",
                        tiles.peelK ? "reg_full" : "reg");
  }
  // 3. The pack of B becomes a vectorized copy; C's pack and unpack become reshapes.
  os << llvm::formatv(R"(
    %pad, %expand, %transpose = transform.structured.lower_pack %pack_b_panels
      : (!transform.op<"linalg.pack">) -> (!transform.op<"tensor.pad">, !transform.op<"tensor.expand_shape">, !transform.op<"linalg.transpose">)
    %copy_rows, %copy_loops:2 = transform.structured.tile_using_for %transpose tile_sizes [1, {0}, 0]
      : (!transform.op<"linalg.transpose">) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.structured.vectorize %copy_rows : !transform.any_op
    transform.annotate %copy_loops#0 "xgrad.parallel_tiles" : !transform.any_op
    %c_pad, %c_expand, %c_transpose = transform.structured.lower_pack %pack_c
      : (!transform.op<"linalg.pack">) -> (!transform.op<"tensor.pad">, !transform.op<"tensor.expand_shape">, !transform.op<"linalg.transpose">)
    %u_empty, %u_transpose, %u_collapse, %u_slice = transform.structured.lower_unpack %unpack_c
      : (!transform.op<"linalg.unpack">) -> (!transform.op<"tensor.empty">, !transform.op<"linalg.transpose">, !transform.op<"tensor.collapse_shape">, !transform.op<"tensor.extract_slice">)
)",
                      tiles.copyDepth);
  // 4. Each full register tile: drop the unit panel dimension, become a linalg.matmul and
  //    vectorize to one vector.contract. A tile reading A [k][m] stays a generic (MLIR 22's
  //    matmul of it vectorizes to a contraction over the wrong dimensions), its reduction
  //    becoming the contraction all the same.
  os << R"(
    %tile_loops = transform.get_parent_op %full {deduplicate, op_name = "scf.for"} : (!transform.any_op) -> !transform.any_op
    transform.annotate %tile_loops "xgrad.register_tiles" : !transform.any_op
    transform.foreach %tile_loops : !transform.any_op {
    ^bb0(%tile_loop: !transform.any_op):
      transform.apply_patterns to %tile_loop {
        transform.apply_patterns.linalg.fold_unit_extent_dims_via_slices
        transform.apply_patterns.tensor.merge_consecutive_insert_extract_slice
        transform.apply_patterns.canonicalization
      } : !transform.any_op
      %tile = transform.structured.match ops{["linalg.generic"]} in %tile_loop : (!transform.any_op) -> !transform.any_op
)";
  if (tiles.transposedA)
    os << R"(
      transform.structured.vectorize %tile : !transform.any_op
      transform.apply_patterns to %tile_loop {
        transform.apply_patterns.vector.transfer_permutation_patterns
        transform.apply_patterns.vector.reduction_to_contract
        transform.apply_patterns.canonicalization
      } : !transform.any_op
)";
  else
    os << R"(
      %tile_matmul = transform.structured.specialize %tile : (!transform.any_op) -> !transform.any_op
      transform.structured.vectorize %tile_matmul {create_named_contraction} : !transform.any_op
)";
  os << "    }\n";
  os << R"(
    transform.apply_patterns to %func {
      transform.apply_patterns.vector.reduction_to_contract
      transform.apply_patterns.tensor.fold_tensor_subset_ops_into_vector_transfers
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %func : !transform.any_op
    %k_loops = transform.structured.match ops{["scf.for"]} attributes{xgrad.register_tiles} in %func
      : (!transform.any_op) -> !transform.any_op
    transform.loop.hoist_loop_invariant_subsets %k_loops : !transform.any_op
)";
  return llvm::formatv(R"(module attributes {{transform.with_named_sequence} {{
  transform.named_sequence @{0}(%kernel: !transform.any_op {{transform.consumed}) {{{1}
    transform.yield
  }
}
)",
                       name, body)
      .str();
}
