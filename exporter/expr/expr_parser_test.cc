#include "exporter/expr/expr_parser.h"

#include <gtest/gtest.h>

namespace bam::exporter::expr_internal {
namespace {

std::string Canonical(std::string_view text) {
  ExprError error;
  auto ast = ParseExpr(text, &error);
  if (!ast) return "error@" + std::to_string(error.offset) + ": " + error.message;
  return Unparse(*ast);
}

TEST(ExprParserTest, UnparsesCanonically) {
  struct Case {
    const char* text;
    const char* canonical;
  };
  const Case cases[] = {
      {"a==1", "a == 1"},
      {"log_type == \"transaction\"   and status==\"completed\"",
       "log_type == \"transaction\" and status == \"completed\""},
      {"(a or b) and c", "(a or b) and c"},
      {"a or (b and c)", "a or b and c"},
      {"((a))", "a"},
      {"not not a", "not not a"},
      {"not a == b", "not a == b"},
      {"(not a) == b", "(not a) == b"},
      {"a - (b - c)", "a - (b - c)"},
      {"(a - b) - c", "a - b - c"},
      {"a * (b + c) / 2", "a * (b + c) / 2"},
      {"-a * b", "-a * b"},
      {"-(a * b)", "-(a * b)"},
      {"- -1", "--1"},
      {"a - -1", "a - -1"},
      {"(a == b) == c", "(a == b) == c"},
      {"a == (b == c)", "a == (b == c)"},
      {"x in [\"a\",\"b\" ,1]", "x in [\"a\", \"b\", 1]"},
      {"x in []", "x in []"},
      {"path matches \"^/api/\\d+$\"", "path matches \"^/api/\\\\d+$\""},
      {"lookup( \"segment\" , user_id )", "lookup(\"segment\", user_id)"},
      {"coalesce()", "coalesce()"},
      {"1.50 + 1e3 + 1e21 + 0.000001 + 1000000", "1.5 + 1000 + 1e+21 + 1e-06 + 1000000"},
      {"\"tab\\there\\n\"", "\"tab\\there\\n\""},
      {"true and false or null", "true and false or null"},
      {"products[0].price * item.qty", "products[0].price * item.qty"},
      {"(a + b) in [1]", "a + b in [1]"},
      {"a + (b in [1])", "a + (b in [1])"},
  };
  for (const Case& c : cases) EXPECT_EQ(Canonical(c.text), c.canonical) << c.text;
}

TEST(ExprParserTest, BindsByPrecedence) {
  ExprError error;
  auto ast = ParseExpr("a or b and not c == d + e * -f", &error);
  ASSERT_TRUE(ast);
  EXPECT_EQ(ast->op, AstOp::kOr);
  const AstNode& and_node = *ast->children[1];
  EXPECT_EQ(and_node.op, AstOp::kAnd);
  const AstNode& not_node = *and_node.children[1];
  EXPECT_EQ(not_node.op, AstOp::kNot);
  const AstNode& eq = *not_node.children[0];
  EXPECT_EQ(eq.op, AstOp::kEq);
  EXPECT_EQ(eq.offset, 17u);
  const AstNode& sum = *eq.children[1];
  EXPECT_EQ(sum.op, AstOp::kAdd);
  EXPECT_EQ(sum.children[1]->op, AstOp::kMul);
  EXPECT_EQ(sum.children[1]->children[1]->op, AstOp::kNeg);
}

// parse -> unparse -> parse -> unparse gives identical text.
TEST(ExprParserTest, RoundTrips) {
  const char* texts[] = {
      "a or b and not c == d + e * -f",
      "((a or b) and (c or d)) or not (e and f)",
      "x in [1, -2, \"three\", true] and y matches \"a|b\"",
      "lower(upper(string(number(\"12\")))) != coalesce(a, b.c, d[1].e, \"z\")",
      "- - - 3 / (2 - 1) * (4 + -(5))",
      "exists(item) and exists(item.a[0]) or lookup(\"segment\", string(item.id))",
      "\"quote \\\" backslash \\\\ unknown \\q\" == s",
      "a.b.c[10].d <= 1e-300 or a > 12345678901234567890123",
  };
  for (const char* text : texts) {
    std::string once = Canonical(text);
    ASSERT_EQ(once.rfind("error", 0), std::string::npos) << text << " -> " << once;
    EXPECT_EQ(Canonical(once), once) << text;
  }
}

TEST(ExprParserTest, ReportsTheFirstSyntaxError) {
  struct Case {
    const char* text;
    size_t offset;
    const char* message;
  };
  const Case cases[] = {
      {"", 0, "expected a value, found end of expression"},
      {"a ==", 4, "expected a value, found end of expression"},
      {"a b", 2, "unexpected field \"b\" after a complete expression"},
      {"a == 1 2", 7, "unexpected number 2 after a complete expression"},
      {"(a", 2, "expected \")\", found end of expression"},
      {"a)", 1, "unmatched \")\""},
      {"a < b < c", 6, "comparisons cannot be chained"},
      {"(a == b != c)", 8, "comparisons cannot be chained"},
      {"f(a b)", 4, "expected \",\" or \")\" in the arguments, found field \"b\""},
      {"x in [1 2]", 8, "expected \",\" or \"]\" in the list, found number 2"},
      {"x in [1,]", 8, "expected a value, found \"]\""},
      {"and", 0, "expected a value, found \"and\""},
      {"a == ==", 5, "expected a value, found \"==\""},
  };
  for (const Case& c : cases) {
    ExprError error;
    EXPECT_EQ(ParseExpr(c.text, &error), nullptr) << c.text;
    EXPECT_EQ(error.offset, c.offset) << c.text;
    EXPECT_EQ(error.message, c.message) << c.text;
  }
}

TEST(ExprParserTest, CapsNestingDepth) {
  ExprError error;
  std::string deep(kMaxExprDepth, '(');
  deep += "a";
  deep += std::string(kMaxExprDepth, ')');
  EXPECT_TRUE(ParseExpr(deep, &error)) << error.message;

  std::string too_deep = "(" + deep + ")";
  EXPECT_EQ(ParseExpr(too_deep, &error), nullptr);
  EXPECT_EQ(error.message, "expression nested too deeply");
  EXPECT_EQ(error.offset, static_cast<size_t>(kMaxExprDepth));

  std::string huge(100000, '(');
  EXPECT_EQ(ParseExpr(huge, &error), nullptr);
  std::string minus(100000, '-');
  EXPECT_EQ(ParseExpr(minus + "1", &error), nullptr);
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  EXPECT_EQ(ParseExpr(nots + "a", &error), nullptr);
  std::string calls;
  for (int i = 0; i < 10000; ++i) calls += "f(";
  EXPECT_EQ(ParseExpr(calls, &error), nullptr);
  EXPECT_EQ(error.message, "expression nested too deeply");

  // Left-deep chains grow the tree without parser recursion; they are capped too.
  std::string chain = "a";
  for (int i = 0; i < 10000; ++i) chain += "+a";
  EXPECT_EQ(ParseExpr(chain, &error), nullptr);
  EXPECT_EQ(error.message, "expression nested too deeply");
}

}  // namespace
}  // namespace bam::exporter::expr_internal
