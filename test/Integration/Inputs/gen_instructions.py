"""Generates ../instructions.mlir; the expected values are computed with numpy, independently
of xgrad. Usage: python3 gen_instructions.py > ../instructions.mlir"""
import numpy as np
a = np.array([0.5, 1.5, 2.0, 3.25]); b = np.array([2.0, 0.5, 2.0, 1.5]); i = np.arange(4)
rows = []  # (comment, body lines producing %r : f64, expected)
def f(x): return x.astype(np.float64)
rows.append(("a + b", ["%r = arith.addf %x, %y : f64"], a + b))
rows.append(("a - b", ["%r = arith.subf %x, %y : f64"], a - b))
rows.append(("a * b", ["%r = arith.mulf %x, %y : f64"], a * b))
rows.append(("a / b", ["%r = arith.divf %x, %y : f64"], a / b))
rows.append(("-a", ["%r = arith.negf %x : f64"], -a))
rows.append(("sq(a)", ["%r = arith.mulf %x, %x : f64"], a * a))
rows.append(("min(a, b)", ["%r = arith.minimumf %x, %y : f64"], np.minimum(a, b)))
rows.append(("max(a, b)", ["%r = arith.maximumf %x, %y : f64"], np.maximum(a, b)))
for name, pred, val in [("==", "oeq", a == b), ("!=", "une", a != b), ("<", "olt", a < b), (">", "ogt", a > b), ("<=", "ole", a <= b), (">=", "oge", a >= b)]:
    rows.append((f"toScalar(a {name} b)", [f"%c = arith.cmpf {pred}, %x, %y : f64", "%r = xgrad.to_scalar %c : i1 to f64"], f(val)))
rows.append(("(a < b) or (a > b)", ["%c0 = arith.cmpf olt, %x, %y : f64", "%c1 = arith.cmpf ogt, %x, %y : f64", "%c = arith.ori %c0, %c1 : i1", "%r = xgrad.to_scalar %c : i1 to f64"], f((a < b) | (a > b))))
rows.append(("(a <= b) and (a >= b)", ["%c0 = arith.cmpf ole, %x, %y : f64", "%c1 = arith.cmpf oge, %x, %y : f64", "%c = arith.andi %c0, %c1 : i1", "%r = xgrad.to_scalar %c : i1 to f64"], f((a <= b) & (a >= b))))
rows.append(("not (a < b)", ["%c0 = arith.cmpf olt, %x, %y : f64", "%t = arith.constant true", "%c = arith.xori %c0, %t : i1", "%r = xgrad.to_scalar %c : i1 to f64"], f(~(a < b))))
rows.append(("select(a > b, a, b)", ["%c = arith.cmpf ogt, %x, %y : f64", "%r = arith.select %c, %x, %y : f64"], np.where(a > b, a, b)))
for name, op, fn in [("sin", "math.sin", np.sin), ("cos", "math.cos", np.cos), ("exp", "math.exp", np.exp), ("sqrt", "math.sqrt", np.sqrt), ("ln", "math.log", np.log), ("log2", "math.log2", np.log2), ("log10", "math.log10", np.log10)]:
    rows.append((f"{name}(a)", [f"%r = {op} %x : f64"], fn(a)))
rows.append(("pow(a, b)", ["%r = math.powf %x, %y : f64"], np.power(a, b)))
rows.append(("toScalar(i div 2)", ["%k = arith.constant 2 : index", "%q = arith.divsi %i, %k : index", "%r = xgrad.to_scalar %q : index to f64"], f(i // 2)))
rows.append(("toScalar(i mod 3)", ["%k = arith.constant 3 : index", "%q = arith.remsi %i, %k : index", "%r = xgrad.to_scalar %q : index to f64"], f(i % 3)))
rows.append(("toScalar(wrap(i - 2, 3))", ["%k = arith.constant 3 : index", "%two = arith.constant 2 : index", "%d = arith.subi %i, %two : index", "%q = xgrad.wrap %d, %k", "%r = xgrad.to_scalar %q : index to f64"], f(((i - 2) % 3 + 3) % 3)))
rows.append(("toScalar(toIndex(a))", ["%q = xgrad.to_index %x : f64", "%r = xgrad.to_scalar %q : index to f64"], f(np.trunc(a))))
rows.append(("toScalar(i * 3 + 1 - i)", ["%k = arith.constant 3 : index", "%one = arith.constant 1 : index", "%m = arith.muli %i, %k : index", "%s = arith.addi %m, %one : index", "%q = arith.subi %s, %i : index", "%r = xgrad.to_scalar %q : index to f64"], f(i * 3 + 1 - i)))
rows.append(("toScalar(a.len + a.shape[0] + a.shape.len)", ["%l = xgrad.len %a : tensor<?xf64>", "%d = xgrad.dim %a[0] : tensor<?xf64>", "%rk = xgrad.rank %a : tensor<?xf64>", "%s = arith.addi %l, %d : index", "%q = arith.addi %s, %rk : index", "%r = xgrad.to_scalar %q : index to f64"], f(np.full(4, 9))))

n = len(rows)
out = []
out.append("// Every instruction and operator of Exprgrad's table, run through the JIT. Each row of")
out.append("// `table` is one instruction applied to a = [0.5, 1.5, 2, 3.25], b = [2, 0.5, 2, 1.5] and")
out.append("// the iterator i = [0, 1, 2, 3]; the expected values were computed with numpy.")
out.append("// Each row is one kernel adding to the same tensor (a repeated `++=` at a constant index).")
out.append("// RUN: xgrad-run %s --target table --input a=4:0.5,1.5,2,3.25 --input b=4:2,0.5,2,1.5 --precision 10 | FileCheck %s")
out.append("// RUN: xgrad-run %s --target table --input a=4:0.5,1.5,2,3.25 --input b=4:2,0.5,2,1.5 --precision 10 --no-linalg | FileCheck %s")
out.append("")
out.append(f"// CHECK: table: {n}x4xf64")
for k, (c, body, exp) in enumerate(rows):
    vals = ", ".join("%.10g" % v for v in exp)
    prefix = "// CHECK-NEXT: " + ("{{\\[\\[}}" if k == 0 else " [")
    suffix = "]]" if k == n - 1 else "],"
    out.append(f"{prefix}{vals}{suffix}")
out.append("")
out.append("xgrad.graph @instructions {")
out.append("  %a = xgrad.input \"a\" : tensor<?xf64>")
out.append("  %b = xgrad.input \"b\" : tensor<?xf64>")
out.append(f"  %rows = arith.constant {n} : index")
out.append("  %n = xgrad.dim %a[0] : tensor<?xf64>")
prev = None
for k, (c, body, exp) in enumerate(rows):
    head = f"  %t{k} = xgrad.kernel \"row{k}\" " + (f"init(%t{k-1} : tensor<*xf64>) " if k else "shape(%rows, %n) ") + "-> tensor<*xf64> {"
    out.append(f"  // {c}")
    out.append(head)
    out.append("  ^bb0(%i: index):")
    out.append("    %x = xgrad.read %a[%i] : tensor<?xf64>")
    out.append("    %y = xgrad.read %b[%i] : tensor<?xf64>")
    for line in body:
        out.append("    " + line)
    out.append(f"    %row = arith.constant {k} : index")
    out.append("    xgrad.accumulate %r at [%row, %i] : f64")
    out.append("  }")
out.append(f"  xgrad.target \"table\" %t{n-1} : tensor<*xf64>")
out.append("}")
print("\n".join(out))
