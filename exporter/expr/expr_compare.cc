// Comparison semantics and the comparison nodes: ==, !=, <, <=, >, >=, in, matches.
#include <string_view>

#include "exporter/expr/expr_node.h"

namespace bam::exporter::expr_internal {

namespace {

template <typename T>
bool Ordered(CmpOp op, const T& a, const T& b) {
  switch (op) {
    case CmpOp::kEq:
      return a == b;
    case CmpOp::kNe:
      return a != b;
    case CmpOp::kLt:
      return a < b;
    case CmpOp::kLe:
      return a <= b;
    case CmpOp::kGt:
      return a > b;
    case CmpOp::kGe:
      return a >= b;
  }
  return false;
}

bool Booleans(CmpOp op, bool a, bool b) {
  if (op == CmpOp::kEq) return a == b;
  if (op == CmpOp::kNe) return a != b;
  return false;
}

class CompareNode final : public Node {
 public:
  CompareNode(CmpOp op, NodePtr left, NodePtr right)
      : op_(op), left_(std::move(left)), right_(std::move(right)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    return Value::Bool(Test(r, item, s));
  }
  bool Test(const Record& r, const Value* item, EvalScratch* s) const override {
    Value a = left_->Eval(r, item, s);
    if (a.is_null()) return false;
    return CompareValues(op_, a, right_->Eval(r, item, s));
  }

 private:
  CmpOp op_;
  NodePtr left_, right_;
};

class CompareConstantNode final : public Node {
 public:
  CompareConstantNode(CmpOp op, NodePtr left, Constant right)
      : op_(op), left_(std::move(left)), right_(std::move(right)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    return Value::Bool(Test(r, item, s));
  }
  bool Test(const Record& r, const Value* item, EvalScratch* s) const override {
    return right_.CompareWith(op_, left_->Eval(r, item, s));
  }

 private:
  CmpOp op_;
  NodePtr left_;
  Constant right_;
};

class InNode final : public Node {
 public:
  InNode(NodePtr left, std::vector<Constant> list)
      : left_(std::move(left)), list_(std::move(list)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    return Value::Bool(Test(r, item, s));
  }
  bool Test(const Record& r, const Value* item, EvalScratch* s) const override {
    Value v = left_->Eval(r, item, s);
    if (v.is_null()) return false;
    for (const Constant& c : list_) {
      if (c.CompareWith(CmpOp::kEq, v)) return true;
    }
    return false;
  }

 private:
  NodePtr left_;
  std::vector<Constant> list_;
};

// A pattern without regex syntax is matched with a substring search, RE2 being much slower to
// start.
bool IsPlainLiteral(std::string_view pattern) {
  for (char c : pattern) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) return false;
  }
  return true;
}

class MatchesNode final : public Node {
 public:
  MatchesNode(NodePtr left, std::unique_ptr<RE2> re)
      : left_(std::move(left)),
        re_(std::move(re)),
        literal_(IsPlainLiteral(re_->pattern()) && re_->options().case_sensitive()) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    return Value::Bool(Test(r, item, s));
  }
  bool Test(const Record& r, const Value* item, EvalScratch* s) const override {
    char buf[32];
    std::string_view text;
    if (!ValueText(left_->Eval(r, item, s), buf, &text)) return false;
    if (literal_) return text.find(re_->pattern()) != std::string_view::npos;
    return RE2::PartialMatch(text, *re_);
  }

 private:
  NodePtr left_;
  std::unique_ptr<RE2> re_;
  bool literal_;
};

}  // namespace

bool CompareValues(CmpOp op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return false;
  if (a.kind == ValueKind::kNumber && b.kind == ValueKind::kNumber) {
    return Ordered(op, a.number, b.number);
  }
  if (a.kind == ValueKind::kString && b.kind == ValueKind::kString)
    return Ordered(op, a.str, b.str);
  if ((a.kind == ValueKind::kNumber && b.kind == ValueKind::kString) ||
      (a.kind == ValueKind::kString && b.kind == ValueKind::kNumber)) {
    double x = 0, y = 0;
    if (ValueToNumber(a, &x) && ValueToNumber(b, &y)) return Ordered(op, x, y);
    return op == CmpOp::kNe;
  }
  if (a.kind == ValueKind::kBool && b.kind == ValueKind::kBool) {
    return Booleans(op, a.boolean, b.boolean);
  }
  return op == CmpOp::kNe;
}

CmpOp Mirror(CmpOp op) {
  switch (op) {
    case CmpOp::kLt:
      return CmpOp::kGt;
    case CmpOp::kLe:
      return CmpOp::kGe;
    case CmpOp::kGt:
      return CmpOp::kLt;
    case CmpOp::kGe:
      return CmpOp::kLe;
    default:
      return op;
  }
}

Constant Constant::OfString(std::string s) {
  Constant c;
  c.kind = ValueKind::kString;
  c.str = std::move(s);
  c.numeric = ValueToNumber(Value::String(c.str), &c.number);
  return c;
}

Constant Constant::OfNumber(double d) {
  Constant c;
  c.kind = ValueKind::kNumber;
  c.number = d;
  c.numeric = true;
  return c;
}

Constant Constant::OfBool(bool b) {
  Constant c;
  c.kind = ValueKind::kBool;
  c.boolean = b;
  return c;
}

Value Constant::ToValue() const {
  switch (kind) {
    case ValueKind::kString:
      return Value::String(str);
    case ValueKind::kNumber:
      return Value::Number(number);
    case ValueKind::kBool:
      return Value::Bool(boolean);
    default:
      return Value::Null();
  }
}

bool Constant::CompareWith(CmpOp op, const Value& left) const {
  if (kind == ValueKind::kNull) return false;
  switch (left.kind) {
    case ValueKind::kNull:
      return false;
    case ValueKind::kString:
      if (kind == ValueKind::kString) {
        std::string_view a = left.str, b = str;
        if (op == CmpOp::kEq) return a == b;  // the common case, kept off the generic switch
        if (op == CmpOp::kNe) return a != b;
        return Ordered(op, a, b);
      }
      if (kind == ValueKind::kNumber) {
        double x = 0;
        if (ValueToNumber(left, &x)) return Ordered(op, x, number);
      }
      return op == CmpOp::kNe;
    case ValueKind::kNumber:
      if (numeric) return Ordered(op, left.number, number);
      return op == CmpOp::kNe;
    case ValueKind::kBool:
      if (kind == ValueKind::kBool) return Booleans(op, left.boolean, boolean);
      return op == CmpOp::kNe;
    default:
      return op == CmpOp::kNe;
  }
}

NodePtr MakeCompare(CmpOp op, NodePtr left, NodePtr right) {
  return std::make_unique<CompareNode>(op, std::move(left), std::move(right));
}

NodePtr MakeCompareConstant(CmpOp op, NodePtr left, Constant right) {
  return std::make_unique<CompareConstantNode>(op, std::move(left), std::move(right));
}

NodePtr MakeIn(NodePtr left, std::vector<Constant> list) {
  return std::make_unique<InNode>(std::move(left), std::move(list));
}

NodePtr MakeMatches(NodePtr left, std::unique_ptr<RE2> pattern) {
  return std::make_unique<MatchesNode>(std::move(left), std::move(pattern));
}

}  // namespace bam::exporter::expr_internal
