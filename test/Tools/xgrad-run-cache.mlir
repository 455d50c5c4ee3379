// The compile cache (xgrad/Runtime/CompileCache.h) as xgrad-run uses it: a second process
// reads the first one's entry and computes the same values; --no-cache touches nothing; a
// changed option or schedule misses; a spoiled entry is rejected, recompiled and replaced.
// A model is two entries (its interface, and the code of the target run: targets are compiled
// apart); with --compile-all it is one.
// RUN: rm -rf %t && mkdir -p %t
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,MISS
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,HIT
// MISS: compile cache {{.*}}: 0 hits, 2 misses, 0 rejected entries, 0 write errors; 2 entries
// HIT: compile cache {{.*}}: 2 hits, 0 misses, 0 rejected entries, 0 write errors; 2 entries

// RUN: env XGRAD_CACHE_DIR=%t/none xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --no-cache --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,NONE
// RUN: not ls %t/none
// NONE: 0 hits, 0 misses, 0 rejected entries, 0 write errors; 0 entries, 0 bytes

// Every option that decides the code is in the key, and a schedule by its contents.
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --opt-level 3 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,SECOND
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --num-threads 2 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,THIRD
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --keep-denormals --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,FOURTH
// SECOND: 0 hits, 2 misses, 0 rejected entries, 0 write errors; 4 entries
// THIRD: 0 hits, 2 misses, 0 rejected entries, 0 write errors; 6 entries
// FOURTH: 0 hits, 2 misses, 0 rejected entries, 0 write errors; 8 entries
// RUN: echo 'module attributes {transform.with_named_sequence} { transform.named_sequence @double(%%k: !transform.any_op {transform.readonly}) { transform.yield } }' > %t/schedule.mlir
// RUN: env XGRAD_CACHE_DIR=%t/s xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --schedule %t/schedule.mlir --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,MISS
// RUN: env XGRAD_CACHE_DIR=%t/s xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --schedule %t/schedule.mlir --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,HIT
// RUN: echo 'module attributes {transform.with_named_sequence} { transform.named_sequence @other(%%k: !transform.any_op {transform.readonly}) { transform.yield } }' > %t/schedule.mlir
// RUN: env XGRAD_CACHE_DIR=%t/s xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --schedule %t/schedule.mlir --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,SECOND

// Spoiled entries: each is rejected with its reason, compiled again and stored again (one
// entry per model here: --compile-all).
// RUN: rm -rf %t/c && env XGRAD_CACHE_DIR=%t/c xgrad-run %s --compile-all --target double --input x=2x3:1,2,3,4,5,6 | FileCheck %s
// RUN: %python %S/Inputs/spoil_cache_entry.py %t/c flip
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --compile-all --target double --input x=2x3:1,2,3,4,5,6 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,REJECTED,FLIP
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --compile-all --target double --input x=2x3:1,2,3,4,5,6 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,HITALL
// RUN: %python %S/Inputs/spoil_cache_entry.py %t/c truncate
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --compile-all --target double --input x=2x3:1,2,3,4,5,6 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,REJECTED,TRUNCATE
// RUN: %python %S/Inputs/spoil_cache_entry.py %t/c version
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --compile-all --target double --input x=2x3:1,2,3,4,5,6 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,REJECTED,VERSION
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --compile-all --target double --input x=2x3:1,2,3,4,5,6 --opt-level 3 | FileCheck %s
// RUN: %python %S/Inputs/spoil_cache_entry.py %t/c swap
// RUN: env XGRAD_CACHE_DIR=%t/c xgrad-run %s --compile-all --target double --input x=2x3:1,2,3,4,5,6 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,SWAP
// HITALL: 1 hits, 0 misses, 0 rejected entries, 0 write errors; 1 entries
// REJECTED: 0 hits, 1 misses, 1 rejected entries, 0 write errors; 1 entries
// FLIP-NEXT: compile cache: {{.*}}.xgradmod: compiled module is corrupt (checksum mismatch)
// TRUNCATE-NEXT: compile cache: {{.*}}.xgradmod: {{.*}}
// VERSION-NEXT: compile cache: {{.*}}.xgradmod: compiled module of format version 99; this xgrad reads version 2
// SWAP: 0 hits, 1 misses, 1 rejected entries, 0 write errors; 1 entries
// SWAP-NEXT: compile cache: {{.*}}.xgradmod is not the cache entry of its key

// An unusable cache directory costs the entry, never the compile.
// RUN: touch %t/file
// RUN: env XGRAD_CACHE_DIR=%t/file xgrad-run %s --target double --input x=2x3:1,2,3,4,5,6 --cache-stats 2>&1 | FileCheck %s --check-prefixes=CHECK,UNWRITABLE
// UNWRITABLE: 0 hits, 2 misses, 0 rejected entries, 2 write errors; 0 entries
// UNWRITABLE-NEXT: compile cache: cannot write {{.*}}file/{{.*}}.xgradmod: Not a directory

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

// Every run prints the statistics (standard error, first), then the value:
// CHECK: double: 2x3xf32
// CHECK-NEXT: {{\[}}[2, 4, 6],
// CHECK-NEXT: [8, 10, 12]]
