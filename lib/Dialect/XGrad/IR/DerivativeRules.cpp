//===- DerivativeRules.cpp - derivative rules of scalar ops ---------------===//
//
// One rule per op, attached as an external model of DifferentiableOpInterface. Each rule
// gets the adjoint `d` of the op's result and returns the adjoint of each operand.
//
//===----------------------------------------------------------------------===//
#include "xgrad/Dialect/XGrad/IR/DerivativeRules.h"
#include "xgrad/Dialect/XGrad/IR/XGradOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::xgrad;

#include "xgrad/Dialect/XGrad/IR/XGradInterfaces.cpp.inc"

namespace {

/// Small arithmetic helpers that keep the rules readable.
struct Emit {
  OpBuilder &b;
  Location loc;
  Value constant(Value like, double value) {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(like.getType(), value));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value neg(Value x) { return arith::NegFOp::create(b, loc, x); }
  Value cmp(arith::CmpFPredicate predicate, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, predicate, x, y);
  }
  /// `d` where `condition` holds, else zero: the gradient flows into one branch only.
  Value only(Value condition, Value d) {
    return arith::SelectOp::create(b, loc, condition, d, constant(d, 0.0));
  }
  Value otherwise(Value condition, Value d) {
    return arith::SelectOp::create(b, loc, condition, constant(d, 0.0), d);
  }
};

template <typename Op>
SmallVector<Value> rule(Op op, Emit e, Value d);

template <>
SmallVector<Value> rule(arith::AddFOp, Emit, Value d) {
  return {d, d};
}
template <>
SmallVector<Value> rule(arith::SubFOp, Emit e, Value d) {
  return {d, e.neg(d)};
}
template <>
SmallVector<Value> rule(arith::MulFOp op, Emit e, Value d) {
  return {e.mul(d, op.getRhs()), e.mul(d, op.getLhs())};
}
template <>
SmallVector<Value> rule(arith::DivFOp op, Emit e, Value d) {
  // d(a / b) = d / b, -d * a / b^2 = -d * result / b
  Value quotient = e.div(d, op.getRhs());
  return {quotient, e.neg(e.mul(quotient, op.getResult()))};
}
template <>
SmallVector<Value> rule(arith::NegFOp, Emit e, Value d) {
  return {e.neg(d)};
}
template <>
SmallVector<Value> rule(arith::MaximumFOp op, Emit e, Value d) {
  Value first = e.cmp(arith::CmpFPredicate::OGE, op.getLhs(), op.getRhs());
  return {e.only(first, d), e.otherwise(first, d)};
}
template <>
SmallVector<Value> rule(arith::MinimumFOp op, Emit e, Value d) {
  Value first = e.cmp(arith::CmpFPredicate::OLE, op.getLhs(), op.getRhs());
  return {e.only(first, d), e.otherwise(first, d)};
}
template <>
SmallVector<Value> rule(arith::SelectOp op, Emit e, Value d) {
  return {Value(), e.only(op.getCondition(), d), e.otherwise(op.getCondition(), d)};
}
template <>
SmallVector<Value> rule(math::ExpOp op, Emit e, Value d) {
  return {e.mul(d, op.getResult())};
}
template <>
SmallVector<Value> rule(math::LogOp op, Emit e, Value d) {
  return {e.div(d, op.getOperand())};
}
template <>
SmallVector<Value> rule(math::Log2Op op, Emit e, Value d) {
  return {e.div(d, e.mul(op.getOperand(), e.constant(d, M_LN2)))};
}
template <>
SmallVector<Value> rule(math::Log10Op op, Emit e, Value d) {
  return {e.div(d, e.mul(op.getOperand(), e.constant(d, M_LN10)))};
}
template <>
SmallVector<Value> rule(math::SqrtOp op, Emit e, Value d) {
  return {e.div(d, e.mul(e.constant(d, 2.0), op.getResult()))};
}
template <>
SmallVector<Value> rule(math::SinOp op, Emit e, Value d) {
  return {e.mul(d, math::CosOp::create(e.b, e.loc, op.getOperand()))};
}
template <>
SmallVector<Value> rule(math::CosOp op, Emit e, Value d) {
  return {e.neg(e.mul(d, math::SinOp::create(e.b, e.loc, op.getOperand())))};
}
template <>
SmallVector<Value> rule(math::TanhOp op, Emit e, Value d) {
  Value r = op.getResult();
  return {e.mul(d, e.sub(e.constant(d, 1.0), e.mul(r, r)))};
}
template <>
SmallVector<Value> rule(math::AbsFOp op, Emit e, Value d) {
  Value positive = e.cmp(arith::CmpFPredicate::OGE, op.getOperand(), e.constant(d, 0.0));
  return {arith::SelectOp::create(e.b, e.loc, positive, d, e.neg(d))};
}
template <>
SmallVector<Value> rule(math::PowFOp op, Emit e, Value d) {
  // d(a^b)/da = b * a^(b - 1); d(a^b)/db = a^b * ln(a), defined for a > 0 only: where a <= 0
  // the exponent gets no gradient rather than a NaN.
  Value a = op.getLhs(), b = op.getRhs();
  Value lowered = math::PowFOp::create(e.b, e.loc, a, e.sub(b, e.constant(d, 1.0)));
  Value da = e.mul(d, e.mul(b, lowered));
  Value positive = e.cmp(arith::CmpFPredicate::OGT, a, e.constant(d, 0.0));
  Value safe = arith::SelectOp::create(e.b, e.loc, positive, a, e.constant(d, 1.0));
  Value db = e.only(positive, e.mul(d, e.mul(op.getResult(),
                                             math::LogOp::create(e.b, e.loc, safe))));
  return {da, db};
}

// Arrays: a read passes its adjoint to the element it selected (an array of adjoints, zero
// but at the index); an array passes each element of its adjoint to that element.
template <>
SmallVector<Value> rule(ArrayReadOp op, Emit e, Value d) {
  auto type = cast<ArrayType>(op.getArray().getType());
  if (!isa<FloatType>(type.getElementType()))
    return {Value(), Value()};
  SmallVector<Value> elements;
  for (int64_t j = 0; j < type.getLength(); ++j) {
    Value position = arith::ConstantIndexOp::create(e.b, e.loc, j);
    Value selected =
        arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::eq, op.getIndex(), position);
    elements.push_back(e.only(selected, d));
  }
  return {ArrayOp::create(e.b, e.loc, type, elements), Value()};
}
template <>
SmallVector<Value> rule(ArrayOp op, Emit e, Value d) {
  SmallVector<Value> adjoints;
  for (int64_t j = 0, n = op.getElements().size(); j < n; ++j)
    adjoints.push_back(
        ArrayReadOp::create(e.b, e.loc, d, arith::ConstantIndexOp::create(e.b, e.loc, j)));
  return adjoints;
}

template <typename Op>
struct Rule : public DifferentiableOpInterface::ExternalModel<Rule<Op>, Op> {
  SmallVector<Value> backpropagate(Operation *op, OpBuilder &builder, Value adjoint) const {
    return rule(cast<Op>(op), Emit{builder, op->getLoc()}, adjoint);
  }
};

template <typename... Ops>
void attach(MLIRContext *context) {
  (Ops::template attachInterface<Rule<Ops>>(*context), ...);
}

} // namespace

void mlir::xgrad::registerDerivativeRules(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, arith::ArithDialect *) {
    attach<arith::AddFOp, arith::SubFOp, arith::MulFOp, arith::DivFOp, arith::NegFOp,
           arith::MaximumFOp, arith::MinimumFOp, arith::SelectOp>(context);
  });
  registry.addExtension(+[](MLIRContext *context, XGradDialect *) {
    attach<ArrayOp, ArrayReadOp>(context);
  });
  registry.addExtension(+[](MLIRContext *context, math::MathDialect *) {
    attach<math::ExpOp, math::LogOp, math::Log2Op, math::Log10Op, math::SqrtOp, math::SinOp,
           math::CosOp, math::TanhOp, math::AbsFOp, math::PowFOp>(context);
  });
}
