// Leaf, logic and arithmetic nodes of the evaluation tree.
#include <cmath>

#include "exporter/expr/expr_node.h"

namespace bam::exporter::expr_internal {

namespace {

class ConstantNode final : public Node {
 public:
  explicit ConstantNode(Constant c) : c_(std::move(c)) {}
  Value Eval(const Record&, const Value*, EvalScratch*) const override { return c_.ToValue(); }

 private:
  Constant c_;
};

class NullNode final : public Node {
 public:
  Value Eval(const Record&, const Value*, EvalScratch*) const override { return Value::Null(); }
};

class FieldNode final : public Node {
 public:
  explicit FieldNode(FieldPath path) : path_(std::move(path)) {}
  Value Eval(const Record& r, const Value*, EvalScratch*) const override {
    return r.Member(r.Root(), path_);
  }

 private:
  FieldPath path_;
};

class ItemNode final : public Node {
 public:
  Value Eval(const Record&, const Value* item, EvalScratch*) const override {
    return item != nullptr ? *item : Value::Null();
  }
};

class ItemFieldNode final : public Node {
 public:
  explicit ItemFieldNode(FieldPath path) : path_(std::move(path)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch*) const override {
    if (item == nullptr || (item->kind != ValueKind::kObject && item->kind != ValueKind::kArray)) {
      return Value::Null();
    }
    return r.Member(*item, path_);
  }

 private:
  FieldPath path_;
};

class NotNode final : public Node {
 public:
  explicit NotNode(NodePtr operand) : operand_(std::move(operand)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    Value v = operand_->Eval(r, item, s);
    if (v.kind != ValueKind::kBool) return Value::Null();
    return Value::Bool(!v.boolean);
  }

 private:
  NodePtr operand_;
};

class AndNode final : public Node {
 public:
  AndNode(NodePtr left, NodePtr right) : left_(std::move(left)), right_(std::move(right)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    return Value::Bool(Test(r, item, s));
  }
  bool Test(const Record& r, const Value* item, EvalScratch* s) const override {
    return left_->Test(r, item, s) && right_->Test(r, item, s);
  }

 private:
  NodePtr left_, right_;
};

class OrNode final : public Node {
 public:
  OrNode(NodePtr left, NodePtr right) : left_(std::move(left)), right_(std::move(right)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    return Value::Bool(Test(r, item, s));
  }
  bool Test(const Record& r, const Value* item, EvalScratch* s) const override {
    return left_->Test(r, item, s) || right_->Test(r, item, s);
  }

 private:
  NodePtr left_, right_;
};

class NegNode final : public Node {
 public:
  explicit NegNode(NodePtr operand) : operand_(std::move(operand)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    double d = 0;
    if (!ValueToNumber(operand_->Eval(r, item, s), &d)) return Value::Null();
    return Value::Number(-d);
  }

 private:
  NodePtr operand_;
};

class ArithNode final : public Node {
 public:
  ArithNode(ArithOp op, NodePtr left, NodePtr right)
      : op_(op), left_(std::move(left)), right_(std::move(right)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    double a = 0, b = 0;
    if (!ValueToNumber(left_->Eval(r, item, s), &a)) return Value::Null();
    if (!ValueToNumber(right_->Eval(r, item, s), &b)) return Value::Null();
    double result = 0;
    switch (op_) {
      case ArithOp::kAdd:
        result = a + b;
        break;
      case ArithOp::kSub:
        result = a - b;
        break;
      case ArithOp::kMul:
        result = a * b;
        break;
      case ArithOp::kDiv:
        if (b == 0) return Value::Null();
        result = a / b;
        break;
    }
    if (!std::isfinite(result)) return Value::Null();
    return Value::Number(result);
  }

 private:
  ArithOp op_;
  NodePtr left_, right_;
};

}  // namespace

NodePtr MakeConstant(Constant c) { return std::make_unique<ConstantNode>(std::move(c)); }
NodePtr MakeNull() { return std::make_unique<NullNode>(); }
NodePtr MakeField(FieldPath path) { return std::make_unique<FieldNode>(std::move(path)); }
NodePtr MakeItem() { return std::make_unique<ItemNode>(); }
NodePtr MakeItemField(FieldPath path) { return std::make_unique<ItemFieldNode>(std::move(path)); }
NodePtr MakeNot(NodePtr operand) { return std::make_unique<NotNode>(std::move(operand)); }
NodePtr MakeAnd(NodePtr left, NodePtr right) {
  return std::make_unique<AndNode>(std::move(left), std::move(right));
}
NodePtr MakeOr(NodePtr left, NodePtr right) {
  return std::make_unique<OrNode>(std::move(left), std::move(right));
}
NodePtr MakeNeg(NodePtr operand) { return std::make_unique<NegNode>(std::move(operand)); }
NodePtr MakeArith(ArithOp op, NodePtr left, NodePtr right) {
  return std::make_unique<ArithNode>(op, std::move(left), std::move(right));
}

}  // namespace bam::exporter::expr_internal
