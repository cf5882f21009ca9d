#include "rulesvc/dsl/lexer.h"

#include <gtest/gtest.h>

namespace bam::rulesvc::dsl::internal {
namespace {

std::string Kinds(std::string_view text) {
  static const char* const kNames[] = {"word", "num", "<", "<=", ">", ">=", "==",  "=",  "!=",
                                       "(",    ")",   ",", ":",  "%", "€",  "bad", "end"};
  std::string out;
  for (const Token& t : Lex(text)) {
    if (!out.empty()) out += ' ';
    out += kNames[static_cast<int>(t.kind)];
    if (t.kind == TokenKind::kWord || t.kind == TokenKind::kNumber) {
      out += "(" + std::string(t.text) + ")";
    }
  }
  return out;
}

TEST(WhenLexerTest, CutsTokens) {
  EXPECT_EQ(Kinds("k<=90% AND duration(30min)"),
            "word(k) <= num(90%) word(AND) word(duration) ( num(30min) ) end");
  EXPECT_EQ(Kinds("for each a, b: x"), "word(for) word(each) word(a) , word(b) : word(x) end");
  EXPECT_EQ(Kinds("1h30m 1.5k€ 1250 € 99.5 %"),
            "num(1h30m) num(1.5k€) num(1250) € num(99.5) % end");
  EXPECT_EQ(Kinds("a=1 b==2 c!=3 d!4"),
            "word(a) = num(1) word(b) == num(2) word(c) != num(3) "
            "word(d) bad num(4) end");
  EXPECT_EQ(Kinds("1.x 1."), "num(1) bad word(x) num(1) bad end");
  EXPECT_EQ(Kinds("\xE2\x89\xA4\xE2\x89\xA5\xE2\x89\xA0"), "<= >= != end");
}

TEST(WhenLexerTest, KeepsSpansAndSpacing) {
  std::vector<Token> t = Lex("ab  12ms\t(");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[1].span.offset, 4u);
  EXPECT_EQ(t[1].span.length, 4u);
  EXPECT_TRUE(t[1].space_before);
  EXPECT_FALSE(t[0].space_before);
  EXPECT_EQ(t[3].kind, TokenKind::kEnd);
  EXPECT_EQ(t[3].span.offset, 10u);
}

TEST(WhenLexerTest, DescribesTokensInValidUtf8) {
  auto first = [](std::string_view text) { return Describe(Lex(text)[0]); };
  EXPECT_EQ(first("drops"), "\"drops\"");
  EXPECT_EQ(first(""), "end of text");
  EXPECT_EQ(first("\xff"), "byte 0xff");
  EXPECT_EQ(first("\xc3\xa9"), "\"é\"");
  EXPECT_EQ(first("\x01"), "control byte 0x01");
  EXPECT_EQ(first("\xed\xa0\x80"), "byte 0xed");  // a UTF-16 surrogate is not UTF-8
  EXPECT_EQ(first(std::string(50, 'a')), "\"" + std::string(40, 'a') + "…\"");
}

TEST(WhenLexerTest, MatchesKeywordsIgnoringCase) {
  std::vector<Token> t = Lex("AnD and_x");
  EXPECT_TRUE(IsKeyword(t[0], "and"));
  EXPECT_FALSE(IsKeyword(t[1], "and"));
}

}  // namespace
}  // namespace bam::rulesvc::dsl::internal
