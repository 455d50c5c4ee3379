// A run-time check that fails on an OpenMP worker thread stops the run cleanly: the loop
// finishes without the out-of-bounds read, and the run ends in the one-line error, exit 1.
// The checked gather is an OpenMP loop (the only one: each element is written once, so no
// zero fill comes first), and a failure inside it is recorded with an atomic or, not a
// call out of the loop.
// RUN: split-file %s %t && xgrad-opt %t/gather.mlir --xgrad-to-llvm="threads=2 parallel-min-work=0" | FileCheck %s --check-prefix=IR
// IR-LABEL: llvm.func @g.out(
// IR: omp.wsloop
// IR-NOT: omp.terminator
// IR: llvm.atomicrmw _or
// IR: omp.terminator
// IR-NOT: xgrad_check_failed
//
// Two threads split the 8 elements 0-3 and 4-7; element 7 is out of bounds.
// RUN: env OMP_NUM_THREADS=2 %python %S/Inputs/exit_status.py xgrad-run %t/gather.mlir --target out --input idx=8:0,1,2,3,0,1,2,9 --input table=4:10,20,30,40 --num-threads 2 --parallel-min-work=0 | FileCheck %s --check-prefix=WORKER --implicit-check-not={{.}}
// WORKER: xgrad-run: error: run-time check failed: the read of input 'table' at dimension 0 is out of bounds: index 9, extent 4
// WORKER-NEXT: exit status 1
//
// Both threads fail: the first failure recorded wins, and its values come with its message.
// RUN: env OMP_NUM_THREADS=2 %python %S/Inputs/exit_status.py xgrad-run %t/gather.mlir --target out --input idx=8:0,-1,2,3,0,1,2,9 --input table=4:10,20,30,40 --num-threads 2 --parallel-min-work=0 | FileCheck %s --check-prefix=BOTH --implicit-check-not={{.}}
// BOTH: xgrad-run: error: run-time check failed: the read of input 'table' at dimension 0 is out of bounds: index {{-1|9}}, extent 4
// BOTH-NEXT: exit status 1
//
// In bounds, the same run succeeds on both threads.
// RUN: env OMP_NUM_THREADS=2 xgrad-run %t/gather.mlir --target out --input idx=8:0,1,2,3,3,2,1,0 --input table=4:10,20,30,40 --num-threads 2 --parallel-min-work=0 | FileCheck %s --check-prefix=OK
// OK: out: 8xf32
// OK-NEXT: [10, 20, 30, 40, 40, 30, 20, 10]
//
// A kernel after a failed gather does not run: its result is never computed, so nothing
// reads the gather's zeros. The message is the gather's, from the worker thread.
// RUN: env OMP_NUM_THREADS=2 %python %S/Inputs/exit_status.py xgrad-run %t/chain.mlir --target out --input idx=8:0,1,2,3,0,1,2,5 --input table=4:10,20,30,40 --num-threads 2 --parallel-min-work=0 | FileCheck %s --check-prefix=CHAIN --implicit-check-not={{.}}
// CHAIN: xgrad-run: error: run-time check failed: the read of input 'table' at dimension 0 is out of bounds: index 5, extent 4
// CHAIN-NEXT: exit status 1
// RUN: env OMP_NUM_THREADS=2 xgrad-run %t/chain.mlir --target out --input idx=8:0,1,2,3,0,1,2,3 --input table=4:10,20,30,40 --num-threads 2 --parallel-min-work=0 | FileCheck %s --check-prefix=CHAIN-OK
// CHAIN-OK: out: 1xf32
// CHAIN-OK-NEXT: [200]

//--- gather.mlir
xgrad.graph @g {
  %idx = xgrad.input "idx" : tensor<?xf32>
  %table = xgrad.input "table" : tensor<4xf32>
  %g = xgrad.kernel "gather" -> tensor<*xf32> {
  ^bb0(%i: index):
    %s = xgrad.read %idx[%i] : tensor<?xf32>
    %k = xgrad.to_index %s : f32
    %v = xgrad.read %table[%k] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  xgrad.target "out" %g : tensor<*xf32>
}
//--- chain.mlir
xgrad.graph @c {
  %idx = xgrad.input "idx" : tensor<?xf32>
  %table = xgrad.input "table" : tensor<4xf32>
  %g = xgrad.kernel "gather" -> tensor<*xf32> {
  ^bb0(%i: index):
    %s = xgrad.read %idx[%i] : tensor<?xf32>
    %k = xgrad.to_index %s : f32
    %v = xgrad.read %table[%k] : tensor<4xf32>
    xgrad.accumulate %v at [%i] : f32
  }
  %sum = xgrad.kernel "sum" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %g[%i] : tensor<*xf32>
    %zero = arith.constant 0 : index
    xgrad.accumulate %v at [%zero] : f32
  }
  xgrad.target "out" %sum : tensor<*xf32>
}
