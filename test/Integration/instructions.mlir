// Every instruction and operator of Exprgrad's table, run through the JIT. Each row of
// `table` is one instruction applied to a = [0.5, 1.5, 2, 3.25], b = [2, 0.5, 2, 1.5] and
// the iterator i = [0, 1, 2, 3]; the expected values were computed with numpy.
// Each row is one kernel adding to the same tensor (a repeated `++=` at a constant index).
// RUN: xgrad-run %s --target table --input a=4:0.5,1.5,2,3.25 --input b=4:2,0.5,2,1.5 --precision 10 | FileCheck %s
// RUN: xgrad-run %s --target table --input a=4:0.5,1.5,2,3.25 --input b=4:2,0.5,2,1.5 --precision 10 --no-linalg | FileCheck %s

// CHECK: table: 32x4xf64
// CHECK-NEXT: {{\[\[}}2.5, 2, 4, 4.75],
// CHECK-NEXT:  [-1.5, 1, 0, 1.75],
// CHECK-NEXT:  [1, 0.75, 4, 4.875],
// CHECK-NEXT:  [0.25, 3, 1, 2.166666667],
// CHECK-NEXT:  [-0.5, -1.5, -2, -3.25],
// CHECK-NEXT:  [0.25, 2.25, 4, 10.5625],
// CHECK-NEXT:  [0.5, 0.5, 2, 1.5],
// CHECK-NEXT:  [2, 1.5, 2, 3.25],
// CHECK-NEXT:  [0, 0, 1, 0],
// CHECK-NEXT:  [1, 1, 0, 1],
// CHECK-NEXT:  [1, 0, 0, 0],
// CHECK-NEXT:  [0, 1, 0, 1],
// CHECK-NEXT:  [1, 0, 1, 0],
// CHECK-NEXT:  [0, 1, 1, 1],
// CHECK-NEXT:  [1, 1, 0, 1],
// CHECK-NEXT:  [0, 0, 1, 0],
// CHECK-NEXT:  [0, 1, 1, 1],
// CHECK-NEXT:  [2, 1.5, 2, 3.25],
// CHECK-NEXT:  [0.4794255386, 0.9974949866, 0.9092974268, -0.1081951345],
// CHECK-NEXT:  [0.8775825619, 0.07073720167, -0.4161468365, -0.9941296761],
// CHECK-NEXT:  [1.648721271, 4.48168907, 7.389056099, 25.79033992],
// CHECK-NEXT:  [0.7071067812, 1.224744871, 1.414213562, 1.802775638],
// CHECK-NEXT:  [-0.6931471806, 0.4054651081, 0.6931471806, 1.178654996],
// CHECK-NEXT:  [-1, 0.5849625007, 1, 1.700439718],
// CHECK-NEXT:  [-0.3010299957, 0.1760912591, 0.3010299957, 0.511883361],
// CHECK-NEXT:  [0.25, 1.224744871, 4, 5.859020823],
// CHECK-NEXT:  [0, 0, 1, 1],
// CHECK-NEXT:  [0, 1, 2, 0],
// CHECK-NEXT:  [1, 2, 0, 1],
// CHECK-NEXT:  [0, 1, 2, 3],
// CHECK-NEXT:  [1, 3, 5, 7],
// CHECK-NEXT:  [9, 9, 9, 9]]

xgrad.graph @instructions {
  %a = xgrad.input "a" : tensor<?xf64>
  %b = xgrad.input "b" : tensor<?xf64>
  %rows = arith.constant 32 : index
  %n = xgrad.dim %a[0] : tensor<?xf64>
  // a + b
  %t0 = xgrad.kernel "row0" shape(%rows, %n) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = arith.addf %x, %y : f64
    %row = arith.constant 0 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // a - b
  %t1 = xgrad.kernel "row1" init(%t0 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = arith.subf %x, %y : f64
    %row = arith.constant 1 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // a * b
  %t2 = xgrad.kernel "row2" init(%t1 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = arith.mulf %x, %y : f64
    %row = arith.constant 2 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // a / b
  %t3 = xgrad.kernel "row3" init(%t2 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = arith.divf %x, %y : f64
    %row = arith.constant 3 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // -a
  %t4 = xgrad.kernel "row4" init(%t3 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = arith.negf %x : f64
    %row = arith.constant 4 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // sq(a)
  %t5 = xgrad.kernel "row5" init(%t4 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = arith.mulf %x, %x : f64
    %row = arith.constant 5 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // min(a, b)
  %t6 = xgrad.kernel "row6" init(%t5 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = arith.minimumf %x, %y : f64
    %row = arith.constant 6 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // max(a, b)
  %t7 = xgrad.kernel "row7" init(%t6 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = arith.maximumf %x, %y : f64
    %row = arith.constant 7 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(a == b)
  %t8 = xgrad.kernel "row8" init(%t7 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c = arith.cmpf oeq, %x, %y : f64
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 8 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(a != b)
  %t9 = xgrad.kernel "row9" init(%t8 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c = arith.cmpf une, %x, %y : f64
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 9 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(a < b)
  %t10 = xgrad.kernel "row10" init(%t9 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c = arith.cmpf olt, %x, %y : f64
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 10 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(a > b)
  %t11 = xgrad.kernel "row11" init(%t10 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c = arith.cmpf ogt, %x, %y : f64
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 11 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(a <= b)
  %t12 = xgrad.kernel "row12" init(%t11 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c = arith.cmpf ole, %x, %y : f64
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 12 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(a >= b)
  %t13 = xgrad.kernel "row13" init(%t12 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c = arith.cmpf oge, %x, %y : f64
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 13 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // (a < b) or (a > b)
  %t14 = xgrad.kernel "row14" init(%t13 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c0 = arith.cmpf olt, %x, %y : f64
    %c1 = arith.cmpf ogt, %x, %y : f64
    %c = arith.ori %c0, %c1 : i1
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 14 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // (a <= b) and (a >= b)
  %t15 = xgrad.kernel "row15" init(%t14 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c0 = arith.cmpf ole, %x, %y : f64
    %c1 = arith.cmpf oge, %x, %y : f64
    %c = arith.andi %c0, %c1 : i1
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 15 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // not (a < b)
  %t16 = xgrad.kernel "row16" init(%t15 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c0 = arith.cmpf olt, %x, %y : f64
    %t = arith.constant true
    %c = arith.xori %c0, %t : i1
    %r = xgrad.to_scalar %c : i1 to f64
    %row = arith.constant 16 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // select(a > b, a, b)
  %t17 = xgrad.kernel "row17" init(%t16 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %c = arith.cmpf ogt, %x, %y : f64
    %r = arith.select %c, %x, %y : f64
    %row = arith.constant 17 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // sin(a)
  %t18 = xgrad.kernel "row18" init(%t17 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = math.sin %x : f64
    %row = arith.constant 18 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // cos(a)
  %t19 = xgrad.kernel "row19" init(%t18 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = math.cos %x : f64
    %row = arith.constant 19 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // exp(a)
  %t20 = xgrad.kernel "row20" init(%t19 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = math.exp %x : f64
    %row = arith.constant 20 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // sqrt(a)
  %t21 = xgrad.kernel "row21" init(%t20 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = math.sqrt %x : f64
    %row = arith.constant 21 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // ln(a)
  %t22 = xgrad.kernel "row22" init(%t21 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = math.log %x : f64
    %row = arith.constant 22 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // log2(a)
  %t23 = xgrad.kernel "row23" init(%t22 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = math.log2 %x : f64
    %row = arith.constant 23 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // log10(a)
  %t24 = xgrad.kernel "row24" init(%t23 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = math.log10 %x : f64
    %row = arith.constant 24 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // pow(a, b)
  %t25 = xgrad.kernel "row25" init(%t24 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %r = math.powf %x, %y : f64
    %row = arith.constant 25 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(i div 2)
  %t26 = xgrad.kernel "row26" init(%t25 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %k = arith.constant 2 : index
    %q = arith.divsi %i, %k : index
    %r = xgrad.to_scalar %q : index to f64
    %row = arith.constant 26 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(i mod 3)
  %t27 = xgrad.kernel "row27" init(%t26 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %k = arith.constant 3 : index
    %q = arith.remsi %i, %k : index
    %r = xgrad.to_scalar %q : index to f64
    %row = arith.constant 27 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(wrap(i - 2, 3))
  %t28 = xgrad.kernel "row28" init(%t27 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %k = arith.constant 3 : index
    %two = arith.constant 2 : index
    %d = arith.subi %i, %two : index
    %q = xgrad.wrap %d, %k
    %r = xgrad.to_scalar %q : index to f64
    %row = arith.constant 28 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(toIndex(a))
  %t29 = xgrad.kernel "row29" init(%t28 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %q = xgrad.to_index %x : f64
    %r = xgrad.to_scalar %q : index to f64
    %row = arith.constant 29 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(i * 3 + 1 - i)
  %t30 = xgrad.kernel "row30" init(%t29 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %k = arith.constant 3 : index
    %one = arith.constant 1 : index
    %m = arith.muli %i, %k : index
    %s = arith.addi %m, %one : index
    %q = arith.subi %s, %i : index
    %r = xgrad.to_scalar %q : index to f64
    %row = arith.constant 30 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  // toScalar(a.len + a.shape[0] + a.shape.len)
  %t31 = xgrad.kernel "row31" init(%t30 : tensor<*xf64>) -> tensor<*xf64> {
  ^bb0(%i: index):
    %x = xgrad.read %a[%i] : tensor<?xf64>
    %y = xgrad.read %b[%i] : tensor<?xf64>
    %l = xgrad.len %a : tensor<?xf64>
    %d = xgrad.dim %a[0] : tensor<?xf64>
    %rk = xgrad.rank %a : tensor<?xf64>
    %s = arith.addi %l, %d : index
    %q = arith.addi %s, %rk : index
    %r = xgrad.to_scalar %q : index to f64
    %row = arith.constant 31 : index
    xgrad.accumulate %r at [%row, %i] : f64
  }
  xgrad.target "table" %t31 : tensor<*xf64>
}
