// --check-finite stops a run at the first kernel whose result holds a NaN or an infinity,
// naming the kernel and the target; without it the infinity is printed and the run succeeds.
// RUN: xgrad-run %s --target out --input x=3:1,0,2 | FileCheck %s --check-prefix=PLAIN
// PLAIN: out: 3xf32
// PLAIN-NEXT: [0, -inf, 0.693147]
// RUN: not xgrad-run %s --target out --input x=3:1,0,2 --check-finite 2>&1 | FileCheck %s --check-prefix=CHECKED
// CHECKED: xgrad-run: error: run-time check failed: kernel 'log' of target 'g.out' produced 1 non-finite values (NaN or infinity)
// RUN: not xgrad-run %s --target out --input x=3:1,0,2 --check-finite --parallel --parallel-min-work=0 2>&1 | FileCheck %s --check-prefix=CHECKED
// Finite values pass, and give the same result as without the check.
// RUN: xgrad-run %s --target out --input x=3:1,4,2 --check-finite | FileCheck %s --check-prefix=FINE
// FINE: out: 3xf32
// FINE-NEXT: [0, 1.38629, 0.693147]

xgrad.graph @g {
  %x = xgrad.input "x" : tensor<?xf32>
  %log = xgrad.kernel "log" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %l = math.log %v : f32
    xgrad.accumulate %l at [%i] : f32
  }
  // Runs after the log: a later kernel is not the one to blame.
  %neg = xgrad.kernel "negate" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %log[%i] : tensor<*xf32>
    %n = arith.negf %v : f32
    xgrad.accumulate %n at [%i] : f32
  }
  %out = xgrad.kernel "twice" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %neg[%i] : tensor<*xf32>
    %n = arith.negf %v : f32
    xgrad.accumulate %n at [%i] : f32
  }
  xgrad.target "out" %out : tensor<*xf32>
}
