//===- XGradOps.td - xgrad operations ----------------------*- tablegen -*-===//
#ifndef XGRAD_DIALECT_XGRAD_IR_XGRADOPS_TD
#define XGRAD_DIALECT_XGRAD_IR_XGRADOPS_TD

include "xgrad/Dialect/XGrad/IR/XGradDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

//===----------------------------------------------------------------------===//
// Types and attributes
//===----------------------------------------------------------------------===//

def XGrad_FloatTensor : TensorOf<[AnyFloat]>;

// What `xgrad.epoch` and `xgrad.step` read: the counters kept with the model's state. Only
// reads exist in the IR (the runtime advances the counters between calls), so kernels that
// read them still fold, die and deduplicate like pure ones.
def XGrad_ModelState : Resource<"::mlir::xgrad::ModelStateResource">;
// What `xgrad.check` writes: the run's status. The write keeps a check from being dropped.
def XGrad_RunStatus : Resource<"::mlir::xgrad::RunStatusResource">;

def XGrad_Initializer : I32EnumAttr<"Initializer", "how a parameter is initialised", [
    I32EnumAttrCase<"zeros", 0>,
    I32EnumAttrCase<"constant", 1>,
    I32EnumAttrCase<"uniform", 2>,
    I32EnumAttrCase<"normal", 3>
  ]> {
  let cppNamespace = "::mlir::xgrad";
}

//===----------------------------------------------------------------------===//
// Graph-level operations
//===----------------------------------------------------------------------===//

def XGrad_GraphOp : XGrad_Op<"graph", [
    Symbol, SymbolTable, IsolatedFromAbove, SingleBlock, NoTerminator]> {
  let summary = "A computation graph: inputs, parameters, kernels, targets and backprop";
  let description = [{
    The body holds the graph's nodes in dependency order. Inputs, parameters and targets are
    named; names are unique per kind. Shape computations for explicit kernel shapes are plain
    `arith` ops on `index` values in the body.

    ```mlir
    xgrad.graph @double {
      %x = xgrad.input "x" : tensor<*xf32>
      %y = xgrad.kernel -> tensor<*xf32> {
      ^bb0(%it: index):
        %v = xgrad.read flat %x[%it] : tensor<*xf32>
        %c = arith.constant 2.0 : f32
        %d = arith.mulf %v, %c : f32
        xgrad.accumulate %d at flat [%it] : f32
      }
      xgrad.target "y" %y : tensor<*xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$sym_name attr-dict-with-keyword $body";
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [OpBuilder<(ins "::llvm::StringRef":$name)>];
  let extraClassDeclaration = [{
    /// Gives every kernel of the body a name unique in the graph: a kernel keeps its name
    /// unless an earlier kernel has it (then `<name>.<N>`), an unnamed one is `kernel<N>`
    /// after its position. Names already unique do not change.
    void nameKernels();
  }];
}

def XGrad_InputOp : XGrad_Op<"input", [
    HasParent<"GraphOp">, DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "A named input provided at run time";
  let description = [{
    `%x = xgrad.input "x" : tensor<?x2xf32>` declares Exprgrad's `input("x")`. Dynamic
    extents (a batch size) are taken from the tensor passed at run time.
  }];
  let arguments = (ins StrAttr:$input_name);
  let results = (outs XGrad_FloatTensor:$result);
  let assemblyFormat = "$input_name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def XGrad_ParamOp : XGrad_Op<"param", [
    HasParent<"GraphOp">, DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "A named, trained parameter with a reproducible initializer";
  let description = [{
    `%w = xgrad.param "w1" uniform [-0.1, 0.1] seed 7 : tensor<2x4xf32>` is Exprgrad's
    `param([2, 4])`. The initializer's arguments are `[]` for `zeros`, `[value]` for
    `constant`, `[low, high]` for `uniform` and `[mean, stddev]` for `normal`. The same seed
    gives the same initial values on every run. The shape must be static.
  }];
  let arguments = (ins StrAttr:$param_name, XGrad_Initializer:$init,
                       DenseF64ArrayAttr:$init_args, I64Attr:$seed);
  let results = (outs XGrad_FloatTensor:$result);
  let assemblyFormat = [{
    $param_name $init $init_args `seed` $seed attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def XGrad_CacheOp : XGrad_Op<"cache", [HasParent<"GraphOp">]> {
  let summary = "Stores a value into a named cache that persists between calls";
  let description = [{
    Exprgrad's `cache(fun, name)`: when a target that depends on it runs, the value is stored
    in model state under `name`. Cached values persist between calls and are saved with the
    model, but are not trained. `xgrad.cached` reads the stored value.
  }];
  let arguments = (ins StrAttr:$cache_name, XGrad_FloatTensor:$value);
  let assemblyFormat = "$cache_name $value attr-dict `:` type($value)";
}

def XGrad_CachedOp : XGrad_Op<"cached", [
    HasParent<"GraphOp">, DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "Reads the value last stored by `xgrad.cache` under the same name";
  let arguments = (ins StrAttr:$cache_name);
  let results = (outs XGrad_FloatTensor:$result);
  let assemblyFormat = "$cache_name attr-dict `:` type($result)";
}

def XGrad_TargetOp : XGrad_Op<"target", [HasParent<"GraphOp">]> {
  let summary = "Names a value that can be computed on request";
  let description = [{
    `xgrad.target "predict" %y : tensor<?x1xf32>` is Exprgrad's `.target("predict")`: the
    model can `call` or `apply` it by name. A target whose value comes from
    `xgrad.backprop` also updates the model's parameters.
  }];
  let arguments = (ins StrAttr:$target_name, XGrad_FloatTensor:$value);
  let assemblyFormat = "$target_name $value attr-dict `:` type($value)";
}

def XGrad_BackpropOp : XGrad_Op<"backprop", [
    HasParent<"GraphOp">, SingleBlock, AllTypesMatch<["loss", "result"]>]> {
  let summary = "Trains every parameter the loss depends on with an optimizer";
  let description = [{
    The result is the loss; computing it also updates each parameter the loss depends on.
    The optimizer region is instantiated once per parameter. Its block arguments are the
    parameter, its gradient, and one tensor per optimizer state name (zero-initialised model
    state shaped like the parameter, e.g. Adam's moments); they are unranked because the
    region is generic over parameter shapes. It yields the new parameter followed by the new
    state values, in the order of `state`.

    ```mlir
    %train = xgrad.backprop %loss : tensor<1xf32> optimizer {
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
    ```
  }];
  let arguments = (ins XGrad_FloatTensor:$loss, DefaultValuedAttr<StrArrayAttr, "{}">:$state);
  let results = (outs XGrad_FloatTensor:$result);
  let regions = (region SizedRegion<1>:$optimizer);
  let assemblyFormat = [{
    $loss (`state` $state^)? attr-dict `:` type($loss) `optimizer` $optimizer
  }];
  let hasRegionVerifier = 1;
}

def XGrad_YieldOp : XGrad_Op<"yield", [
    Pure, Terminator, ParentOneOf<["BackpropOp"]>]> {
  let summary = "Yields the updated parameter and optimizer state";
  let arguments = (ins Variadic<XGrad_FloatTensor>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

def XGrad_UpdateOp : XGrad_Op<"update", [HasParent<"GraphOp">, AttrSizedOperandSegments,
    AllTypesMatch<["value", "result"]>]> {
  let summary = "A training step: its value, after which model state takes new values";
  let description = [{
    `--xgrad-autodiff` replaces `xgrad.backprop` by the gradient kernels, the optimizer
    instantiated per parameter, and one `xgrad.update`: its result is the loss, and a target
    that computes it also stores each new value into its state (a parameter, or optimizer
    state declared with `xgrad.cached`).

    `gradients` names the gradient each parameter's new value was computed from, one per
    parameter in `state` (in its order; optimizer state has none): the boundary between
    the gradient kernels and the optimizer, which `--xgrad-data-parallel` all-reduces.
    Autodiff always records them; an update written by hand may leave them out.

    ```mlir
    %train = xgrad.update %loss : tensor<1xf32> state(%w : tensor<2x4xf32>) to(%w_new : tensor<2x4xf32>) gradients(%gw : tensor<2x4xf32>)
    ```
  }];
  let arguments = (ins XGrad_FloatTensor:$value, Variadic<XGrad_FloatTensor>:$state,
                       Variadic<XGrad_FloatTensor>:$new_values,
                       Variadic<XGrad_FloatTensor>:$gradients);
  let results = (outs XGrad_FloatTensor:$result);
  let assemblyFormat = [{
    $value `:` type($value) `state` `(` ($state^ `:` type($state))? `)`
    `to` `(` ($new_values^ `:` type($new_values))? `)`
    (`gradients` `(` $gradients^ `:` type($gradients) `)`)? attr-dict
  }];
  let hasVerifier = 1;
}

def XGrad_AllReduceOp : XGrad_Op<"all_reduce", [AttrSizedOperandSegments,
    MemoryEffects<[MemRead<XGrad_RunStatus>, MemWrite<XGrad_RunStatus>]>,
    RangedTypesMatchWith<"results have the gradients' types", "gradients", "results",
                         "$_self">]> {
  let summary = "Gradients summed over every rank of a data-parallel run";
  let description = [{
    Inserted by `--xgrad-data-parallel` between a training step's gradient kernels and its
    optimizer: every rank computes its gradients on its share of the global batch, and each
    result is the gradient of the global batch, the same on every rank.

    With `mean over %x`, the loss is a mean over the batch rows (every loss of the layers
    library divides by the batch size): each rank's gradient is weighted by its rows (the
    first extent of `%x`), the sum divided by the rows of all ranks. Shares may then differ
    in size, or be empty (a rank with no rows contributes nothing). Without it the loss is
    a sum over the rows and the gradients are simply added. `loss` is the step's loss,
    reduced the same way, so that every rank reports the global batch's loss.

    It is collective: every rank must run it, whether or not its checks failed, or the
    others wait for ever. A rank whose run has failed contributes that verdict, and after
    it every rank's run has failed if any rank's had; nothing after it runs then.

    ```mlir
    %gw_all, %loss_all = xgrad.all_reduce %gw, %loss : tensor<784x128xf32>, tensor<1xf32> mean over %x : tensor<?x784xf32>
    ```
  }];
  let arguments = (ins Variadic<XGrad_FloatTensor>:$gradients,
                       Optional<XGrad_FloatTensor>:$batch);
  let results = (outs Variadic<XGrad_FloatTensor>:$results);
  let assemblyFormat = [{
    $gradients `:` type($gradients) (`mean` `over` $batch^ `:` type($batch))? attr-dict
  }];
  let hasVerifier = 1;
}

def XGrad_SumOverRanksOp : XGrad_Op<"sum_over_ranks", [
    MemoryEffects<[MemRead<XGrad_RunStatus>, MemWrite<XGrad_RunStatus>]>]> {
  let summary = "Sums a buffer element by element over every rank, in place, sharing failures";
  let description = [{
    What `xgrad.all_reduce` becomes after bufferization: `%buffer` (one dimension, f32 or
    f64) is replaced by its sum over the ranks. Its last element is the verdict, which this
    op writes itself: 1 on a rank whose `%status` says it failed, else 0. After the sum a
    rank that had not failed fails if any rank had, with a message of its own naming how
    many did.

    `--xgrad-expand-guards` ends a guarded region before it, so that it runs on every rank
    in every run, and `--xgrad-lower-collectives` turns it into `mpi.allreduce`.

    ```mlir
    xgrad.sum_over_ranks %buffer, %status : memref<100354xf32>, memref<5xi64>
    ```
  }];
  let arguments = (ins Arg<MemRefRankOf<[F32, F64], [1]>, "", [MemRead, MemWrite]>:$buffer,
                       Arg<AnyMemRef, "", [MemRead, MemWrite]>:$status);
  let assemblyFormat = "$buffer `,` $status attr-dict `:` type($buffer) `,` type($status)";
  let hasVerifier = 1;
}

def XGrad_GradientOp : XGrad_Op<"gradient", [HasParent<"GraphOp">, Pure,
    AllTypesMatch<["wrt", "result"]>]> {
  let summary = "The gradient of a loss with respect to a value of the graph";
  let description = [{
    Exprgrad's `loss.grad(x)`: `--xgrad-autodiff` replaces it by the derived kernels. Because
    the result is ordinary xgrad IR, a gradient can itself be differentiated.
  }];
  let arguments = (ins XGrad_FloatTensor:$loss, XGrad_FloatTensor:$wrt);
  let results = (outs XGrad_FloatTensor:$result);
  let assemblyFormat = "$loss `wrt` $wrt attr-dict `:` type($loss) `,` type($wrt)";
}

def XGrad_CheckPredicate : I32EnumAttr<"CheckPredicate", "how a run-time check compares", [
    I32EnumAttrCase<"eq", 0>,
    I32EnumAttrCase<"le", 1>
  ]> {
  let cppNamespace = "::mlir::xgrad";
}

def XGrad_CheckOp : XGrad_Op<"check", [MemoryEffects<[MemWrite<XGrad_RunStatus>]>]> {
  let summary = "A run-time shape check: fails the run with a message when it does not hold";
  let description = [{
    `xgrad.check eq %a, %b, "kernel 'matmul': iterator #2 ..."` is emitted by
    `--xgrad-infer-shapes` where two extents that must agree (or an index bound and an
    extent) are not known statically. When the check fails, the run stops with the message
    followed by both values; nothing after it reads or writes memory.

    `for "name"` names the kernel the check guards: `--xgrad-materialize-targets` puts it
    in exactly the targets that compute that kernel (a target never fails on a check of a
    kernel it does not run; a check of a kernel removed as dead goes nowhere). A check
    without a kernel goes into every target that computes everything it compares.

    It writes the run's status (a memory effect on its own resource), so it is never
    removed as dead. Canonicalization drops a check that holds statically and one that
    repeats an earlier check of the same block (same predicate, operands and kernel): the
    first one fails first.
  }];
  let arguments = (ins XGrad_CheckPredicate:$predicate, Index:$lhs, Index:$rhs,
                       StrAttr:$message, OptionalAttr<StrAttr>:$kernel);
  let assemblyFormat = "$predicate $lhs `,` $rhs `,` $message (`for` $kernel^)? attr-dict";
  let hasCanonicalizeMethod = 1;
}

def XGrad_GuardOp : XGrad_Op<"guard", [MemoryEffects<[MemRead<XGrad_RunStatus>,
                                                        MemWrite<XGrad_RunStatus>]>]> {
  let summary = "What follows in the function runs only while no run-time check has failed";
  let description = [{
    `xgrad.guard %status : memref<5xi64>` is emitted by `--convert-xgrad-to-linalg` before
    the first kernel after a check: that kernel may rely on the check (an extent it
    compared, a result it found small enough to allocate). `--xgrad-expand-guards` turns it,
    after bufferization, into an `scf.if` on the status flag around the rest of the
    function, whose other branch returns empty placeholders.

    The nesting waits for bufferization because an `scf.if` on tensors joins its branches'
    buffers: a kernel's result (a subview, `strided<[784, 1]>`) and a placeholder (an
    identity layout) join to a fully dynamic layout, which every returned value then left
    through a copy. On buffers, the branches yield the function's (identity) results as
    they are. Its effects on the run status keep it where it is and alive until then.
  }];
  let arguments = (ins AnyMemRef:$status);
  let assemblyFormat = "$status attr-dict `:` type($status)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

def XGrad_KernelOp : XGrad_Op<"kernel", [
    AttrSizedOperandSegments, DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>,
    RecursiveMemoryEffects]> {
  let summary = "One Exprgrad statement: an accumulation inside implicit loops";
  let description = [{
    `out[y, x] ++= a[y, it] * b[it, x] | (y, x, it)` becomes a kernel whose body block has
    one `index` argument per iterator (`%y, %x, %it`) and ends in one `xgrad.accumulate`,
    its terminator. Reads of graph values are ordinary uses of the enclosing graph's SSA values.

    - `init`: the tensor this kernel adds to (a second `++=` on the same tensor); without
      it the kernel accumulates into a fresh zero tensor (Exprgrad's `*` declaration).
    - `shape`: the explicit result shape (`withShape`), one `index` per dimension.
    - `like`: the result has the shape of this tensor (`copyShape`).
    - `bounds`: the extent of every iterator, filled in by `--xgrad-infer-shapes`.
    - the optional name (`"hidden"`) is what schedules match on. `--xgrad-infer-shapes` and
      `--xgrad-autodiff` give every kernel a name unique in its graph: the user's, a derived
      one (`dense.grad.w`, the gradient of `w` through kernel `dense`; `sgd.w`, the optimizer
      kernel `sgd` instantiated for `w`), `kernel<N>` for an unnamed one, and a `.<N>`
      suffix where a name repeats. The lowering carries it onto the ops it creates.
    - the optional `grad` region replaces the derived gradient (`customGrad`). Its block
      arguments are the kernel's result and the gradient of the result; it ends in
      `xgrad.grad_yield`, which names the gradient of each value the custom gradient covers.

    Effects are those of the body (reads are pure, `epoch`/`step` read model state): an
    unused kernel is dead, and canonicalization replaces a kernel that repeats an earlier
    one of the same block (same operands, same body and gradient, any name) by that one.

    Bounds are verified on every kernel that has them, inferred or given: an access whose
    index provably leaves its tensor (or the result) for some iterator value in the bounds
    is an error naming the tensor, the dimension and the iterator. An access the verifier
    can neither prove inside nor outside (a dynamic extent, an index computed from Scalars)
    is valid IR, and `--xgrad-infer-shapes` guards it: it runs on every kernel, also one
    with explicit bounds and shape, and emits an `xgrad.check` for each such access (or
    marks it `checked` when its index has no bound, so the lowering tests every element).
    IR that reaches the lowering without that pass has only what the verifier proved.
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$kernel_name,
                       Optional<XGrad_FloatTensor>:$init,
                       Variadic<Index>:$shape,
                       Optional<XGrad_FloatTensor>:$like,
                       Variadic<Index>:$bounds);
  let results = (outs XGrad_FloatTensor:$result);
  let regions = (region SizedRegion<1>:$body, AnyRegion:$grad);
  let assemblyFormat = [{
    ($kernel_name^)? (`init` `(` $init^ `:` type($init) `)`)?
    (`shape` `(` $shape^ `)`)? (`like` `(` $like^ `:` type($like) `)`)?
    (`bounds` `(` $bounds^ `)`)?
    attr-dict `->` type($result) $body (`grad` $grad^)?
  }];
  let hasRegionVerifier = 1;
  let hasCanonicalizeMethod = 1;
  let extraClassDeclaration = [{
    /// The iterators, outermost first.
    ::mlir::Block::BlockArgListType getIterators() { return getBody().front().getArguments(); }
    unsigned getNumIterators() { return getBody().front().getNumArguments(); }
    /// The single `++=` of the body.
    class AccumulateOp getAccumulate();
  }];
}

def XGrad_AccumulateOp : XGrad_Op<"accumulate", [HasParent<"KernelOp">, Pure, Terminator]> {
  let summary = "The kernel's `++=`: adds a value to the result at an index";
  let description = [{
    `xgrad.accumulate %v at [%y, %x] : f32` is `out[y, x] ++= v`; with `flat` it is
    `out{i} ++= v`, indexing the row-major data directly. It is the terminator of its
    kernel's body, so each kernel has exactly one. It has no memory effect: the kernel's
    result is a value.

    With `max` the kernel keeps the largest value instead of the sum, starting from -inf (or
    from its init tensor): `m[y] max= x[y, i]`, the row maximum a numerically stable softmax
    subtracts. Exprgrad has no such reduction. Its gradient flows to the elements equal to
    the maximum.
  }];
  let arguments = (ins AnyFloat:$value, UnitAttr:$flat, UnitAttr:$checked,
                       UnitAttr:$max, Variadic<Index>:$indices);
  let assemblyFormat = [{
    (`max` $max^)? $value `at` (`checked` $checked^)? (`flat` $flat^)? ` ` `[` $indices `]`
    attr-dict `:` type($value)
  }];
  let hasVerifier = 1;
}

def XGrad_GradYieldOp : XGrad_Op<"grad_yield", [Pure, Terminator, HasParent<"KernelOp">,
    AttrSizedOperandSegments]> {
  let summary = "Ends a custom gradient: the gradient of each covered value";
  let description = [{
    `xgrad.grad_yield %g for %inp : tensor<*xf32> for tensor<?xf32>` says that `%g` is the
    gradient of the loss with respect to `%inp`, replacing what autodiff would derive for it.
  }];
  let arguments = (ins Variadic<XGrad_FloatTensor>:$grads,
                       Variadic<XGrad_FloatTensor>:$wrt);
  let assemblyFormat = [{
    $grads `for` $wrt attr-dict `:` type($grads) `for` type($wrt)
  }];
  let hasVerifier = 1;
}

def XGrad_ReadOp : XGrad_Op<"read", [Pure,
    TypesMatchWith<"result is the tensor's element type", "tensor", "result",
                   "::llvm::cast<::mlir::TensorType>($_self).getElementType()">]> {
  let summary = "Reads a tensor element: `a[i, j]`, or `a{k}` with `flat`";
  let description = [{
    `checked` marks an index that `--xgrad-infer-shapes` could not bound (it is computed
    from Scalars): the lowering tests it element by element and fails the run if it leaves
    the tensor, instead of reading out of bounds.
  }];
  let arguments = (ins XGrad_FloatTensor:$tensor, UnitAttr:$flat, UnitAttr:$checked,
                       Variadic<Index>:$indices);
  let results = (outs AnyFloat:$result);
  let assemblyFormat = [{
    (`checked` $checked^)? (`flat` $flat^)? $tensor `[` $indices `]` attr-dict
    `:` type($tensor)
  }];
  let hasVerifier = 1;
}

def XGrad_DimOp : XGrad_Op<"dim", [Pure]> {
  let summary = "`tensor.shape[d]`: the extent of one dimension";
  let arguments = (ins XGrad_FloatTensor:$tensor, I64Attr:$dim);
  let results = (outs Index:$result);
  let assemblyFormat = "$tensor `[` $dim `]` attr-dict `:` type($tensor)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def XGrad_LenOp : XGrad_Op<"len", [Pure]> {
  let summary = "`tensor.len`: the number of elements";
  let arguments = (ins XGrad_FloatTensor:$tensor);
  let results = (outs Index:$result);
  let assemblyFormat = "$tensor attr-dict `:` type($tensor)";
  let hasFolder = 1;
}

def XGrad_RankOp : XGrad_Op<"rank", [Pure]> {
  let summary = "`tensor.shape.len`: the number of dimensions";
  let arguments = (ins XGrad_FloatTensor:$tensor);
  let results = (outs Index:$result);
  let assemblyFormat = "$tensor attr-dict `:` type($tensor)";
  let hasFolder = 1;
}

def XGrad_EpochOp : XGrad_Op<"epoch", [HasParent<"KernelOp">,
    MemoryEffects<[MemRead<XGrad_ModelState>]>]> {
  let summary = "`epoch()`: the model's epoch counter";
  let results = (outs Index:$result);
  let assemblyFormat = "attr-dict";
}

def XGrad_StepOp : XGrad_Op<"step", [HasParent<"KernelOp">,
    MemoryEffects<[MemRead<XGrad_ModelState>]>]> {
  let summary = "The number of training steps taken before this one";
  let description = [{
    Counts the calls of targets that update model state (training steps), from 0. Adam's
    bias correction needs the step, not the epoch: `1 - beta^(step + 1)`.
  }];
  let results = (outs Index:$result);
  let assemblyFormat = "attr-dict";
}

//===----------------------------------------------------------------------===//
// Exprgrad's Array[T]
//===----------------------------------------------------------------------===//

def XGrad_ArrayType : TypeDef<XGrad_Dialect, "Array"> {
  let mnemonic = "array";
  let summary = "Exprgrad's `Array[T]`: a list of Scalars or Indexes of a fixed length";
  let description = [{
    `!xgrad.array<3, f32>`: built in a kernel body from a literal list of values of one type
    (`xgrad.array`), its length known statically (`xgrad.array_len`), read at an Index
    (`xgrad.array_read`): Exprgrad's `[a, b][k]` (a choice between two reads), or a
    table of coefficients.
  }];
  let parameters = (ins "int64_t":$length, "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $length `,` $elementType `>`";
  let genVerifyDecl = 1;
}

def XGrad_ArrayOp : XGrad_Op<"array", [Pure]> {
  let summary = "`[a, b, c]`: an array of values of one type";
  let description = [{
    `%t = xgrad.array [%a, %b, %c] : f32, f32, f32 -> !xgrad.array<3, f32>`. Every element
    has the array's element type; the verifier rejects a mixed list.
  }];
  let arguments = (ins Variadic<AnyTypeOf<[AnyFloat, Index]>>:$elements);
  let results = (outs XGrad_ArrayType:$result);
  let assemblyFormat =
      "`[` $elements `]` attr-dict `:` type($elements) `->` qualified(type($result))";
  let hasVerifier = 1;
}

def XGrad_ArrayLenOp : XGrad_Op<"array_len", [Pure]> {
  let summary = "`arr.len`: an array's length (a constant)";
  let arguments = (ins XGrad_ArrayType:$array);
  let results = (outs Index:$result);
  let assemblyFormat = "$array attr-dict `:` qualified(type($array))";
  let hasFolder = 1;
}

def XGrad_ArrayReadOp : XGrad_Op<"array_read", [Pure,
    TypesMatchWith<"result is the array's element type", "array", "result",
                   "::llvm::cast<::mlir::xgrad::ArrayType>($_self).getElementType()">]> {
  let summary = "`arr[index]`: one element of an array";
  let description = [{
    A constant index outside `[0, length)` is a verifier error; any other index is checked
    when the kernel runs (the run fails naming the index and the length, instead of reading
    outside the array). A read at a constant index of a `xgrad.array` folds to the element.
    Its gradient goes to the element it selected.
  }];
  let arguments = (ins XGrad_ArrayType:$array, Index:$index);
  let results = (outs AnyTypeOf<[AnyFloat, Index]>:$result);
  let assemblyFormat = "$array `[` $index `]` attr-dict `:` qualified(type($array))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def XGrad_WrapOp : XGrad_Op<"wrap", [Pure, SameOperandsAndResultType]> {
  let summary = "`wrap(x, y)`: `(x mod y + y) mod y`, always in `[0, y)`";
  let arguments = (ins Index:$lhs, Index:$rhs);
  let results = (outs Index:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict";
}

def XGrad_ToScalarOp : XGrad_Op<"to_scalar", [Pure]> {
  let summary = "`toScalar(x)`: converts an Index (or a Boolean, to 0 or 1) to a Scalar";
  let arguments = (ins AnyTypeOf<[Index, I1]>:$value);
  let results = (outs AnyFloat:$result);
  let assemblyFormat = "$value attr-dict `:` type($value) `to` type($result)";
}

def XGrad_ToIndexOp : XGrad_Op<"to_index", [Pure]> {
  let summary = "`toIndex(x)`: truncates a Scalar towards zero to an Index";
  let arguments = (ins AnyFloat:$value);
  let results = (outs Index:$result);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // XGRAD_DIALECT_XGRAD_IR_XGRADOPS_TD
