#include "exporter/expr/testing/expr_fuzz_check.h"

#include <vector>

#include "exporter/expr/expr.h"
#include "exporter/expr/testing/fake_record.h"

namespace bam::exporter::testing {

namespace {

constexpr char kRecord[] = R"({
  "log_type": "transaction", "status": "completed", "amount": 12.5, "amount_str": "12.5",
  "code": 200, "code_str": "200", "name": "Alice", "empty": "", "flag": true, "nothing": null,
  "user_id": 42, "big": 1e300, "neg": -3,
  "geo": {"country_iso_code": "DE", "city": "Berlin", "loc": [52.5, 13.4]},
  "products": [{"price": 10, "category": "Books", "qty": "2", "tags": ["x", "y"]},
               {"price": 5.5, "category": "Toys", "sub": {"a": {"b": [1, [2, 3]]}}}],
  "tags": ["a", "b"], "matrix": [[1, 2], [3, 4]]
})";

// A result in comparable form: kind plus contents.
std::string Show(const Value& v) {
  char buf[32];
  switch (v.kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return v.boolean ? "true" : "false";
    case ValueKind::kNumber:
      return "n:" + std::string(FormatNumber(v.number, buf));
    case ValueKind::kString:
      return "s:" + std::string(v.str);
    case ValueKind::kArray:
      return "array:" + std::to_string(v.handle);
    case ValueKind::kObject:
      return "object:" + std::to_string(v.handle);
  }
  return "?";
}

// Every way a caller evaluates, for each `item`, concatenated.
std::string EvalAll(const CompiledExpr& expr, const Record& record, const std::vector<Value>& items,
                    EvalScratch* scratch) {
  std::string out;
  for (const Value& item : items) {
    for (const Value* p : {&item, static_cast<const Value*>(nullptr)}) {
      scratch->Reset();
      out += Show(expr.Eval(record, p, scratch));
      out += expr.EvalBool(record, p, scratch) ? " T" : " F";
      double d = 0;
      if (expr.EvalNumber(record, p, scratch, &d)) {
        char buf[32];
        out += " " + std::string(FormatNumber(d, buf));
      }
      std::string_view label;
      if (expr.EvalLabel(record, p, scratch, &label)) out += " [" + std::string(label) + "]";
      out += "\n";
    }
  }
  return out;
}

}  // namespace

std::string CheckExprProperty(std::string_view text) {
  static const FakeRecord* record = new FakeRecord(kRecord);
  static const LookupTable* segment = [] {
    auto* t = new LookupTable;
    t->Insert("42", "gold");
    t->Insert("Alice", "vip");
    t->set_default("unknown");
    return t;
  }();
  auto field = [](const char* path) {
    FieldPath p;
    FieldPath::Parse(path, &p);
    return record->Get(p);
  };
  const std::vector<Value> items = {field("products[0]"), field("products[1]"), field("tags[1]"),
                                    field("matrix"),      Value::Number(7),     Value::Null()};

  for (bool allow_item : {false, true}) {
    ExprOptions options;
    options.allow_item = allow_item;
    options.table_names = {"segment"};
    options.find_table = [](std::string_view name) -> const LookupTable* {
      return name == "segment" ? segment : nullptr;
    };
    std::vector<ExprError> errors;
    auto expr = CompileExpr(text, options, &errors);
    if (!expr) {
      if (errors.empty()) return "compile failed without an error";
      for (const ExprError& e : errors) {
        if (e.offset > text.size()) return "error offset past the end: " + e.message;
        if (e.message.empty()) return "empty error message";
      }
      continue;
    }
    if (!errors.empty()) return "compiled but reported: " + errors[0].message;

    EvalScratch scratch;
    std::string results = EvalAll(*expr, *record, items, &scratch);

    std::string canonical = expr->ToString();
    std::vector<ExprError> again_errors;
    auto again = CompileExpr(canonical, options, &again_errors);
    if (!again) {
      return "canonical text does not compile: " + canonical + ": " +
             (again_errors.empty() ? "" : again_errors[0].message);
    }
    if (again->ToString() != canonical) {
      return "unparse is not stable: " + canonical + " -> " + again->ToString();
    }
    if (EvalAll(*again, *record, items, &scratch) != results) {
      return "canonical text evaluates differently: " + canonical;
    }
  }
  return "";
}

}  // namespace bam::exporter::testing
