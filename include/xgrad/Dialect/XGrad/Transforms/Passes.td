//===- Passes.td - xgrad passes ----------------------------*- tablegen -*-===//
#ifndef XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_TD
#define XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def XGradInferShapes : Pass<"xgrad-infer-shapes", "GraphOp"> {
  let summary = "Infers every iterator's range and every kernel's result shape";
  let description = [{
    For each kernel of a graph, in order, the range of every iterator comes from the
    accesses where it is a plain index (`a[y, it]`: the extent of that dimension), then from
    affine index expressions solved for it (`a[y + ky]`: `extent - range(ky) + 1`). The
    result shape comes from `shape` (withShape), `like` (copyShape), the init tensor, or the
    write indices; a flat write `{it}` whose iterator comes from a flat read copies that
    tensor's shape.

    The pass fills in `bounds` and `shape`, gives results ranked types (static where
    known), and makes every access provably in bounds: two extents that must agree are a
    static error when both are known and an `xgrad.check` otherwise; so is every affine or
    `div`/`mod`/`wrap` index whose largest value could exceed its dimension. Indices it cannot
    bound (computed from Scalars) are marked `checked` and tested element by element.

    With `explain=true` each inferred range and shape is reported as a remark that says where
    it came from.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let options = [
    Option<"explain", "explain", "bool", /*default=*/"false",
           "Emit a remark for every inferred range and shape, naming its source">
  ];
}

def XGradAutodiff : Pass<"xgrad-autodiff", "GraphOp"> {
  let summary = "Expands backprop and gradient ops into gradient kernels and optimizer steps";
  let description = [{
    Reverse-mode differentiation of a graph. From the loss, whose gradient starts at 1 for
    every element, it derives in reverse order a gradient for every tensor the loss depends
    on: a read `a[r(i)]` in `out[w(i)] ++= f(...)` contributes the kernel
    `grad(a)[r(i)] ++= grad(out)[w(i)] * df/da` over the same iterators (a scatter where
    `r` is computed). Every use contributes: reads of one tensor in several kernels or twice
    in one, `let` values used twice, and the init chain of a repeated `++=`. Derivatives come
    from DifferentiableOpInterface; a kernel's `grad` region replaces the derived gradient
    of the values it covers. Reads whose value the result does not depend on produce no
    kernel. Kernels must have inferred bounds; the new kernels reuse them and
    `--xgrad-infer-shapes` gives them shapes.

    `xgrad.backprop` becomes the optimizer region instantiated per parameter with a
    gradient (its state as `xgrad.cached "<state>.<param>"`) and one `xgrad.update`.
    `xgrad.gradient` becomes the gradient tensor. The output is ordinary xgrad IR, so
    running the pass again differentiates gradients.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def XGradDataParallel : Pass<"xgrad-data-parallel", "GraphOp"> {
  let summary = "All-reduces every training step's gradients over the ranks of an MPI run";
  let description = [{
    Data parallelism: every rank runs the same step on its share of the global batch. After
    `--xgrad-autodiff` each `xgrad.update` names its parameters' gradients; the pass
    inserts one `xgrad.all_reduce` of all of them (one buffer per step, not one per
    parameter) right after the last gradient kernel, and the optimizer reads the reduced
    gradients. Nothing else changes: the gradient kernels and the optimizer are the ones a
    single process runs.

    The step's loss travels in the same buffer (when its shape is static), so every rank's
    training target returns the global batch's loss.

    With `loss-reduction=mean` (the default: the layers library's losses all divide by the
    batch size) the gradients are weighted by each rank's rows, the first extent of the
    first input the loss depends on, so that N ranks on shares of a batch of B rows compute
    what one process computes on the whole batch, whatever the shares. `loss-reduction=sum`
    is for a loss summed over the rows: the gradients are added.
  }];
  let options = [
    Option<"lossReduction", "loss-reduction", "std::string", /*default=*/"\"mean\"",
           "How the loss combines its batch rows: `mean` or `sum`">
  ];
}

def XGradMaterializeTargets : Pass<"xgrad-materialize-targets", "ModuleOp"> {
  let summary = "Turns each target of each graph into a func.func over inputs and model state";
  let description = [{
    Target `t` of graph `@g` becomes `func.func @g.t`. Its arguments are the inputs the
    target needs (`{xgrad.input = "x"}`), the model state it reads (parameters and cached
    values, `{xgrad.state = "w"}`), then the epoch and training-step counters
    (`{xgrad.epoch}`, `{xgrad.step}`) and the `memref<5xi64>` a failed run-time check
    writes (`{xgrad.status}`), always last and in that order. Its
    results are the target's value (`{xgrad.output = "t"}`) followed by the new value of
    every state it updates (`{xgrad.state = "w"}`). State is passed in rather than global so
    that several models, or copies of one, live in one process.

    Each graph's state is declared on the module as `xgrad.state.<graph>`: one dictionary per
    parameter or cache with its name, type, initializer and seed. The graph is erased; every
    kernel must already have its shapes inferred.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::arith::ArithDialect"];
}

def XGradFuseElementwise : Pass<"xgrad-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Computes elementwise kernels inside the kernel that reads their result";
  let description = [{
    Before the schedules (`xgrad-schedule`), on `linalg.generic` kernels:

    - an elementwise kernel `out[i] ++= v` into a tensor of zeros becomes `out[i] = v`
      (its init a `tensor.empty`): each element is written once, so no fill is written and
      read back (`0 + v` and `v` differ only in the sign of a zero);
    - a flattened elementwise kernel (flat reads `x{i}`) between reshapes takes the shape of
      the tensors around it (upstream reshape propagation by expansion);
    - an elementwise kernel whose result only one kernel reads, each element once (no
      broadcast, not a product's operand), is computed inside that kernel (upstream
      `linalg::fuseElementwiseOps`); the fused kernel keeps the reader's name.

    Kernels that `library` (the schedule library of `xgrad-schedule`) names are left as
    they are, so that their schedule applies to the kernel it was written for.
  }];
  let options = [
    Option<"library", "library", "std::string", /*default=*/"",
           "The schedule library: the kernels it names are not fused">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"];
}

def XGradSchedule : Pass<"xgrad-schedule", "::mlir::func::FuncOp"> {
  let summary = "Applies each kernel's schedule: the user's, else the default CPU schedule";
  let description = [{
    Schedules are transform-dialect IR. For each `linalg.generic` carrying a kernel name
    (`xgrad.kernel`), in order:

    - when `library` names a file of transform IR (a module with
      `transform.with_named_sequence`) that has a `transform.named_sequence` whose symbol is
      the kernel's name (`@"dense1.grad.w1"`), that sequence is applied with the kernel's
      `linalg.generic` as its one argument (declare it `{transform.consumed}` or
      `{transform.readonly}`); a sequence that fails is an error naming the kernel;
    - else a matrix product `C[m, n] += A[m, k] * B[k, n]` (operands in either order and
      layout: transposed copies are made; N a multiple of the vector width) gets the default
      contraction schedule: B packed into panels as wide as the register tile, cache tiles,
      and a register tile (4x16 floats with AVX2, 8x32 with AVX-512) vectorized to one
      `vector.contract` whose accumulators stay in vector registers across the reduction;
      rows left over from blocks of 64 get one-row tiles, the last partial step of a
      dynamic reduction stays a scalar loop. The loop over row blocks is marked
      `xgrad.parallel_tiles` for the threads;
    - a convolution (one operand read at `y + ky`) whose product that schedule can take
      becomes a product over a patches tensor (im2col, a `<kernel>.patches` generic) first;
    - else the loop order becomes the one with the most contiguous parallel loop innermost
      (a matmul `(y, x, it)` becomes `(y, it, x)`), which LLVM vectorizes.

    `xgrad-lower-vectors` lowers what the schedules produce after bufferization.
  }];
  let options = [
    Option<"library", "library", "std::string", /*default=*/"",
           "A file of transform IR whose named sequences replace the default schedule of "
           "the kernels they name">,
    Option<"vectorWidth", "vector-width", "unsigned", /*default=*/"0",
           "Floats per vector register (0: the host's, 16 with AVX-512)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::transform::TransformDialect",
    "::mlir::ub::UBDialect", "::mlir::vector::VectorDialect"
  ];
}

def XGradLowerVectors : Pass<"xgrad-lower-vectors", "::mlir::func::FuncOp"> {
  let summary = "Lowers the vector ops of the schedules to what the LLVM conversion takes";
  let description = [{
    After bufferization: hoists vector transfers that are loop invariant, lowers
    `vector.contract` to outer products and those to FMAs (`vector.fma`), transposes
    element-wise, and transfers to rank 1, the form in which the accumulators of a
    register tile stay in registers.
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect", "::mlir::memref::MemRefDialect"];
}

def XGradExpandGuards : Pass<"xgrad-expand-guards", "::mlir::func::FuncOp"> {
  let summary = "Runs what follows each xgrad.guard only while no run-time check has failed";
  let description = [{
    After bufferization: every `xgrad.guard %status` becomes a load of the status flag and
    an `scf.if` around the rest of the function, which returns the function's results when
    the flag is clear and empty placeholders (every dynamic extent 0) otherwise; the caller
    frees the placeholders and reads nothing from them. Guards nest: each later one ends up
    inside the `scf.if` of the one before it. Runs on buffers so that both branches yield
    the function's own result types (see `xgrad.guard`).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def XGradLowerCollectives : Pass<"xgrad-lower-collectives", "::mlir::ModuleOp"> {
  let summary = "Turns xgrad.sum_over_ranks into upstream mpi dialect ops";
  let description = [{
    After bufferization, guards and buffer deallocation: each `xgrad.sum_over_ranks`
    becomes the verdict store, one in-place `mpi.allreduce` with `MPI_SUM` over
    `mpi.comm_world`, and the status update of a rank that learns another rank failed
    (whose message it adds to the module's check messages). MPI is initialised by the
    runtime, never by compiled code.

    The module gets the DLTI entry `MPI:Implementation` that upstream's MPI-to-LLVM
    lowering reads (`implementation`, `OpenMPI` or `MPICH`; xgrad's build passes the MPI it
    links).
  }];
  let dependentDialects = ["::mlir::mpi::MPIDialect", "::mlir::DLTIDialect",
                           "::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
  let options = [
    Option<"implementation", "implementation", "std::string", /*default=*/"\"OpenMPI\"",
           "The MPI ABI to lower to: `OpenMPI` or `MPICH`">
  ];
}

def XGradConvertMPIToLLVM : Pass<"xgrad-convert-mpi-to-llvm", "::mlir::ModuleOp"> {
  let summary = "Upstream's mpi-to-LLVM patterns, with the fixes MLIR 22 needs for OpenMPI";
  let description = [{
    MLIR 22 lowers the `mpi` dialect only inside `--convert-to-llvm` (an interface, no pass
    of its own), and for OpenMPI it names the reduction operations `ompi_mpi_sum` where
    OpenMPI's library exports `ompi_mpi_op_sum`. This pass applies the upstream patterns to
    a module already in the LLVM dialect otherwise, then renames those symbols: the one
    place xgrad works around the upstream lowering.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def XGradFlushDenormals : Pass<"xgrad-flush-denormals", "::mlir::ModuleOp"> {
  let summary = "Runs the compiled code with subnormal floats flushed to zero (x86)";
  let description = [{
    Sets the x86 MXCSR register's flush-to-zero and denormals-are-zero bits on entry to
    every public `llvm.func` with a body and to every `omp.parallel` region (OpenMP's worker
    threads have their own MXCSR), and restores the caller's value before each return and
    region end. Subnormal results become zero, as TensorFlow's CPU kernels do: an x86 core
    takes a slow path on each subnormal operand, and optimizer state such as Adam's second
    moments decays into that range (the MLP's training step ran 4.5x slower; see
    docs/Rationale.md). The process's own floating-point environment is left as it was.
    Runs on a module in the LLVM dialect; x86 only (the pipeline adds it on x86 hosts).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def XGradParallelThreshold : Pass<"xgrad-parallel-threshold", "::mlir::func::FuncOp"> {
  let summary = "Runs a parallel region on threads only when its loop has the work to pay for them";
  let description = [{
    Every `omp.parallel` (one per parallel kernel loop, after `convert-scf-to-openmp`) runs
    on its `num_threads` only when the loop's trip count times a static estimate of one
    iteration's work (the operations of its body, each loop nested in it counted by its
    static trip count, a vector operation by its elements over 8) reaches `min-work` and the
    loop has two iterations at least (one would run on one thread anyway, after a fork);
    else on the calling thread alone (`min-work` 0: every loop on threads). Forking and
    joining threads costs microseconds, more than most kernels of a small model take: a
    README XOR training step has dozens of kernels of a few elements each. A loop whose trip count is a constant is decided here: below the
    threshold it becomes plain `scf.for` loops, no region. So does a loop whose trip count
    is known only at run time when it would need more than `dynamic-limit` iterations (its
    iterations are cheap: only the largest batches would pay for threads, and every region
    costs compile time: the README XOR compiled 1.6x slower with a region per kernel).
    Otherwise the trip count is computed before the region; a body of at most `copy-limit`
    operations gets a copy as
    `scf.for` loops that a branch runs instead of the region below the threshold (even a
    region on one thread costs libomp's bookkeeping, several times a small kernel's work),
    a bigger body runs in the region with `num_threads` 1. With one thread or many the
    iterations and their order within each are the same, so results stay bit-identical.
  }];
  let options = [
    Option<"minWork", "min-work", "uint64_t", /*default=*/"32768",
           "Estimated operations a parallel loop needs before it runs on threads">,
    Option<"copyLimit", "copy-limit", "unsigned", /*default=*/"256",
           "Operations a loop body may have to get a sequential copy">,
    Option<"dynamicLimit", "dynamic-limit", "unsigned", /*default=*/"256",
           "Iterations a loop with a trip count unknown until run time may need to reach "
           "min-work and still get threads">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect"];
}

def XGradOuterParallel : Pass<"xgrad-outer-parallel", "::mlir::func::FuncOp"> {
  let summary = "Keeps only the outermost parallel loop of each nest parallel";
  let description = [{
    `convert-linalg-to-parallel-loops` makes every parallel iterator an `scf.parallel`,
    including ones nested inside a reduction loop (a matmul scheduled as `(y, it, x)` has a
    parallel `x` inside the reduction `it`); OpenMP would then fork and join threads in
    every iteration of the reduction. This pass turns every `scf.parallel` nested in another
    loop back into `scf.for`s, so threads split the outermost parallel loop once per kernel.
    Only loops that write distinct elements were parallel to begin with, so results stay
    bit-identical to a single-threaded run. Of an outermost loop with several dimensions,
    threads split only the leading ones, as few as give 16 iterations (a dynamic extent is
    enough), and the rest run as `scf.for` inside: OpenMP collapses a multi-dimensional loop
    into one and recovers each index by a division in every iteration, which made the CNN's
    6-d im2col copies several times slower than loops. First, every `scf.for` a schedule marked
    `xgrad.parallel_tiles` (the contraction schedule's loop over row blocks, after
    bufferization) becomes an `scf.parallel`: its iterations write disjoint tiles.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

#endif // XGRAD_DIALECT_XGRAD_TRANSFORMS_PASSES_TD
