#include "exporter/expr/expr_functions.h"

namespace bam::exporter::expr_internal {

namespace {

constexpr FunctionSpec kFunctions[] = {
    {"coalesce", 1, kVariadic, "coalesce(a, b, ...)"},
    {"exists", 1, 1, "exists(field)"},
    {"lookup", 2, 2, "lookup(\"table\", key)"},
    {"lower", 1, 1, "lower(x)"},
    {"number", 1, 1, "number(x)"},
    {"string", 1, 1, "string(x)"},
    {"upper", 1, 1, "upper(x)"},
};

class LookupNode final : public Node {
 public:
  LookupNode(const LookupTable* table, NodePtr key) : table_(table), key_(std::move(key)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    char buf[32];
    std::string_view key;
    if (!ValueText(key_->Eval(r, item, s), buf, &key))
      return Value::String(table_->default_value());
    return Value::String(table_->Find(key));
  }

 private:
  const LookupTable* table_;
  NodePtr key_;
};

// lower() and upper(): ASCII only; multi-byte UTF-8 sequences pass through untouched.
template <bool kUpper>
class CaseNode final : public Node {
 public:
  explicit CaseNode(NodePtr arg) : arg_(std::move(arg)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    char buf[32];
    std::string_view text;
    Value v = arg_->Eval(r, item, s);
    if (!ValueText(v, buf, &text)) return Value::Null();
    bool changes = false;
    for (char c : text) changes = changes || NeedsChange(c);
    if (!changes && v.kind != ValueKind::kNumber) return Value::String(text);
    std::string* out = s->NewString();
    out->assign(text);
    for (char& c : *out) {
      if (NeedsChange(c)) c = static_cast<char>(kUpper ? c - 'a' + 'A' : c - 'A' + 'a');
    }
    return Value::String(*out);
  }

 private:
  static bool NeedsChange(char c) {
    return kUpper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z');
  }
  NodePtr arg_;
};

class ExistsNode final : public Node {
 public:
  explicit ExistsNode(NodePtr field) : field_(std::move(field)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    return Value::Bool(Test(r, item, s));
  }
  bool Test(const Record& r, const Value* item, EvalScratch* s) const override {
    return !field_->Eval(r, item, s).is_null();
  }

 private:
  NodePtr field_;
};

class CoalesceNode final : public Node {
 public:
  explicit CoalesceNode(std::vector<NodePtr> args) : args_(std::move(args)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    for (const NodePtr& a : args_) {
      Value v = a->Eval(r, item, s);
      if (!v.is_null()) return v;
    }
    return Value::Null();
  }

 private:
  std::vector<NodePtr> args_;
};

class ToNumberNode final : public Node {
 public:
  explicit ToNumberNode(NodePtr arg) : arg_(std::move(arg)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    double d = 0;
    if (!ValueToNumber(arg_->Eval(r, item, s), &d)) return Value::Null();
    return Value::Number(d);
  }

 private:
  NodePtr arg_;
};

class ToStringNode final : public Node {
 public:
  explicit ToStringNode(NodePtr arg) : arg_(std::move(arg)) {}
  Value Eval(const Record& r, const Value* item, EvalScratch* s) const override {
    char buf[32];
    std::string_view text;
    Value v = arg_->Eval(r, item, s);
    if (!ValueText(v, buf, &text)) return Value::Null();
    if (v.kind != ValueKind::kNumber) return Value::String(text);  // not in buf: no copy
    std::string* out = s->NewString();
    out->assign(text);
    return Value::String(*out);
  }

 private:
  NodePtr arg_;
};

}  // namespace

const FunctionSpec* FindFunction(std::string_view name) {
  for (const FunctionSpec& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const std::vector<std::string>& FunctionNames() {
  static const std::vector<std::string>* names = [] {
    auto* v = new std::vector<std::string>;
    for (const FunctionSpec& f : kFunctions) v->emplace_back(f.name);
    return v;
  }();
  return *names;
}

NodePtr MakeLookup(const LookupTable* table, NodePtr key) {
  return std::make_unique<LookupNode>(table, std::move(key));
}
NodePtr MakeLower(NodePtr arg) { return std::make_unique<CaseNode<false>>(std::move(arg)); }
NodePtr MakeUpper(NodePtr arg) { return std::make_unique<CaseNode<true>>(std::move(arg)); }
NodePtr MakeExists(NodePtr field) { return std::make_unique<ExistsNode>(std::move(field)); }
NodePtr MakeCoalesce(std::vector<NodePtr> args) {
  return std::make_unique<CoalesceNode>(std::move(args));
}
NodePtr MakeToNumber(NodePtr arg) { return std::make_unique<ToNumberNode>(std::move(arg)); }
NodePtr MakeToString(NodePtr arg) { return std::make_unique<ToStringNode>(std::move(arg)); }

}  // namespace bam::exporter::expr_internal
