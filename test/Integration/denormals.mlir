// Subnormal floats are flushed to zero by default (docs/Rationale.md), as inputs (1e-40
// reads as 0) and as results (1e-10 * 1e-30 becomes 0); --keep-denormals computes them as
// IEEE 754 says. On two threads every worker flushes too: a worker that did not would
// leave its share of the 4096 results non-zero.
// RUN: rm -rf %t && mkdir -p %t
// RUN: xgrad-run %s --target tiny --input x=3:1e-40,1.0,1e-10 | FileCheck %s --check-prefix=FLUSH
// FLUSH: tiny: 3xf32
// FLUSH-NEXT: [0, 1e-30, 0]
// RUN: xgrad-run %s --target tiny --input x=3:1e-40,1.0,1e-10 --keep-denormals | FileCheck %s --check-prefix=KEEP
// KEEP: tiny: 3xf32
// KEEP-NEXT: [0, 1e-30, 9.99995e-41]
// RUN: %python -c "import numpy, sys; numpy.save(sys.argv[1], numpy.full(4096, 1e-10, numpy.float32))" %t/x.npy
// RUN: xgrad-run %s --target tiny --input x=%t/x.npy --num-threads 2 --parallel-min-work=0 --output %t/flushed.npy > /dev/null
// RUN: xgrad-run %s --target tiny --input x=%t/x.npy --num-threads 2 --parallel-min-work=0 --keep-denormals --output %t/kept.npy > /dev/null
// RUN: %python -c "import numpy, sys; print('zeros', *[int((numpy.load(f) == 0).sum()) for f in sys.argv[1:]])" %t/flushed.npy %t/kept.npy | FileCheck %s --check-prefix=THREADS
// THREADS: zeros 4096 0
xgrad.graph @denormals {
  %x = xgrad.input "x" : tensor<?xf32>
  %y = xgrad.kernel "tiny" -> tensor<*xf32> {
  ^bb0(%i: index):
    %v = xgrad.read %x[%i] : tensor<?xf32>
    %s = arith.constant 1.0e-30 : f32
    %p = arith.mulf %v, %s : f32
    xgrad.accumulate %p at [%i] : f32
  }
  xgrad.target "tiny" %y : tensor<*xf32>
}
