// One pipeline, any prefix: --xgrad-pipeline=until=<stage> stops after that stage, and
// --xgrad-to-llvm is all of it.
// RUN: xgrad-opt %s --xgrad-pipeline=until=xgrad | FileCheck %s --check-prefix=XGRAD
// RUN: xgrad-opt %s --xgrad-pipeline=until=inferred | FileCheck %s --check-prefix=INFERRED
// RUN: xgrad-opt %s --xgrad-pipeline=until=functions | FileCheck %s --check-prefix=FUNCTIONS
// RUN: xgrad-opt %s --xgrad-pipeline=until=linalg | FileCheck %s --check-prefix=LINALG
// RUN: xgrad-opt %s --xgrad-pipeline="until=linalg use-linalg=false" | FileCheck %s --check-prefix=LOOPS
// RUN: xgrad-opt %s --xgrad-pipeline="until=llvm threads=1" | FileCheck %s --check-prefix=LLVM
// RUN: xgrad-opt %s --xgrad-pipeline="until=llvm threads=2 parallel-min-work=0" | FileCheck %s --check-prefix=OMP
// RUN: not xgrad-opt %s --xgrad-pipeline=until=lowered 2>&1 | FileCheck %s --check-prefix=BAD

xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?x4xf32>
  %y = xgrad.kernel "double" -> tensor<*xf32> {
  ^bb0(%i: index, %j: index):
    %v = xgrad.read %x[%i, %j] : tensor<?x4xf32>
    %p = arith.addf %v, %v : f32
    xgrad.accumulate %p at [%i, %j] : f32
  }
  xgrad.target "double" %y : tensor<*xf32>
}

// XGRAD: xgrad.kernel "double" -> tensor<*xf32>
// INFERRED: xgrad.graph @g
// INFERRED: xgrad.kernel "double" {{.*}}-> tensor<?x4xf32>
// FUNCTIONS-NOT: xgrad.graph
// FUNCTIONS: func.func @g.double
// FUNCTIONS: xgrad.kernel "double"
// LINALG-NOT: xgrad.kernel
// LINALG: linalg.generic
// LOOPS-NOT: linalg.generic
// LOOPS: scf.for
// LLVM-NOT: omp.
// LLVM: llvm.func @g.double
// OMP: omp.parallel num_threads
// BAD: for the --until option: Cannot find option named 'lowered'!
