// CompileExpr: parse, then check the tree and build the evaluation nodes in one walk, collecting
// every error the walk finds.
#include <algorithm>

#include "common/diagnostic.h"
#include "exporter/expr/expr.h"
#include "exporter/expr/expr_ast.h"
#include "exporter/expr/expr_functions.h"
#include "exporter/expr/expr_node.h"
#include "exporter/expr/expr_parser.h"

namespace bam::exporter {

namespace {

using expr_internal::AstKind;
using expr_internal::AstNode;
using expr_internal::AstOp;
using expr_internal::CmpOp;
using expr_internal::Constant;
using expr_internal::NodePtr;

class Program final : public CompiledExpr {
 public:
  Program(NodePtr root, std::string text) : root_(std::move(root)), text_(std::move(text)) {}
  Value Eval(const Record& record, const Value* item, EvalScratch* scratch) const override {
    return root_->Eval(record, item, scratch);
  }
  std::string ToString() const override { return text_; }

 private:
  NodePtr root_;
  std::string text_;
};

class Compiler {
 public:
  Compiler(const ExprOptions& options, std::vector<ExprError>* errors)
      : options_(options), errors_(errors) {}

  bool failed() const { return failed_; }

  // Returns nullptr after recording errors; keeps walking siblings so that all are reported.
  NodePtr Build(const AstNode& n) {
    switch (n.kind) {
      case AstKind::kField:
        return Field(n);
      case AstKind::kString:
        return expr_internal::MakeConstant(Constant::OfString(n.text));
      case AstKind::kNumber:
        return expr_internal::MakeConstant(Constant::OfNumber(n.number));
      case AstKind::kBool:
        return expr_internal::MakeConstant(Constant::OfBool(n.boolean));
      case AstKind::kNull:
        return expr_internal::MakeNull();
      case AstKind::kList:
        BuildAll(n);
        return Error(n.offset, "a list is only allowed after \"in\"", "x in [\"a\", \"b\"]");
      case AstKind::kCall:
        return Call(n);
      case AstKind::kUnary:
        return Unary(n);
      case AstKind::kBinary:
        return Binary(n);
    }
    return nullptr;
  }

 private:
  NodePtr Error(size_t offset, std::string message, std::string hint = "") {
    failed_ = true;
    errors_->push_back(ExprError{offset, std::move(message), std::move(hint)});
    return nullptr;
  }

  // Checks every child, for their errors only.
  void BuildAll(const AstNode& n) {
    for (const auto& c : n.children) Build(*c);
  }

  NodePtr Field(const AstNode& n) {
    FieldPath path;
    if (!FieldPath::Parse(n.text, &path))
      return Error(n.offset, "invalid field path \"" + n.text + "\"");
    if (path.segments[0].is_index || path.segments[0].key != "item") {
      return expr_internal::MakeField(std::move(path));
    }
    if (!options_.allow_item) {
      return Error(n.offset, "\"item\" is only defined in a metric with \"each:\"",
                   "each: <array field> on the metric, or the field's full path");
    }
    if (path.segments.size() == 1) return expr_internal::MakeItem();
    path.segments.erase(path.segments.begin());
    path.text = n.text.substr(path.segments[0].is_index ? 4 : 5);  // "item" or "item."
    return expr_internal::MakeItemField(std::move(path));
  }

  // A literal usable as a constant operand: string, number, boolean, or a negated number.
  static bool LiteralConstant(const AstNode& n, Constant* out) {
    switch (n.kind) {
      case AstKind::kString:
        *out = Constant::OfString(n.text);
        return true;
      case AstKind::kNumber:
        *out = Constant::OfNumber(n.number);
        return true;
      case AstKind::kBool:
        *out = Constant::OfBool(n.boolean);
        return true;
      case AstKind::kUnary:
        if (n.op == AstOp::kNeg && LiteralConstant(*n.children[0], out) &&
            out->kind == ValueKind::kNumber) {
          *out = Constant::OfNumber(-out->number);
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  NodePtr Unary(const AstNode& n) {
    Constant c;
    if (n.op == AstOp::kNeg && LiteralConstant(n, &c)) return expr_internal::MakeConstant(c);
    NodePtr operand = Build(*n.children[0]);
    if (!operand) return nullptr;
    if (n.op == AstOp::kNot) return expr_internal::MakeNot(std::move(operand));
    return expr_internal::MakeNeg(std::move(operand));
  }

  NodePtr Binary(const AstNode& n) {
    switch (n.op) {
      case AstOp::kIn:
        return In(n);
      case AstOp::kMatches:
        return Matches(n);
      case AstOp::kEq:
        return Compare(n, CmpOp::kEq);
      case AstOp::kNe:
        return Compare(n, CmpOp::kNe);
      case AstOp::kLt:
        return Compare(n, CmpOp::kLt);
      case AstOp::kLe:
        return Compare(n, CmpOp::kLe);
      case AstOp::kGt:
        return Compare(n, CmpOp::kGt);
      case AstOp::kGe:
        return Compare(n, CmpOp::kGe);
      default:
        break;
    }
    NodePtr left = Build(*n.children[0]);
    NodePtr right = Build(*n.children[1]);
    if (!left || !right) return nullptr;
    switch (n.op) {
      case AstOp::kAnd:
        return expr_internal::MakeAnd(std::move(left), std::move(right));
      case AstOp::kOr:
        return expr_internal::MakeOr(std::move(left), std::move(right));
      case AstOp::kAdd:
        return expr_internal::MakeArith(expr_internal::ArithOp::kAdd, std::move(left),
                                        std::move(right));
      case AstOp::kSub:
        return expr_internal::MakeArith(expr_internal::ArithOp::kSub, std::move(left),
                                        std::move(right));
      case AstOp::kMul:
        return expr_internal::MakeArith(expr_internal::ArithOp::kMul, std::move(left),
                                        std::move(right));
      case AstOp::kDiv:
        return expr_internal::MakeArith(expr_internal::ArithOp::kDiv, std::move(left),
                                        std::move(right));
      default:
        return Error(n.offset, "internal error: unknown operator");
    }
  }

  NodePtr Compare(const AstNode& n, CmpOp op) {
    const AstNode& l = *n.children[0];
    const AstNode& r = *n.children[1];
    bool null_operand = false;
    for (const AstNode* side : {&l, &r}) {
      if (side->kind == AstKind::kNull) {
        null_operand = true;
        Error(side->offset, "a comparison with null is always false",
              "exists(x) to test for a field, or not exists(x)");
      }
    }
    NodePtr left = Build(l);
    NodePtr right = Build(r);
    if (!left || !right || null_operand) return nullptr;
    Constant c;
    if (LiteralConstant(r, &c)) return expr_internal::MakeCompareConstant(op, std::move(left), c);
    if (LiteralConstant(l, &c)) {
      return expr_internal::MakeCompareConstant(expr_internal::Mirror(op), std::move(right), c);
    }
    return expr_internal::MakeCompare(op, std::move(left), std::move(right));
  }

  NodePtr In(const AstNode& n) {
    NodePtr left = Build(*n.children[0]);
    const AstNode& list = *n.children[1];
    if (list.kind != AstKind::kList) {
      Build(list);
      return Error(list.offset, "expected a list of literals after \"in\"", "x in [\"a\", \"b\"]");
    }
    std::vector<Constant> constants;
    bool ok = left != nullptr;
    for (const auto& e : list.children) {
      Constant c;
      if (LiteralConstant(*e, &c)) {
        constants.push_back(std::move(c));
      } else if (e->kind == AstKind::kNull) {
        ok = false;
        Error(e->offset, "null in a list never matches", "exists(x) to test for a field");
      } else {
        ok = false;
        Build(*e);  // its own errors first, if any
        Error(e->offset,
              "a list after \"in\" may only hold literals (strings, numbers, true, false)",
              "x in [\"a\", \"b\"], or x == y for a field");
      }
    }
    if (!ok) return nullptr;
    return expr_internal::MakeIn(std::move(left), std::move(constants));
  }

  NodePtr Matches(const AstNode& n) {
    NodePtr left = Build(*n.children[0]);
    const AstNode& pattern = *n.children[1];
    if (pattern.kind != AstKind::kString) {
      Build(pattern);
      return Error(pattern.offset, "the pattern after \"matches\" must be a string literal",
                   "x matches \"^/api/\"");
    }
    RE2::Options re_options;
    re_options.set_log_errors(false);
    auto re = std::make_unique<RE2>(pattern.text, re_options);
    if (!re->ok()) {
      return Error(pattern.offset, "invalid regular expression: " + re->error(),
                   "RE2 syntax, e.g. \"^/api/[0-9]+$\"");
    }
    if (!left) return nullptr;
    return expr_internal::MakeMatches(std::move(left), std::move(re));
  }

  NodePtr Call(const AstNode& n) {
    const expr_internal::FunctionSpec* f = expr_internal::FindFunction(n.text);
    if (f == nullptr) {
      BuildAll(n);
      std::string lowered = n.text;
      for (char& c : lowered) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      std::string guess = SuggestClosest(lowered, expr_internal::FunctionNames());
      std::string hint = guess.empty() ? "one of " + JoinNames(expr_internal::FunctionNames())
                                       : std::string(expr_internal::FindFunction(guess)->signature);
      return Error(n.offset, "unknown function \"" + n.text + "\"", hint);
    }
    size_t count = n.children.size();
    if (count < f->min_args || count > f->max_args) {
      BuildAll(n);
      std::string expected = f->max_args == expr_internal::kVariadic
                                 ? "at least " + std::to_string(f->min_args)
                                 : std::to_string(f->min_args);
      return Error(n.offset,
                   std::string(f->name) + "() takes " + expected +
                       (f->min_args == 1 ? " argument" : " arguments") + ", got " +
                       std::to_string(count),
                   std::string(f->signature));
    }
    if (f->name == "lookup") return Lookup(n);
    if (f->name == "exists") {
      const AstNode& arg = *n.children[0];
      if (arg.kind != AstKind::kField) {
        Build(arg);
        return Error(arg.offset, "exists() takes a field name, not an expression", "exists(field)");
      }
      NodePtr field = Build(arg);
      return field ? expr_internal::MakeExists(std::move(field)) : nullptr;
    }
    std::vector<NodePtr> args;
    bool ok = true;
    for (const auto& c : n.children) {
      args.push_back(Build(*c));
      ok = ok && args.back() != nullptr;
    }
    if (!ok) return nullptr;
    if (f->name == "coalesce") return expr_internal::MakeCoalesce(std::move(args));
    if (f->name == "lower") return expr_internal::MakeLower(std::move(args[0]));
    if (f->name == "upper") return expr_internal::MakeUpper(std::move(args[0]));
    if (f->name == "number") return expr_internal::MakeToNumber(std::move(args[0]));
    return expr_internal::MakeToString(std::move(args[0]));
  }

  NodePtr Lookup(const AstNode& n) {
    const AstNode& name = *n.children[0];
    NodePtr key = Build(*n.children[1]);
    if (name.kind != AstKind::kString) {
      Build(name);
      return Error(name.offset, "the first argument of lookup() must be a table name in quotes",
                   "lookup(\"" + (name.kind == AstKind::kField ? name.text : "table") + "\", key)");
    }
    const LookupTable* table = options_.find_table ? options_.find_table(name.text) : nullptr;
    if (table == nullptr) {
      std::string hint = "declare it under \"lookups:\"";
      std::string guess = SuggestClosest(name.text, options_.table_names);
      if (!guess.empty()) {
        hint = "lookup(\"" + guess + "\", key)";
      } else if (!options_.table_names.empty()) {
        hint = "one of " + JoinNames(options_.table_names);
      }
      return Error(name.offset, "unknown lookup table \"" + name.text + "\"", hint);
    }
    if (!key) return nullptr;
    return expr_internal::MakeLookup(table, std::move(key));
  }

  const ExprOptions& options_;
  std::vector<ExprError>* errors_;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<CompiledExpr> CompileExpr(std::string_view text, const ExprOptions& options,
                                          std::vector<ExprError>* errors) {
  ExprError syntax;
  std::unique_ptr<AstNode> ast = expr_internal::ParseExpr(text, &syntax);
  if (!ast) {
    errors->push_back(std::move(syntax));
    return nullptr;
  }
  std::vector<ExprError> found;
  Compiler compiler(options, &found);
  NodePtr root = compiler.Build(*ast);
  if (compiler.failed() || !root) {
    std::stable_sort(found.begin(), found.end(),
                     [](const ExprError& a, const ExprError& b) { return a.offset < b.offset; });
    for (auto& e : found) errors->push_back(std::move(e));
    return nullptr;
  }
  return std::make_unique<Program>(std::move(root), expr_internal::Unparse(*ast));
}

}  // namespace bam::exporter
