#include <gtest/gtest.h>

#include "exporter/expr/expr.h"

namespace bam::exporter {
namespace {

class ExprCompileTest : public ::testing::Test {
 protected:
  ExprCompileTest() {
    segment_.Insert("42", "gold");
    options_.find_table = [this](std::string_view name) -> const LookupTable* {
      return name == "segment" ? &segment_ : nullptr;
    };
    options_.table_names = {"segment"};
  }

  std::vector<ExprError> Errors(std::string_view text) {
    std::vector<ExprError> errors;
    auto expr = CompileExpr(text, options_, &errors);
    EXPECT_EQ(expr == nullptr, !errors.empty()) << text;
    return errors;
  }

  LookupTable segment_;
  ExprOptions options_;
};

TEST_F(ExprCompileTest, AcceptsValidExpressions) {
  options_.allow_item = true;
  const char* texts[] = {
      "log_type == \"transaction\" and status == \"completed\"",
      "amount",
      "response_time_ms / 1000",
      "lookup(\"segment\", user_id)",
      "lower(a) == upper(b)",
      "exists(geo.country_iso_code) and not exists(item.x)",
      "coalesce(a)",
      "coalesce(a, b, \"default\")",
      "number(\"12\") + 1",
      "string(status)",
      "x in [\"a\", 1, -2, true]",
      "path matches \"^/api/\\d+$\"",
      "item.price * item.qty",
      "-amount",
      "not (a == b)",
  };
  for (const char* text : texts) EXPECT_TRUE(Errors(text).empty()) << text;
}

TEST_F(ExprCompileTest, ReportsErrorsWithOffsetsMessagesAndHints) {
  struct Case {
    const char* text;
    size_t offset;
    const char* message;  // substring
    const char* hint;     // exact
  };
  const Case cases[] = {
      {"lookpu(\"segment\", user_id)", 0, "unknown function \"lookpu\"", "lookup(\"table\", key)"},
      {"a == LOWER(b)", 5, "unknown function \"LOWER\"", "lower(x)"},
      {"frobnicate(b)", 0, "unknown function \"frobnicate\"",
       "one of coalesce, exists, lookup, lower, number, string, upper"},
      {"a.b(c)", 0, "unknown function \"a.b\"",
       "one of coalesce, exists, lookup, lower, number, "
       "string, upper"},
      {"lower(a, b)", 0, "lower() takes 1 argument, got 2", "lower(x)"},
      {"x == upper()", 5, "upper() takes 1 argument, got 0", "upper(x)"},
      {"coalesce()", 0, "coalesce() takes at least 1 argument, got 0", "coalesce(a, b, ...)"},
      {"lookup(\"segment\")", 0, "lookup() takes 2 arguments, got 1", "lookup(\"table\", key)"},
      {"lookup(segment, id)", 7, "the first argument of lookup() must be a table name in quotes",
       "lookup(\"segment\", key)"},
      {"lookup(\"segmnt\", id)", 7, "unknown lookup table \"segmnt\"", "lookup(\"segment\", key)"},
      {"lookup(\"zzzzzzzz\", id)", 7, "unknown lookup table \"zzzzzzzz\"", "one of segment"},
      {"exists(a + 1)", 9, "exists() takes a field name, not an expression", "exists(field)"},
      {"exists(\"a\")", 7, "exists() takes a field name", "exists(field)"},
      {"item.price > 0", 0, "\"item\" is only defined in a metric with \"each:\"",
       "each: <array field> on the metric, or the field's full path"},
      {"a + item", 4, "\"item\" is only defined",
       "each: <array field> on the metric, or the "
       "field's full path"},
      {"a matches b", 10, "the pattern after \"matches\" must be a string literal",
       "x matches \"^/api/\""},
      {"a matches \"(\"", 10, "invalid regular expression: missing ): (",
       "RE2 syntax, e.g. \"^/api/[0-9]+$\""},
      {"a matches \"x{2,1}\"", 10, "invalid regular expression",
       "RE2 syntax, e.g. \"^/api/[0-9]+$\""},
      {"a in b", 5, "expected a list of literals after \"in\"", "x in [\"a\", \"b\"]"},
      {"a in [\"x\", b]", 11, "a list after \"in\" may only hold literals",
       "x in [\"a\", \"b\"], or x == y for a field"},
      {"a in [null]", 6, "null in a list never matches", "exists(x) to test for a field"},
      {"[1, 2]", 0, "a list is only allowed after \"in\"", "x in [\"a\", \"b\"]"},
      {"a == null", 5, "a comparison with null is always false",
       "exists(x) to test for a field, or not exists(x)"},
      {"null != a", 0, "a comparison with null is always false",
       "exists(x) to test for a field, or not exists(x)"},
      {"a == ", 5, "expected a value, found end of expression", ""},
  };
  for (const Case& c : cases) {
    auto errors = Errors(c.text);
    ASSERT_EQ(errors.size(), 1u) << c.text << (errors.empty() ? "" : ": " + errors[1].message);
    EXPECT_EQ(errors[0].offset, c.offset) << c.text;
    EXPECT_NE(errors[0].message.find(c.message), std::string::npos)
        << c.text << ": " << errors[0].message;
    EXPECT_EQ(errors[0].hint, c.hint) << c.text;
  }
}

TEST_F(ExprCompileTest, ReportsEveryErrorSortedByOffset) {
  auto errors = Errors("lookpu(\"segment\", a) == 1 and uper(b) == \"x\" or c matches \"[\"");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].offset, 0u);
  EXPECT_EQ(errors[0].message, "unknown function \"lookpu\"");
  EXPECT_EQ(errors[1].offset, 30u);
  EXPECT_EQ(errors[1].message, "unknown function \"uper\"");
  EXPECT_EQ(errors[1].hint, "upper(x)");
  EXPECT_EQ(errors[2].offset, 58u);

  // Errors inside the arguments of a bad call are reported too.
  errors = Errors("lowr(item, lookup(\"nope\", x))");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].offset, 0u);
  EXPECT_EQ(errors[1].offset, 5u);
  EXPECT_EQ(errors[2].offset, 18u);
}

TEST_F(ExprCompileTest, LookupWithoutTablesIsAnError) {
  ExprOptions none;
  std::vector<ExprError> errors;
  EXPECT_EQ(CompileExpr("lookup(\"segment\", a)", none, &errors), nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "unknown lookup table \"segment\"");
  EXPECT_EQ(errors[0].hint, "declare it under \"lookups:\"");
}

TEST_F(ExprCompileTest, AppendsToExistingErrors) {
  std::vector<ExprError> errors = {ExprError{1, "earlier", ""}};
  EXPECT_EQ(CompileExpr("a ==", options_, &errors), nullptr);
  EXPECT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, "earlier");
}

TEST_F(ExprCompileTest, ToStringIsCanonicalAndRecompiles) {
  std::vector<ExprError> errors;
  auto expr = CompileExpr("(a==1)and(lower( b )in[\"x\",-1])", options_, &errors);
  ASSERT_TRUE(expr);
  EXPECT_EQ(expr->ToString(), "a == 1 and lower(b) in [\"x\", -1]");
  auto again = CompileExpr(expr->ToString(), options_, &errors);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->ToString(), expr->ToString());
}

}  // namespace
}  // namespace bam::exporter
