// xgrad-run fills CompileOptions from its flags; CompileOptions rejects what is out of range.
// RUN: xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --num-threads 2 | FileCheck %s
// RUN: xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --num-threads 2 --parallel-min-work=0 | FileCheck %s
// RUN: xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --opt-level 0 | FileCheck %s
// 0 threads (the default) is one per core.
// RUN: xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --num-threads 0 | FileCheck %s
// RUN: not xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --num-threads -1 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --opt-level 4 2>&1 | FileCheck %s --check-prefix=OPT

xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?x3xf32>
  %y = xgrad.kernel "double" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %x[%i, %j] : tensor<?x3xf32>
    %p = arith.addf %v, %v : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  xgrad.target "double" %y : tensor<*xf32>
}

// CHECK: double: 2x3xf32
// CHECK-NEXT: {{\[}}[2, 4, 6],
// CHECK-NEXT: [8, 10, 12]]
// THREADS: for the --num-threads option: '-1' value invalid for uint argument!
// OPT: xgrad-run: error: the optimisation level must be 0 to 3, got 4

// --time-stages reports the stages of the compile on standard error, as MLIR's timing does:
// the graph's, then the code of the target run (each target is compiled apart).
// RUN: xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --no-cache --time-stages 2>&1 >/dev/null | FileCheck %s --check-prefix=TIME
// TIME: Execution time report
// TIME: parse
// TIME: graph to functions
// TIME: XGradMaterializeTargets
// TIME: initial state and linking
// TIME: target double
// TIME: parse
// TIME: functions to the LLVM dialect
// TIME: XGradSchedule
// TIME: translation to LLVM IR
// TIME: LLVM optimiser
// TIME: LLVM code generation
// TIME: linking
// TIME: Total
