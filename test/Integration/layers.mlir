// Each layer kernel of Exprgrad (dnn.nim, base.nim) and each access form, run through the
// JIT on fixed inputs; the expected values were computed independently with numpy.
// Every target runs with linalg, with plain loops, and on OpenMP threads; the threaded
// result is bit-identical to the single-threaded one.
// The graph round-trips, and every kernel gets an inferred shape:
// RUN: xgrad-opt %s | xgrad-opt | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: xgrad-opt %s --mlir-print-op-generic | xgrad-opt | FileCheck %s --check-prefix=ROUNDTRIP
// ROUNDTRIP: xgrad.graph @layers
// ROUNDTRIP-COUNT-23: xgrad.kernel
// RUN: xgrad-opt %s --pass-pipeline='builtin.module(xgrad.graph(xgrad-infer-shapes))' | FileCheck %s --check-prefix=INFERRED
// INFERRED-COUNT-23: xgrad.kernel {{.*}} -> tensor<{{[0-9?]}}
// INFERRED-NOT: -> tensor<*x
// RUN: xgrad-run %s --target dense --input x=3x2:0.25,0.794,0.551,-0.55,-0.4,0.747 --input w=2x4:-0.989,0.642,0.594,-0.064,-0.394,-0.443,-0.49,-0.11 --input bias=4:0.009,0.107,0.991,0.585 --precision 8 | FileCheck %s --check-prefix=DENSE
// RUN: xgrad-run %s --target dense --input x=3x2:0.25,0.794,0.551,-0.55,-0.4,0.747 --input w=2x4:-0.989,0.642,0.594,-0.064,-0.394,-0.443,-0.49,-0.11 --input bias=4:0.009,0.107,0.991,0.585 --precision 8 --no-linalg | FileCheck %s --check-prefix=DENSE
// RUN: xgrad-run %s --target dense --input x=3x2:0.25,0.794,0.551,-0.55,-0.4,0.747 --input w=2x4:-0.989,0.642,0.594,-0.064,-0.394,-0.443,-0.49,-0.11 --input bias=4:0.009,0.107,0.991,0.585 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=DENSE
// RUN: xgrad-run %s --target dense --input x=3x2:0.25,0.794,0.551,-0.55,-0.4,0.747 --input w=2x4:-0.989,0.642,0.594,-0.064,-0.394,-0.443,-0.49,-0.11 --input bias=4:0.009,0.107,0.991,0.585 --num-threads 1 --output %t.dense.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target dense --input x=3x2:0.25,0.794,0.551,-0.55,-0.4,0.747 --input w=2x4:-0.989,0.642,0.594,-0.064,-0.394,-0.443,-0.49,-0.11 --input bias=4:0.009,0.107,0.991,0.585 --parallel --parallel-min-work=0 --output %t.dense.parallel.npy && cmp %t.dense.serial.npy %t.dense.parallel.npy
// DENSE: dense: 3x4xf64
// DENSE-NEXT: {{\[\[}}-0.551086, -0.084242, 0.75044, 0.48166],
// DENSE-NEXT:  [-0.319239, 0.704392, 1.587794, 0.610236],
// DENSE-NEXT:  [0.110282, -0.480721, 0.38737, 0.52843]]
// RUN: xgrad-run %s --target conv2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --input filters=2x3x3x1:0.384,-0.599,-0.261,-0.993,0.66,-0.691,-0.465,0.761,0.02,0.694,0.279,0.484,-0.817,0.082,0.016,0.743,-0.277,0.196 --precision 8 | FileCheck %s --check-prefix=CONV2D
// RUN: xgrad-run %s --target conv2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --input filters=2x3x3x1:0.384,-0.599,-0.261,-0.993,0.66,-0.691,-0.465,0.761,0.02,0.694,0.279,0.484,-0.817,0.082,0.016,0.743,-0.277,0.196 --precision 8 --no-linalg | FileCheck %s --check-prefix=CONV2D
// RUN: xgrad-run %s --target conv2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --input filters=2x3x3x1:0.384,-0.599,-0.261,-0.993,0.66,-0.691,-0.465,0.761,0.02,0.694,0.279,0.484,-0.817,0.082,0.016,0.743,-0.277,0.196 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=CONV2D
// RUN: xgrad-run %s --target conv2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --input filters=2x3x3x1:0.384,-0.599,-0.261,-0.993,0.66,-0.691,-0.465,0.761,0.02,0.694,0.279,0.484,-0.817,0.082,0.016,0.743,-0.277,0.196 --num-threads 1 --output %t.conv2d.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target conv2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --input filters=2x3x3x1:0.384,-0.599,-0.261,-0.993,0.66,-0.691,-0.465,0.761,0.02,0.694,0.279,0.484,-0.817,0.082,0.016,0.743,-0.277,0.196 --parallel --parallel-min-work=0 --output %t.conv2d.parallel.npy && cmp %t.conv2d.serial.npy %t.conv2d.parallel.npy
// CONV2D: conv2d: 1x2x2x2xf64
// CONV2D-NEXT: {{\[\[}}{{\[\[}}0.144431, -0.337645],
// CONV2D-NEXT:    [0.974697, 1.413951]],
// CONV2D-NEXT:   {{\[\[}}0.913808, -0.475731],
// CONV2D-NEXT:    [-0.999008, -1.762776]]]]
// RUN: xgrad-run %s --target maxpool2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --precision 8 | FileCheck %s --check-prefix=MAXPOOL2D
// RUN: xgrad-run %s --target maxpool2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --precision 8 --no-linalg | FileCheck %s --check-prefix=MAXPOOL2D
// RUN: xgrad-run %s --target maxpool2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=MAXPOOL2D
// RUN: xgrad-run %s --target maxpool2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --num-threads 1 --output %t.maxpool2d.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target maxpool2d --input images=1x4x4x1:0.244,0.978,-0.569,-0.68,0.225,-0.912,-0.929,0.03,-0.068,0.834,0.258,0.028,-0.006,-0.505,-0.976,-0.615 --parallel --parallel-min-work=0 --output %t.maxpool2d.parallel.npy && cmp %t.maxpool2d.serial.npy %t.maxpool2d.parallel.npy
// MAXPOOL2D: maxpool2d: 1x2x2x1xf64
// MAXPOOL2D-NEXT: {{\[\[}}{{\[\[}}0.978],
// MAXPOOL2D-NEXT:    [0.03]],
// MAXPOOL2D-NEXT:   {{\[\[}}0.834],
// MAXPOOL2D-NEXT:    [0.258]]]]
// RUN: xgrad-run %s --target upsample2 --input small=1x2x2x1:-0.881,-0.225,-0.354,-0.7 --precision 8 | FileCheck %s --check-prefix=UPSAMPLE2
// RUN: xgrad-run %s --target upsample2 --input small=1x2x2x1:-0.881,-0.225,-0.354,-0.7 --precision 8 --no-linalg | FileCheck %s --check-prefix=UPSAMPLE2
// RUN: xgrad-run %s --target upsample2 --input small=1x2x2x1:-0.881,-0.225,-0.354,-0.7 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=UPSAMPLE2
// RUN: xgrad-run %s --target upsample2 --input small=1x2x2x1:-0.881,-0.225,-0.354,-0.7 --num-threads 1 --output %t.upsample2.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target upsample2 --input small=1x2x2x1:-0.881,-0.225,-0.354,-0.7 --parallel --parallel-min-work=0 --output %t.upsample2.parallel.npy && cmp %t.upsample2.serial.npy %t.upsample2.parallel.npy
// UPSAMPLE2: upsample2: 1x4x4x1xf64
// UPSAMPLE2-NEXT: {{\[\[}}{{\[\[}}-0.881],
// UPSAMPLE2-NEXT:    [-0.881],
// UPSAMPLE2-NEXT:    [-0.225],
// UPSAMPLE2-NEXT:    [-0.225]],
// UPSAMPLE2-NEXT:   {{\[\[}}-0.881],
// UPSAMPLE2-NEXT:    [-0.881],
// UPSAMPLE2-NEXT:    [-0.225],
// UPSAMPLE2-NEXT:    [-0.225]],
// UPSAMPLE2-NEXT:   {{\[\[}}-0.354],
// UPSAMPLE2-NEXT:    [-0.354],
// UPSAMPLE2-NEXT:    [-0.7],
// UPSAMPLE2-NEXT:    [-0.7]],
// UPSAMPLE2-NEXT:   {{\[\[}}-0.354],
// UPSAMPLE2-NEXT:    [-0.354],
// UPSAMPLE2-NEXT:    [-0.7],
// UPSAMPLE2-NEXT:    [-0.7]]]]
// RUN: xgrad-run %s --target softmax --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --precision 8 | FileCheck %s --check-prefix=SOFTMAX
// RUN: xgrad-run %s --target softmax --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --precision 8 --no-linalg | FileCheck %s --check-prefix=SOFTMAX
// RUN: xgrad-run %s --target softmax --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=SOFTMAX
// RUN: xgrad-run %s --target softmax --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --num-threads 1 --output %t.softmax.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target softmax --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --parallel --parallel-min-work=0 --output %t.softmax.parallel.npy && cmp %t.softmax.serial.npy %t.softmax.parallel.npy
// SOFTMAX: softmax: 2x3xf64
// SOFTMAX-NEXT: {{\[\[}}0.32364168, 0.056409466, 0.61994885],
// SOFTMAX-NEXT:  [0.30548277, 0.32437277, 0.37014446]]
// RUN: xgrad-run %s --target cross_entropy --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --input labels=2x3:0,1,0,1,0,0 --precision 8 | FileCheck %s --check-prefix=CROSS-ENTROPY
// RUN: xgrad-run %s --target cross_entropy --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --input labels=2x3:0,1,0,1,0,0 --precision 8 --no-linalg | FileCheck %s --check-prefix=CROSS-ENTROPY
// RUN: xgrad-run %s --target cross_entropy --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --input labels=2x3:0,1,0,1,0,0 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=CROSS-ENTROPY
// RUN: xgrad-run %s --target cross_entropy --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --input labels=2x3:0,1,0,1,0,0 --num-threads 1 --output %t.cross_entropy.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target cross_entropy --input logits=2x3:1.265,-0.482,1.915,0.36,0.42,0.552 --input labels=2x3:0,1,0,1,0,0 --parallel --parallel-min-work=0 --output %t.cross_entropy.parallel.npy && cmp %t.cross_entropy.serial.npy %t.cross_entropy.parallel.npy
// CROSS-ENTROPY: cross_entropy: 1xf64
// CROSS-ENTROPY-NEXT: [2.0304901]
// RUN: xgrad-run %s --target mse --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 | FileCheck %s --check-prefix=MSE
// RUN: xgrad-run %s --target mse --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --no-linalg | FileCheck %s --check-prefix=MSE
// RUN: xgrad-run %s --target mse --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=MSE
// RUN: xgrad-run %s --target mse --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --num-threads 1 --output %t.mse.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target mse --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --parallel --parallel-min-work=0 --output %t.mse.parallel.npy && cmp %t.mse.serial.npy %t.mse.parallel.npy
// MSE: mse: 1xf64
// MSE-NEXT: [1.8356543]
// RUN: xgrad-run %s --target relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 | FileCheck %s --check-prefix=RELU
// RUN: xgrad-run %s --target relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --no-linalg | FileCheck %s --check-prefix=RELU
// RUN: xgrad-run %s --target relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=RELU
// RUN: xgrad-run %s --target relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --num-threads 1 --output %t.relu.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --parallel --parallel-min-work=0 --output %t.relu.parallel.npy && cmp %t.relu.serial.npy %t.relu.parallel.npy
// RELU: relu: 6xf64
// RELU-NEXT: [0.706, 0, 0, 0, 0, 0]
// RUN: xgrad-run %s --target leaky_relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 | FileCheck %s --check-prefix=LEAKY-RELU
// RUN: xgrad-run %s --target leaky_relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --no-linalg | FileCheck %s --check-prefix=LEAKY-RELU
// RUN: xgrad-run %s --target leaky_relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=LEAKY-RELU
// RUN: xgrad-run %s --target leaky_relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --num-threads 1 --output %t.leaky_relu.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target leaky_relu --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --parallel --parallel-min-work=0 --output %t.leaky_relu.parallel.npy && cmp %t.leaky_relu.serial.npy %t.leaky_relu.parallel.npy
// LEAKY-RELU: leaky_relu: 6xf64
// LEAKY-RELU-NEXT: [0.706, -0.01397, -0.00239, -0.01042, -0.0039, -0.01613]
// RUN: xgrad-run %s --target sigmoid --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 | FileCheck %s --check-prefix=SIGMOID
// RUN: xgrad-run %s --target sigmoid --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --no-linalg | FileCheck %s --check-prefix=SIGMOID
// RUN: xgrad-run %s --target sigmoid --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=SIGMOID
// RUN: xgrad-run %s --target sigmoid --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --num-threads 1 --output %t.sigmoid.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target sigmoid --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --parallel --parallel-min-work=0 --output %t.sigmoid.parallel.npy && cmp %t.sigmoid.serial.npy %t.sigmoid.parallel.npy
// SIGMOID: sigmoid: 6xf64
// SIGMOID-NEXT: [0.6695167, 0.1982926, 0.4405328, 0.26076428, 0.4037173, 0.16617252]
// RUN: xgrad-run %s --target tanh --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 | FileCheck %s --check-prefix=TANH
// RUN: xgrad-run %s --target tanh --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --no-linalg | FileCheck %s --check-prefix=TANH
// RUN: xgrad-run %s --target tanh --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=TANH
// RUN: xgrad-run %s --target tanh --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --num-threads 1 --output %t.tanh.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target tanh --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --parallel --parallel-min-work=0 --output %t.tanh.parallel.npy && cmp %t.tanh.serial.npy %t.tanh.parallel.npy
// TANH: tanh: 6xf64
// TANH-NEXT: [0.60816241, -0.88470147, -0.23455099, -0.77867662, -0.37136023, -0.92360213]
// RUN: xgrad-run %s --target transpose --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 | FileCheck %s --check-prefix=TRANSPOSE
// RUN: xgrad-run %s --target transpose --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 --no-linalg | FileCheck %s --check-prefix=TRANSPOSE
// RUN: xgrad-run %s --target transpose --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=TRANSPOSE
// RUN: xgrad-run %s --target transpose --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --num-threads 1 --output %t.transpose.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target transpose --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --parallel --parallel-min-work=0 --output %t.transpose.parallel.npy && cmp %t.transpose.serial.npy %t.transpose.parallel.npy
// TRANSPOSE: transpose: 3x2xf64
// TRANSPOSE-NEXT: {{\[\[}}-0.737, 0.808],
// TRANSPOSE-NEXT:  [0.69, 0.139],
// TRANSPOSE-NEXT:  [0.89, -0.709]]
// RUN: xgrad-run %s --target rowsum --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 | FileCheck %s --check-prefix=ROWSUM
// RUN: xgrad-run %s --target rowsum --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 --no-linalg | FileCheck %s --check-prefix=ROWSUM
// RUN: xgrad-run %s --target rowsum --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=ROWSUM
// RUN: xgrad-run %s --target rowsum --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --num-threads 1 --output %t.rowsum.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target rowsum --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --parallel --parallel-min-work=0 --output %t.rowsum.parallel.npy && cmp %t.rowsum.serial.npy %t.rowsum.parallel.npy
// ROWSUM: rowsum: 2xf64
// ROWSUM-NEXT: [0.843, 0.238]
// RUN: xgrad-run %s --target total --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 | FileCheck %s --check-prefix=TOTAL
// RUN: xgrad-run %s --target total --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 --no-linalg | FileCheck %s --check-prefix=TOTAL
// RUN: xgrad-run %s --target total --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=TOTAL
// RUN: xgrad-run %s --target total --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --num-threads 1 --output %t.total.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target total --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --parallel --parallel-min-work=0 --output %t.total.parallel.npy && cmp %t.total.serial.npy %t.total.parallel.npy
// TOTAL: total: 1xf64
// TOTAL-NEXT: [1.081]
// RUN: xgrad-run %s --target gather --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 | FileCheck %s --check-prefix=GATHER
// RUN: xgrad-run %s --target gather --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --no-linalg | FileCheck %s --check-prefix=GATHER
// RUN: xgrad-run %s --target gather --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=GATHER
// RUN: xgrad-run %s --target gather --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --num-threads 1 --output %t.gather.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target gather --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --parallel --parallel-min-work=0 --output %t.gather.parallel.npy && cmp %t.gather.serial.npy %t.gather.parallel.npy
// GATHER: gather: 12xf64
// GATHER-NEXT: [0.706, 0.706, -1.397, -1.397, -0.239, -0.239, -1.042, -1.042, -0.39, -0.39, -1.613, -1.613]
// RUN: xgrad-run %s --target scatter --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input k=3:-0.615,0.856,0.105 --precision 8 | FileCheck %s --check-prefix=SCATTER
// RUN: xgrad-run %s --target scatter --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input k=3:-0.615,0.856,0.105 --precision 8 --no-linalg | FileCheck %s --check-prefix=SCATTER
// RUN: xgrad-run %s --target scatter --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input k=3:-0.615,0.856,0.105 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=SCATTER
// RUN: xgrad-run %s --target scatter --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input k=3:-0.615,0.856,0.105 --num-threads 1 --output %t.scatter.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target scatter --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input k=3:-0.615,0.856,0.105 --parallel --parallel-min-work=0 --output %t.scatter.parallel.npy && cmp %t.scatter.serial.npy %t.scatter.parallel.npy
// SCATTER: scatter: 8xf64
// SCATTER-NEXT: [-0.43419, 1.463491, -0.974717, 0.289561, -0.677197, 0.548745, -1.421678, -0.169365]
// RUN: xgrad-run %s --target flat_double --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 | FileCheck %s --check-prefix=FLAT-DOUBLE
// RUN: xgrad-run %s --target flat_double --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 --no-linalg | FileCheck %s --check-prefix=FLAT-DOUBLE
// RUN: xgrad-run %s --target flat_double --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=FLAT-DOUBLE
// RUN: xgrad-run %s --target flat_double --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --num-threads 1 --output %t.flat_double.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target flat_double --input m=2x3:-0.737,0.69,0.89,0.808,0.139,-0.709 --parallel --parallel-min-work=0 --output %t.flat_double.parallel.npy && cmp %t.flat_double.serial.npy %t.flat_double.parallel.npy
// FLAT-DOUBLE: flat_double: 2x3xf64
// FLAT-DOUBLE-NEXT: {{\[\[}}-1.474, 1.38, 1.78],
// FLAT-DOUBLE-NEXT:  [1.616, 0.278, -1.418]]
// RUN: xgrad-run %s --target add --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 | FileCheck %s --check-prefix=ADD
// RUN: xgrad-run %s --target add --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --no-linalg | FileCheck %s --check-prefix=ADD
// RUN: xgrad-run %s --target add --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=ADD
// RUN: xgrad-run %s --target add --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --num-threads 1 --output %t.add.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target add --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --parallel --parallel-min-work=0 --output %t.add.parallel.npy && cmp %t.add.serial.npy %t.add.parallel.npy
// ADD: add: 6xf64
// ADD-NEXT: [2.577, -2.537, 0.448, -1.84, 1.106, -0.964]
// RUN: xgrad-run %s --target sub --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 | FileCheck %s --check-prefix=SUB
// RUN: xgrad-run %s --target sub --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --no-linalg | FileCheck %s --check-prefix=SUB
// RUN: xgrad-run %s --target sub --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=SUB
// RUN: xgrad-run %s --target sub --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --num-threads 1 --output %t.sub.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target sub --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --parallel --parallel-min-work=0 --output %t.sub.parallel.npy && cmp %t.sub.serial.npy %t.sub.parallel.npy
// SUB: sub: 6xf64
// SUB-NEXT: [-1.165, -0.257, -0.926, -0.244, -1.886, -2.262]
// RUN: xgrad-run %s --target min --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 | FileCheck %s --check-prefix=MIN
// RUN: xgrad-run %s --target min --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --no-linalg | FileCheck %s --check-prefix=MIN
// RUN: xgrad-run %s --target min --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=MIN
// RUN: xgrad-run %s --target min --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --num-threads 1 --output %t.min.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target min --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --parallel --parallel-min-work=0 --output %t.min.parallel.npy && cmp %t.min.serial.npy %t.min.parallel.npy
// MIN: min: 6xf64
// MIN-NEXT: [0.706, -1.397, -0.239, -1.042, -0.39, -1.613]
// RUN: xgrad-run %s --target max --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 | FileCheck %s --check-prefix=MAX
// RUN: xgrad-run %s --target max --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --no-linalg | FileCheck %s --check-prefix=MAX
// RUN: xgrad-run %s --target max --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --precision 8 --parallel --parallel-min-work=0 | FileCheck %s --check-prefix=MAX
// RUN: xgrad-run %s --target max --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --num-threads 1 --output %t.max.serial.npy && env OMP_NUM_THREADS=2 xgrad-run %s --target max --input v=6:0.706,-1.397,-0.239,-1.042,-0.39,-1.613 --input u=6:1.871,-1.14,0.687,-0.798,1.496,0.649 --parallel --parallel-min-work=0 --output %t.max.parallel.npy && cmp %t.max.serial.npy %t.max.parallel.npy
// MAX: max: 6xf64
// MAX-NEXT: [1.871, -1.14, 0.687, -0.798, 1.496, 0.649]

xgrad.graph @layers {
  %x = xgrad.input "x" : tensor<?x2xf64>
  %w = xgrad.input "w" : tensor<2x4xf64>
  %bias = xgrad.input "bias" : tensor<4xf64>
  %images = xgrad.input "images" : tensor<?x?x?x?xf64>
  %filters = xgrad.input "filters" : tensor<?x?x?x?xf64>
  %small = xgrad.input "small" : tensor<?x?x?x?xf64>
  %logits = xgrad.input "logits" : tensor<?x?xf64>
  %labels = xgrad.input "labels" : tensor<?x?xf64>
  %v = xgrad.input "v" : tensor<?xf64>
  %u = xgrad.input "u" : tensor<?xf64>
  %m = xgrad.input "m" : tensor<?x?xf64>
  %k = xgrad.input "k" : tensor<?xf64>

  // dense: result[y, x] ++= values[y, it] * weights[it, x] | (x, y, it); then the bias.
  %mm = xgrad.kernel "dense" -> tensor<*xf64> {
  ^bb0(%xx: index, %y: index, %it: index):
    %a = xgrad.read %x[%y, %it] : tensor<?x2xf64>
    %b = xgrad.read %w[%it, %xx] : tensor<2x4xf64>
    %p = arith.mulf %a, %b : f64
    xgrad.accumulate %p at [%y, %xx] : f64
  }
  %dense = xgrad.kernel "dense.bias" init(%mm : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%y: index, %xx: index):
    %b = xgrad.read %bias[%xx] : tensor<4xf64>
    xgrad.accumulate %b at [%y, %xx] : f64
  }
  xgrad.target "dense" %dense : tensor<*xf64>

  // conv2: result[image, y, x, filter] ++= images[image, y + dy, x + dx, chan] * filters[filter, dy, dx, chan]
  %conv = xgrad.kernel "conv2d" -> tensor<*xf64> {
  ^bb0(%image: index, %y: index, %xx: index, %filter: index, %dx: index, %dy: index, %chan: index):
    %yy = arith.addi %y, %dy : index
    %xd = arith.addi %xx, %dx : index
    %a = xgrad.read %images[%image, %yy, %xd, %chan] : tensor<?x?x?x?xf64>
    %f = xgrad.read %filters[%filter, %dy, %dx, %chan] : tensor<?x?x?x?xf64>
    %p = arith.mulf %a, %f : f64
    xgrad.accumulate %p at [%image, %y, %xx, %filter] : f64
  }
  xgrad.target "conv2d" %conv : tensor<*xf64>

  // maxpool2: the max of each 2x2 window.
  %pool = xgrad.kernel "maxpool2d" -> tensor<*xf64> {
  ^bb0(%image: index, %y: index, %xx: index, %chan: index):
    %one = arith.constant 1 : index
    %two = arith.constant 2 : index
    %y0 = arith.muli %y, %two : index
    %x0 = arith.muli %xx, %two : index
    %y1 = arith.addi %y0, %one : index
    %x1 = arith.addi %x0, %one : index
    %a = xgrad.read %images[%image, %y0, %x0, %chan] : tensor<?x?x?x?xf64>
    %b = xgrad.read %images[%image, %y1, %x0, %chan] : tensor<?x?x?x?xf64>
    %c = xgrad.read %images[%image, %y0, %x1, %chan] : tensor<?x?x?x?xf64>
    %d = xgrad.read %images[%image, %y1, %x1, %chan] : tensor<?x?x?x?xf64>
    %m0 = arith.maximumf %a, %b : f64
    %m1 = arith.maximumf %c, %d : f64
    %mx = arith.maximumf %m0, %m1 : f64
    xgrad.accumulate %mx at [%image, %y, %xx, %chan] : f64
  }
  xgrad.target "maxpool2d" %pool : tensor<*xf64>

  // upsample2: a gather at `y div 2`, with its shape given by withShape.
  %n = xgrad.dim %small[0] : tensor<?x?x?x?xf64>
  %h = xgrad.dim %small[1] : tensor<?x?x?x?xf64>
  %wd = xgrad.dim %small[2] : tensor<?x?x?x?xf64>
  %ch = xgrad.dim %small[3] : tensor<?x?x?x?xf64>
  %two = arith.constant 2 : index
  %h2 = arith.muli %h, %two : index
  %w2 = arith.muli %wd, %two : index
  %up = xgrad.kernel "upsample2" shape(%n, %h2, %w2, %ch) -> tensor<*xf64> {
  ^bb0(%image: index, %y: index, %xx: index, %chan: index):
    %t = arith.constant 2 : index
    %yd = arith.divsi %y, %t : index
    %xd = arith.divsi %xx, %t : index
    %a = xgrad.read %small[%image, %yd, %xd, %chan] : tensor<?x?x?x?xf64>
    xgrad.accumulate %a at [%image, %y, %xx, %chan] : f64
  }
  xgrad.target "upsample2" %up : tensor<*xf64>

  // softmax: sums[y] ++= exp(inp[y, x]); result[y, x] ++= exp(inp[y, x]) / sums[y]
  %sums = xgrad.kernel "softmax.sums" -> tensor<*xf64> {
  ^bb0(%y: index, %xx: index):
    %a = xgrad.read %logits[%y, %xx] : tensor<?x?xf64>
    %e = math.exp %a : f64
    xgrad.accumulate %e at [%y] : f64
  }
  %soft = xgrad.kernel "softmax" -> tensor<*xf64> {
  ^bb0(%y: index, %xx: index):
    %a = xgrad.read %logits[%y, %xx] : tensor<?x?xf64>
    %s = xgrad.read %sums[%y] : tensor<*xf64>
    %e = math.exp %a : f64
    %q = arith.divf %e, %s : f64
    xgrad.accumulate %q at [%y, %xx] : f64
  }
  xgrad.target "softmax" %soft : tensor<*xf64>

  // crossEntropy: result[0] ++= -(labels{it} * ln(pred{it})) / toScalar(pred.shape[0])
  %ce = xgrad.kernel "cross_entropy" -> tensor<*xf64> {
  ^bb0(%it: index):
    %p = xgrad.read flat %soft[%it] : tensor<*xf64>
    %l = xgrad.read flat %labels[%it] : tensor<?x?xf64>
    %ln = math.log %p : f64
    %prod = arith.mulf %l, %ln : f64
    %neg = arith.negf %prod : f64
    %rows = xgrad.dim %soft[0] : tensor<*xf64>
    %rs = xgrad.to_scalar %rows : index to f64
    %q = arith.divf %neg, %rs : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %q at [%zero] : f64
  }
  xgrad.target "cross_entropy" %ce : tensor<*xf64>

  // mse: result[0] ++= sq(a{it} - b{it}) / toScalar(a.shape[0])
  %mse = xgrad.kernel "mse" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %b = xgrad.read flat %u[%it] : tensor<?xf64>
    %d = arith.subf %a, %b : f64
    %sq = arith.mulf %d, %d : f64
    %rows = xgrad.dim %v[0] : tensor<?xf64>
    %rs = xgrad.to_scalar %rows : index to f64
    %q = arith.divf %sq, %rs : f64
    %zero = arith.constant 0 : index
    xgrad.accumulate %q at [%zero] : f64
  }
  xgrad.target "mse" %mse : tensor<*xf64>

  // relu: select(inp{it} >= 0.0, inp{it}, 0.0)
  %relu = xgrad.kernel "relu" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %zero = arith.constant 0.0 : f64
    %c = arith.cmpf oge, %a, %zero : f64
    %s = arith.select %c, %a, %zero : f64
    xgrad.accumulate %s at flat [%it] : f64
  }
  xgrad.target "relu" %relu : tensor<*xf64>

  // leakyRelu: select(inp{it} >= 0.0, 1.0, leak) * inp{it}
  %leaky = xgrad.kernel "leaky_relu" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %zero = arith.constant 0.0 : f64
    %one = arith.constant 1.0 : f64
    %leak = arith.constant 0.01 : f64
    %c = arith.cmpf oge, %a, %zero : f64
    %s = arith.select %c, %one, %leak : f64
    %p = arith.mulf %s, %a : f64
    xgrad.accumulate %p at flat [%it] : f64
  }
  xgrad.target "leaky_relu" %leaky : tensor<*xf64>

  // sigmoid: 1.0 / (1.0 + exp(-inp{it}))
  %sig = xgrad.kernel "sigmoid" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %one = arith.constant 1.0 : f64
    %n1 = arith.negf %a : f64
    %e = math.exp %n1 : f64
    %d = arith.addf %one, %e : f64
    %q = arith.divf %one, %d : f64
    xgrad.accumulate %q at flat [%it] : f64
  }
  xgrad.target "sigmoid" %sig : tensor<*xf64>

  // tanh: let a = exp(inp{it}); let b = exp(-inp{it}); (a - b) / (a + b)
  %tanh = xgrad.kernel "tanh" -> tensor<*xf64> {
  ^bb0(%it: index):
    %i = xgrad.read flat %v[%it] : tensor<?xf64>
    %a = math.exp %i : f64
    %ni = arith.negf %i : f64
    %b = math.exp %ni : f64
    %num = arith.subf %a, %b : f64
    %den = arith.addf %a, %b : f64
    %q = arith.divf %num, %den : f64
    xgrad.accumulate %q at flat [%it] : f64
  }
  xgrad.target "tanh" %tanh : tensor<*xf64>

  // transpose, a row reduction and a reduction to one element
  %t = xgrad.kernel "transpose" -> tensor<*xf64> {
  ^bb0(%y: index, %xx: index):
    %a = xgrad.read %m[%xx, %y] : tensor<?x?xf64>
    xgrad.accumulate %a at [%y, %xx] : f64
  }
  xgrad.target "transpose" %t : tensor<*xf64>
  %rowsum = xgrad.kernel "rowsum" -> tensor<*xf64> {
  ^bb0(%y: index, %xx: index):
    %a = xgrad.read %m[%y, %xx] : tensor<?x?xf64>
    xgrad.accumulate %a at [%y] : f64
  }
  xgrad.target "rowsum" %rowsum : tensor<*xf64>
  %total = xgrad.kernel "total" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %m[%it] : tensor<?x?xf64>
    %zero = arith.constant 0 : index
    xgrad.accumulate %a at [%zero] : f64
  }
  xgrad.target "total" %total : tensor<*xf64>

  // A gather result[y] ++= v[y div 2] with an explicit shape, and a scatter
  // result[y + j] ++= v[y] * k[j] (a full 1-D convolution).
  %vn = xgrad.dim %v[0] : tensor<?xf64>
  %v2 = arith.muli %vn, %two : index
  %gather = xgrad.kernel "gather" shape(%v2) -> tensor<*xf64> {
  ^bb0(%y: index):
    %t2 = arith.constant 2 : index
    %yd = arith.divsi %y, %t2 : index
    %a = xgrad.read %v[%yd] : tensor<?xf64>
    xgrad.accumulate %a at [%y] : f64
  }
  xgrad.target "gather" %gather : tensor<*xf64>
  %scatter = xgrad.kernel "scatter" -> tensor<*xf64> {
  ^bb0(%y: index, %j: index):
    %a = xgrad.read %v[%y] : tensor<?xf64>
    %b = xgrad.read %k[%j] : tensor<?xf64>
    %p = arith.mulf %a, %b : f64
    %yj = arith.addi %y, %j : index
    xgrad.accumulate %p at [%yj] : f64
  }
  xgrad.target "scatter" %scatter : tensor<*xf64>

  // Flat access of a matrix, and elementwise + - min max of two tensors (the ops that fail
  // in Exprgrad).
  %flat = xgrad.kernel "flat_double" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %m[%it] : tensor<?x?xf64>
    %c2 = arith.constant 2.0 : f64
    %p = arith.mulf %a, %c2 : f64
    xgrad.accumulate %p at flat [%it] : f64
  }
  xgrad.target "flat_double" %flat : tensor<*xf64>
  %add = xgrad.kernel "add" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %b = xgrad.read flat %u[%it] : tensor<?xf64>
    %r = arith.addf %a, %b : f64
    xgrad.accumulate %r at flat [%it] : f64
  }
  xgrad.target "add" %add : tensor<*xf64>
  %sub = xgrad.kernel "sub" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %b = xgrad.read flat %u[%it] : tensor<?xf64>
    %r = arith.subf %a, %b : f64
    xgrad.accumulate %r at flat [%it] : f64
  }
  xgrad.target "sub" %sub : tensor<*xf64>
  %min = xgrad.kernel "min" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %b = xgrad.read flat %u[%it] : tensor<?xf64>
    %r = arith.minimumf %a, %b : f64
    xgrad.accumulate %r at flat [%it] : f64
  }
  xgrad.target "min" %min : tensor<*xf64>
  %max = xgrad.kernel "max" -> tensor<*xf64> {
  ^bb0(%it: index):
    %a = xgrad.read flat %v[%it] : tensor<?xf64>
    %b = xgrad.read flat %u[%it] : tensor<?xf64>
    %r = arith.maximumf %a, %b : f64
    xgrad.accumulate %r at flat [%it] : f64
  }
  xgrad.target "max" %max : tensor<*xf64>
}
