#include "exporter/expr/expr_lexer.h"

#include <gtest/gtest.h>

namespace bam::exporter::expr_internal {
namespace {

std::vector<Token> MustLex(std::string_view text) {
  std::vector<Token> tokens;
  ExprError error;
  EXPECT_TRUE(Lex(text, &tokens, &error)) << text << ": " << error.message;
  return tokens;
}

TEST(ExprLexerTest, SplitsOperatorsPathsAndKeywordsWithOffsets) {
  auto t = MustLex("a.b[0].c >= 10 and not item.x in [\"y\"]");
  std::vector<std::pair<TokenKind, size_t>> want = {
      {TokenKind::kPath, 0},      {TokenKind::kGe, 9},        {TokenKind::kNumber, 12},
      {TokenKind::kAnd, 15},      {TokenKind::kNot, 19},      {TokenKind::kPath, 23},
      {TokenKind::kIn, 30},       {TokenKind::kLBracket, 33}, {TokenKind::kString, 34},
      {TokenKind::kRBracket, 37}, {TokenKind::kEnd, 38}};
  ASSERT_EQ(t.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(t[i].kind, want[i].first) << i;
    EXPECT_EQ(t[i].offset, want[i].second) << i;
  }
  EXPECT_EQ(t[0].text, "a.b[0].c");
  EXPECT_EQ(t[2].number, 10);
  EXPECT_EQ(t[5].text, "item.x");
}

TEST(ExprLexerTest, ReadsEveryOperator) {
  auto t = MustLex("== != < <= > >= + - * / ( ) [ ] , or matches true false null");
  std::vector<TokenKind> want = {TokenKind::kEq,       TokenKind::kNe,       TokenKind::kLt,
                                 TokenKind::kLe,       TokenKind::kGt,       TokenKind::kGe,
                                 TokenKind::kPlus,     TokenKind::kMinus,    TokenKind::kStar,
                                 TokenKind::kSlash,    TokenKind::kLParen,   TokenKind::kRParen,
                                 TokenKind::kLBracket, TokenKind::kRBracket, TokenKind::kComma,
                                 TokenKind::kOr,       TokenKind::kMatches,  TokenKind::kTrue,
                                 TokenKind::kFalse,    TokenKind::kNull,     TokenKind::kEnd};
  ASSERT_EQ(t.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t[i].kind, want[i]) << i;
}

TEST(ExprLexerTest, DecodesStringEscapesAndKeepsUnknownOnes) {
  auto t = MustLex(R"("a\"b\\c\nd\te" "\d+\.x")");
  EXPECT_EQ(t[0].text, "a\"b\\c\nd\te");
  EXPECT_EQ(t[1].text, "\\d+\\.x");
  EXPECT_EQ(t[1].offset, 16u);
}

TEST(ExprLexerTest, ReadsNumbers) {
  auto t = MustLex("0 12 3.25 1e3 2.5E-2 7e+1");
  EXPECT_EQ(t[0].number, 0);
  EXPECT_EQ(t[1].number, 12);
  EXPECT_EQ(t[2].number, 3.25);
  EXPECT_EQ(t[3].number, 1000);
  EXPECT_EQ(t[4].number, 0.025);
  EXPECT_EQ(t[5].number, 70);
}

TEST(ExprLexerTest, KeywordsOnlyAsWholeWords) {
  auto t = MustLex("android notify a.in inx");
  EXPECT_EQ(t[0].kind, TokenKind::kPath);
  EXPECT_EQ(t[1].kind, TokenKind::kPath);
  EXPECT_EQ(t[2].kind, TokenKind::kPath);
  EXPECT_EQ(t[2].text, "a.in");
  EXPECT_EQ(t[3].kind, TokenKind::kPath);
}

TEST(ExprLexerTest, ReportsErrorsWithOffsets) {
  struct Case {
    std::string text;
    size_t offset;
    std::string message;
    std::string hint;
  };
  const Case cases[] = {
      {"a = 1", 2, "unexpected \"=\"", "== to compare"},
      {"!a", 0, "unexpected \"!\"", "!= to compare, or not to negate"},
      {"a && b", 2, "unexpected \"&\"", "and"},
      {"a || b", 2, "unexpected \"|\"", "or"},
      {"x == 'y'", 5, "unexpected \"'\"", "double quotes for strings: \"text\""},
      {"a == \"open", 5, "unterminated string", "close it with \""},
      {"a # b", 2, "unexpected character \"#\"", ""},
      {"a == \xc3\xa9", 5, "unexpected character \"\\xc3\"", ""},
      {"1.", 0, "malformed number", "a digit after \".\": 1.0"},
      {"1e", 0, "malformed number", "an exponent like 1e3 or 2.5e-3"},
      {"12abc", 0, "malformed number", "a space between a number and a name"},
      {"1e999", 0, "number out of range", ""},
      {"a.", 1, "expected a field name after \".\"", "a.b or a.b[0].c"},
      {"a..b", 1, "expected a field name after \".\"", "a.b or a.b[0].c"},
      {"a[x]", 1, "an array index must be a number in brackets", "a[0]"},
      {"a[1", 1, "an array index must be a number in brackets", "a[0]"},
      {"a[12345678901]", 2, "array index too large", ""},
  };
  for (const Case& c : cases) {
    std::vector<Token> tokens;
    ExprError error;
    EXPECT_FALSE(Lex(c.text, &tokens, &error)) << c.text;
    EXPECT_EQ(error.offset, c.offset) << c.text;
    EXPECT_EQ(error.message, c.message) << c.text;
    EXPECT_EQ(error.hint, c.hint) << c.text;
  }
}

TEST(ExprLexerTest, QuotesStringsCanonically) {
  EXPECT_EQ(QuoteString("a\"b\\c\nd\te"), R"("a\"b\\c\nd\te")");
}

}  // namespace
}  // namespace bam::exporter::expr_internal
