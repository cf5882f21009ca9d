#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "exporter/expr/expr.h"
#include "exporter/expr/testing/alloc_counter.h"
#include "exporter/expr/testing/fake_record.h"

namespace bam::exporter {
namespace {

using testing::FakeRecord;

constexpr char kRecord[] = R"({
  "log_type": "transaction", "status": "completed", "amount": 12.5, "amount_str": "12.5",
  "count_str": " 7 ", "code": 200, "code_str": "200", "name": "Alice", "empty": "",
  "flag": true, "nothing": null, "user_id": 42, "user_key": "42",
  "geo": {"country_iso_code": "DE", "city": "Berlin"},
  "products": [{"price": 10, "category": "Books", "qty": "2"}, {"price": 5.5, "category": "Toys"}],
  "tags": ["a", "b"]
})";

// A value as the tables below spell it.
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
      return "array";
    case ValueKind::kObject:
      return "object";
  }
  return "?";
}

class ExprEvalTest : public ::testing::Test {
 protected:
  ExprEvalTest() : record_(kRecord) {
    segment_.Insert("42", "gold");
    segment_.Insert("", "empty-key");
    segment_.set_default("unknown");
    options_.find_table = [this](std::string_view name) -> const LookupTable* {
      return name == "segment" ? &segment_ : nullptr;
    };
    options_.allow_item = true;
  }

  std::unique_ptr<CompiledExpr> Compile(std::string_view text) {
    std::vector<ExprError> errors;
    auto expr = CompileExpr(text, options_, &errors);
    EXPECT_TRUE(expr) << text << ": " << (errors.empty() ? "" : errors[0].message);
    return expr;
  }

  std::string Run(std::string_view text, const Value* item = nullptr) {
    auto expr = Compile(text);
    if (!expr) return "compile error";
    scratch_.Reset();
    return Show(expr->Eval(record_, item, &scratch_));
  }

  struct Case {
    const char* text;
    const char* want;
  };
  void RunTable(const std::vector<Case>& cases) {
    for (const Case& c : cases) EXPECT_EQ(Run(c.text), c.want) << c.text;
  }

  Value Field(const char* path) {
    FieldPath p;
    EXPECT_TRUE(FieldPath::Parse(path, &p));
    return record_.Get(p);
  }

  FakeRecord record_;
  LookupTable segment_;
  ExprOptions options_;
  EvalScratch scratch_;
};

TEST_F(ExprEvalTest, ReadsFieldsAndLiterals) {
  RunTable({
      {"log_type", "s:transaction"},
      {"geo.country_iso_code", "s:DE"},
      {"products[1].category", "s:Toys"},
      {"products[5].price", "null"},
      {"tags[0]", "s:a"},
      {"missing", "null"},
      {"missing.deeper[3]", "null"},
      {"nothing", "null"},
      {"name.x", "null"},
      {"products", "array"},
      {"geo", "object"},
      {"\"x\\ty\"", "s:x\ty"},
      {"1.5", "n:1.5"},
      {"-3", "n:-3"},
      {"true", "true"},
      {"null", "null"},
  });
}

TEST_F(ExprEvalTest, ComparesWithNullSemanticsAndNumericStrings) {
  RunTable({
      {"log_type == \"transaction\"", "true"},
      {"log_type != \"transaction\"", "false"},
      // Any comparison with null is false, != included.
      {"missing == \"x\"", "false"},
      {"missing != \"x\"", "false"},
      {"nothing != 1", "false"},
      {"missing < 1", "false"},
      {"missing >= 1", "false"},
      {"missing == missing2", "false"},
      {"missing != missing2", "false"},
      {"1 != missing", "false"},
      // Numbers and numeric strings.
      {"code == 200", "true"},
      {"code_str == 200", "true"},
      {"200 == code_str", "true"},
      {"code_str == 200.0", "true"},
      {"code_str == \"200\"", "true"},
      {"code_str == \"200.0\"", "false"},
      {"code_str < 3", "false"},
      {"code_str < \"3\"", "true"},
      {"3 > code_str", "false"},
      {"\"3\" > code_str", "true"},
      {"amount_str == amount", "true"},
      {"amount == amount_str", "true"},
      {"count_str == 7", "true"},
      {"code > 100", "true"},
      {"code >= 200", "true"},
      {"code <= 200", "true"},
      {"code < 200", "false"},
      {"code == code_str", "true"},
      {"code_str == code_str", "true"},
      // Not comparable: only != holds.
      {"name == 1", "false"},
      {"name != 1", "true"},
      {"name < 1", "false"},
      {"code != name", "true"},
      {"flag == true", "true"},
      {"flag != false", "true"},
      {"flag < true", "false"},
      {"flag == \"true\"", "false"},
      {"flag != \"true\"", "true"},
      {"flag == 1", "false"},
      {"geo == geo", "false"},
      {"geo != \"x\"", "true"},
      {"\"b\" > \"a\"", "true"},
      {"\"abc\" <= \"abd\"", "true"},
      {"empty == \"\"", "true"},
  });
}

TEST_F(ExprEvalTest, DoesArithmetic) {
  RunTable({
      {"amount * 2", "n:25"},
      {"amount_str + 1", "n:13.5"},
      {"code / 1000", "n:0.2"},
      {"code - 1", "n:199"},
      {"2 + 3 * 4", "n:14"},
      {"(2 + 3) * 4", "n:20"},
      {"10 - 4 - 3", "n:3"},
      {"24 / 4 / 2", "n:3"},
      {"-amount_str", "n:-12.5"},
      {"--amount", "n:12.5"},
      {"-name", "null"},
      {"1 / 0", "null"},
      {"code / (code - 200)", "null"},
      {"name + 1", "null"},
      {"missing + 1", "null"},
      {"flag + 1", "null"},
      {"\"a\" + \"b\"", "null"},
      {"1e308 * 10", "null"},
      {"products[0].qty * products[0].price", "n:20"},
  });
}

TEST_F(ExprEvalTest, CombinesConditions) {
  RunTable({
      {"true and false", "false"},
      {"true and true", "true"},
      {"true or missing", "true"},
      {"missing or true", "true"},
      {"missing or false", "false"},
      {"missing and true", "false"},
      {"\"yes\" and true", "false"},
      {"1 or false", "false"},
      {"not flag", "false"},
      {"not not flag", "true"},
      {"not missing", "null"},
      {"not name", "null"},
      {"not (code == 1)", "true"},
      {"not exists(missing)", "true"},
      {"log_type == \"transaction\" and status == \"completed\"", "true"},
      {"log_type == \"transaction\" and status == \"failed\"", "false"},
  });
}

TEST_F(ExprEvalTest, TestsMembershipAndPatterns) {
  RunTable({
      {"status in [\"completed\", \"failed\"]", "true"},
      {"status in [\"failed\"]", "false"},
      {"code in [404, 200]", "true"},
      {"code_str in [200]", "true"},
      {"code in [\"200\"]", "true"},
      {"missing in [\"x\"]", "false"},
      {"name in []", "false"},
      {"flag in [true]", "true"},
      {"user_id in [-1, 42]", "true"},
      {"-1 in [-1]", "true"},
      {"name matches \"^Al\"", "true"},
      {"name matches \"^al\"", "false"},
      {"name matches \"(?i)^al\"", "true"},
      {"name matches \"lic\"", "true"},
      {"name matches \"LIC\"", "false"},
      {"name matches \"\"", "true"},
      {"code matches \"^2\\d\\d$\"", "true"},
      {"amount matches \"^12\\.5$\"", "true"},
      {"flag matches \"^true$\"", "true"},
      {"missing matches \".*\"", "false"},
      {"geo matches \".*\"", "false"},
      {"geo.city matches \"erl\"", "true"},
  });
}

TEST_F(ExprEvalTest, CallsFunctions) {
  RunTable({
      {"lower(name)", "s:alice"},
      {"upper(name)", "s:ALICE"},
      {"lower(\"abc\")", "s:abc"},
      {"lower(code)", "s:200"},
      {"upper(flag)", "s:TRUE"},
      {"upper(\"grüße\")", "s:GRüßE"},
      {"lower(missing)", "null"},
      {"lower(geo)", "null"},
      {"exists(geo.city)", "true"},
      {"exists(geo)", "true"},
      {"exists(missing)", "false"},
      {"exists(nothing)", "false"},
      {"exists(empty)", "true"},
      {"coalesce(missing, nothing, empty, name)", "s:"},
      {"coalesce(missing, name)", "s:Alice"},
      {"coalesce(missing)", "null"},
      {"coalesce(missing, 0)", "n:0"},
      {"number(code_str)", "n:200"},
      {"number(count_str)", "n:7"},
      {"number(amount)", "n:12.5"},
      {"number(name)", "null"},
      {"number(flag)", "null"},
      {"number(missing)", "null"},
      {"string(code)", "s:200"},
      {"string(amount)", "s:12.5"},
      {"string(flag)", "s:true"},
      {"string(name)", "s:Alice"},
      {"string(missing)", "null"},
      {"string(geo)", "null"},
      {"string(1e21)", "s:1e+21"},
      {"string(1000000)", "s:1000000"},
      {"string(0.1 + 0.2)", "s:0.30000000000000004"},
      {"string(-0.5)", "s:-0.5"},
      {"lookup(\"segment\", user_id)", "s:gold"},
      {"lookup(\"segment\", user_key)", "s:gold"},
      {"lookup(\"segment\", name)", "s:unknown"},
      {"lookup(\"segment\", missing)", "s:unknown"},
      {"lookup(\"segment\", empty)", "s:empty-key"},
      {"lookup(\"segment\", geo)", "s:unknown"},
      {"upper(lookup(\"segment\", user_id))", "s:GOLD"},
  });
}

TEST_F(ExprEvalTest, ReadsTheEachElementThroughItem) {
  Value products = Field("products");
  ASSERT_EQ(record_.ArrayLength(products), 2u);
  Value first = record_.Element(products, 0);
  EXPECT_EQ(Run("item.price", &first), "n:10");
  EXPECT_EQ(Run("item.qty * item.price", &first), "n:20");
  EXPECT_EQ(Run("item.category", &first), "s:Books");
  EXPECT_EQ(Run("item", &first), "object");
  EXPECT_EQ(Run("exists(item.missing)", &first), "false");
  EXPECT_EQ(Run("item.category == \"Books\" and log_type == \"transaction\"", &first), "true");

  Value tag = record_.Element(Field("tags"), 1);
  EXPECT_EQ(Run("item", &tag), "s:b");
  EXPECT_EQ(Run("item == \"b\"", &tag), "true");
  EXPECT_EQ(Run("item.x", &tag), "null");

  Value tags = Field("tags");
  EXPECT_EQ(Run("item[1]", &tags), "s:b");

  EXPECT_EQ(Run("item"), "null");
  EXPECT_EQ(Run("item.price"), "null");
}

TEST_F(ExprEvalTest, ConvertsResultsForCallers) {
  auto number = [&](const char* text, double* out) {
    scratch_.Reset();
    return Compile(text)->EvalNumber(record_, nullptr, &scratch_, out);
  };
  double d = 0;
  EXPECT_TRUE(number("amount_str", &d));
  EXPECT_EQ(d, 12.5);
  EXPECT_TRUE(number("response_time_ms / 1000 + code / 1000", &d) == false);
  EXPECT_TRUE(number("code / 1000", &d));
  EXPECT_EQ(d, 0.2);
  EXPECT_FALSE(number("name", &d));
  EXPECT_FALSE(number("flag", &d));
  EXPECT_FALSE(number("missing", &d));
  EXPECT_FALSE(number("geo", &d));

  auto label = [&](const char* text) -> std::string {
    scratch_.Reset();
    std::string_view out;
    if (!Compile(text)->EvalLabel(record_, nullptr, &scratch_, &out)) return "<none>";
    return std::string(out);
  };
  EXPECT_EQ(label("code"), "200");
  EXPECT_EQ(label("amount"), "12.5");
  EXPECT_EQ(label("flag"), "true");
  EXPECT_EQ(label("code == 200"), "true");
  EXPECT_EQ(label("name"), "Alice");
  EXPECT_EQ(label("empty"), "");
  EXPECT_EQ(label("missing"), "<none>");
  EXPECT_EQ(label("geo"), "<none>");
  EXPECT_EQ(label("products"), "<none>");

  auto boolean = [&](const char* text) {
    scratch_.Reset();
    return Compile(text)->EvalBool(record_, nullptr, &scratch_);
  };
  EXPECT_TRUE(boolean("flag"));
  EXPECT_FALSE(boolean("name"));
  EXPECT_FALSE(boolean("missing"));
  EXPECT_FALSE(boolean("not missing"));
}

TEST_F(ExprEvalTest, DoesNotAllocateOnceWarm) {
  auto expr = Compile(
      "lower(name) == \"alice\" and string(amount) == \"12.5\" and upper(geo.city) != \"\" and "
      "lookup(\"segment\", user_id) == \"gold\" and code_str matches \"^2\\d+\" and "
      "status in [\"completed\", \"failed\"] and number(count_str) * 2 == 14");
  ASSERT_TRUE(expr);
  std::string_view label;
  for (int i = 0; i < 3; ++i) {  // warm up
    scratch_.Reset();
    ASSERT_TRUE(expr->EvalBool(record_, nullptr, &scratch_));
    ASSERT_TRUE(expr->EvalLabel(record_, nullptr, &scratch_, &label));
  }
  long before = testing::AllocationCount();
  for (int i = 0; i < 1000; ++i) {
    scratch_.Reset();
    expr->EvalBool(record_, nullptr, &scratch_);
    expr->EvalLabel(record_, nullptr, &scratch_, &label);
  }
  EXPECT_EQ(testing::AllocationCount() - before, 0);
}

TEST_F(ExprEvalTest, ScratchStringsStayValidUntilReset) {
  auto lower = Compile("lower(name)");
  auto upper = Compile("upper(name)");
  scratch_.Reset();
  Value a = lower->Eval(record_, nullptr, &scratch_);
  Value b = upper->Eval(record_, nullptr, &scratch_);
  for (int i = 0; i < 100; ++i) upper->Eval(record_, nullptr, &scratch_);  // deque grows
  EXPECT_EQ(a.str, "alice");
  EXPECT_EQ(b.str, "ALICE");
}

// Not a pass/fail benchmark (machines differ): prints the cost of the common `when` shape.
TEST_F(ExprEvalTest, MeasuresTheCommonWhen) {
  auto expr = Compile("log_type == \"transaction\" and status == \"completed\"");
  const int kRuns = 1000000;
  int hits = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) {
    scratch_.Reset();
    hits += expr->EvalBool(record_, nullptr, &scratch_);
  }
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(hits, kRuns);
  std::printf("when (2 comparisons, FakeRecord): %.1f ns/eval\n", ns.count() / kRuns);
}

}  // namespace
}  // namespace bam::exporter
