// Malformed input ends in a diagnostic and exit status 1, never a crash.
// RUN: split-file %s %t && not xgrad-opt %t/truncated.mlir 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not xgrad-opt %t/unknown.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not xgrad-opt %t/wrongtype.mlir 2>&1 | FileCheck %s --check-prefix=WRONGTYPE
// RUN: not xgrad-opt %t/garbage.mlir 2>&1 | FileCheck %s --check-prefix=GARBAGE
// Every prefix of the op round-trip test: none may crash.
// RUN: %python %S/Inputs/truncate.py xgrad-opt %S/ops.mlir 97 | FileCheck %s --check-prefix=PREFIXES

// TRUNCATED: truncated.mlir:{{[0-9]+}}:{{[0-9]+}}: error:
// UNKNOWN: unknown.mlir:2:3: error: custom op 'xgrad.bogus' is unknown
// WRONGTYPE: wrongtype.mlir:3:8: error: 'xgrad.read' op result #0 must be floating-point, but got 'i32'
// GARBAGE: garbage.mlir:1:2: error: @ identifier expected to start with letter or '_'
// PREFIXES: crashed: 0
// PREFIXES-NEXT: diagnosed: {{[1-9][0-9]*}}

//--- truncated.mlir
xgrad.graph @t {
  %a = xgrad.input "a" : tensor<?xf32>
  %k = xgrad.kernel -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %a[%i
//--- unknown.mlir
xgrad.graph @t {
  xgrad.bogus
}
//--- wrongtype.mlir
xgrad.graph @t {
  %a = xgrad.input "a" : tensor<?xf32>
  %b = "xgrad.read"(%a) : (tensor<?xf32>) -> i32
}
//--- garbage.mlir
@@@ ~~~ not mlir at all
