// Parser errors: exact message, span and hint for the mistakes business users make.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rulesvc/dsl/parser.h"

namespace bam::rulesvc::dsl {
namespace {

struct ErrorCase {
  std::string text;
  size_t offset;
  size_t length;
  std::string message;
  std::string hint;
};

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    When w;
    std::vector<ParseError> errors;
    ASSERT_FALSE(Parse(c.text, &w, &errors)) << c.text;
    ASSERT_EQ(errors.size(), 1u) << c.text;
    const ParseError& e = errors[0];
    EXPECT_EQ(e.message, c.message) << c.text;
    EXPECT_EQ(e.span.offset, c.offset) << c.text;
    EXPECT_EQ(e.span.length, c.length) << c.text;
    EXPECT_EQ(e.hint, c.hint) << c.text;
  }
}

const std::string kVerbList =
    R"e(expected a comparison, "breaches", "drops", "rises", "is" or "will" after )e";

TEST(WhenParserErrorTest, SuggestsTheWordsOfTheLanguage) {
  ExpectErrors({
      {"dau drops 30% vs 7d", 10, 3, R"e(expected "more than" after "drops", found "30%")e",
       R"e("dau drops more than 30% vs 7d")e"},
      {"dau rises by 30% vs 7d", 10, 2, R"e(expected "more than" after "rises", found "by")e",
       R"e("dau rises more than 30% vs 7d")e"},
      {"dau down more than 30% vs 7d", 4, 4, kVerbList + R"e("dau", found "down")e",
       R"e("dau drops more than 30% vs 7d")e"},
      {"dau down 30% vs 7d", 4, 4, kVerbList + R"e("dau", found "down")e",
       R"e("dau drops more than 30% vs 7d")e"},
      {"dau falls by 30% vs 7d", 4, 5, kVerbList + R"e("dau", found "falls")e",
       R"e("dau drops more than 30% vs 7d")e"},
      {"checkout_success_rate breach thresholds", 22, 6,
       kVerbList + R"e("checkout_success_rate", found "breach")e",
       R"e("checkout_success_rate breaches thresholds")e"},
      {"checkout_success_rate breaches threshold", 31, 9,
       R"e(expected "thresholds" after "breaches", found "threshold")e",
       R"e("checkout_success_rate breaches thresholds")e"},
      {"k above 5", 2, 5, kVerbList + R"e("k", found "above")e", R"e("k > 5")e"},
      {"k less than 5", 2, 4, kVerbList + R"e("k", found "less")e", R"e("k < 5")e"},
      {"k is unsual", 5, 6, R"e(expected "unusual" after "is", found "unsual")e",
       R"e("k is unusual")e"},
      {"k will drop 0 within 4h", 12, 1, R"e(expected "below" after "drop", found "0")e",
       R"e("k will drop below 0 within 4h")e"},
      {"k will drops below 0 within 4h", 7, 5,
       R"e(expected "drop below", "rise above" or "run out" after "will", found "drops")e",
       R"e("k will drop below 0 within 4h")e"},
      {"stock will run out in 4h", 19, 2, R"e(expected "within" after "out", found "in")e",
       R"e("stock will run out within 4h")e"},
      {"k drops more than 30% vs yesteday", 25, 8,
       R"e(expected a baseline after "vs", found "yesteday")e",
       R"e("k drops more than 30% vs yesterday")e"},
      {"k drops more than 30% vs last", 29, 0,
       R"e(expected "week" after "last", found end of text)e",
       R"e("k drops more than 30% vs last week")e"},
      {"no orders in 10min", 10, 2, R"e(expected "for" after "orders", found "in")e",
       R"e("no orders for 10min")e"},
      {"objective k 99.5% 30d", 18, 3, R"e(expected "over" after "99.5%", found "30d")e",
       R"e("objective k 99.5% over 30d")e"},
      {"k < 1 ADN j < 2", 6, 3,
       R"e(expected AND, OR, "for", "when" or the end after the condition, found "ADN")e",
       R"e("k < 1 AND j < 2")e"},
  });
}

TEST(WhenParserErrorTest, RecognisesAMistypedOrMisplacedHold) {
  ExpectErrors({
      {"conversion_rate < 90 AND duraton(30min)", 25, 7,
       R"e(expected "duration" before "(", found "duraton")e",
       R"e("conversion_rate < 90 AND duration(30min)")e"},
      {"conversion_rate < 90 duration(30min)", 21, 8,
       R"e(expected AND, OR, "for", "when" or the end after the condition, found "duration")e",
       R"e("conversion_rate < 90 AND duration(30min)")e"},
      {"k < 1 AND duration(30min", 24, 0,
       R"e(expected ")" after the duration "30min", found end of text)e",
       R"e("k < 1 AND duration(30min)")e"},
      {"k < 90 for 5m AND duration(10m)", 14, 17,
       R"e(a rule has one hold duration, found a second one "AND duration(10m)" after "for 5m")e",
       ""},
      {"(k < 90 for 5m) OR j < 1", 8, 6,
       R"e(the hold "for 5m" applies to the whole rule: write it after the closing parenthesis)e",
       ""},
      {"duration(30min) AND k < 1", 0, 9, R"e(expected a condition, found the hold "duration(")e",
       R"e("… AND duration(30min)" at the end of the condition)e"},
  });
}

TEST(WhenParserErrorTest, ExplainsNumbersAndDurations) {
  ExpectErrors({
      {"dau 90", 4, 2, kVerbList + R"e("dau", found "90")e", R"e("dau < 90" or "dau > 90")e"},
      {"90 > dau", 0, 2, R"e(expected a condition, found "90")e", R"e("dau < 90")e"},
      {"k <", 3, 0, R"e(expected a number after "<", found end of text)e", ""},
      {"payment_errors > 15 over", 24, 0,
       R"e(expected a duration after "over", found end of text)e",
       R"e("payment_errors > 15 over 1h")e"},
      {"payment_errors > 15 over hour", 25, 4,
       R"e(expected a duration after "over", found "hour")e",
       R"e("payment_errors > 15 over 1 hour")e"},
      {"payment_errors > 15 over AND k < 1", 25, 3,
       R"e(expected a duration after "over", found "AND")e", R"e("payment_errors > 15 over 1h")e"},
      {"k > 2m", 4, 2, R"e(unknown unit "m" in "2m" (expected %, ms, s, min, h, € or eur))e",
       R"e("k > 2min")e"},
      {"k < 90 for 1.5h", 11, 4, R"e(durations are whole numbers, found "1.5h")e",
       R"e("k < 90 for 90m")e"},
      {"k < 90 for 30", 11, 2, R"e(missing unit in duration "30" (expected s, m, h, d or w))e",
       R"e("k < 90 for 30m")e"},
      {"k < 90 for 30m1h", 11, 5,
       R"e(duration units go from largest to smallest, each once, found "30m1h")e",
       R"e("k < 90 for 90m")e"},
      {"k < 90 for 30 minuts", 11, 9,
       R"e(unknown unit "minuts" in duration "30 minuts" (expected ms, s, m, h, d, w or y))e",
       R"e("k < 90 for 30 minutes")e"},
      {"k < 90 for 99999999999999999d", 11, 18, R"e(duration "99999999999999999d" is too long)e",
       ""},
      {"k < 99999999999999999999", 4, 20, R"e(number "99999999999999999999" is too large)e", ""},
      {"objective k 99.5ms over 30d", 12, 6, R"e(expected a percentage after "k", found "99.5ms")e",
       ""},
      {"dau drops more than 30ms vs 7d", 20, 4,
       R"e(expected a percentage after "than", found "30ms")e", ""},
  });
}

TEST(WhenParserErrorTest, ReportsStructureMistakes) {
  ExpectErrors({
      {"", 0, 0, "expected a condition, found end of text", ""},
      {"(dau < 5 OR dau > 10", 20, 0, R"e(expected ")" to close the "(", found end of text)e",
       R"e("(dau < 5 OR dau > 10)")e"},
      {"dau < 5)", 7, 1, R"e(unexpected ")" without a matching "(")e", R"e("dau < 5")e"},
      {"dau < 5 dau > 10", 8, 3,
       R"e(expected AND, OR, "for", "when" or the end after the condition, found "dau")e",
       R"e("dau < 5 AND dau > 10")e"},
      {"k < 1 AND", 9, 0, R"e(expected a condition after "AND", found end of text)e", ""},
      {"k < 1 AND OR j < 1", 10, 2, R"e(expected a condition after "AND", found "OR")e", ""},
      {"k < 1 when j > 1 when z > 1", 17, 4,
       R"e(expected AND, OR, "for" or the end after the guard, found "when")e", ""},
      {"Dau < 5", 0, 3, R"e(kpi ids are written in lower case, found "Dau")e", R"e("dau < 5")e"},
      {"conversion-rate < 5", 10, 1, kVerbList + R"e("conversion", found "-")e",
       R"e("conversion_rate < 5")e"},
      {"for payment_method: k < 1", 4, 14,
       R"e(expected "each" after "for", found "payment_method")e",
       R"e("for each payment_method: k < 1")e"},
      {"for each payment_method k < 1", 24, 1,
       R"e(expected ":" or "," after the label "payment_method", found "k")e",
       R"e("for each payment_method: k < 1")e"},
      {"for each a, a: k < 1", 12, 1, R"e(label "a" appears twice in "for each")e", ""},
      {"no orders", 9, 0, R"e(expected "for" after "orders", found end of text)e", ""},
      {"k < 1 for each x: j < 1", 10, 4, R"e(expected a duration after "for", found "each")e",
       R"e("for each …:" at the start of the rule)e"},
      {"no for 10m", 3, 3, R"e(expected a kpi id after "no", found "for")e", ""},
  });
}

TEST(WhenParserErrorTest, NamesBadBytesReadably) {
  ExpectErrors({
      {"k @ 1", 2, 1, kVerbList + R"e("k", found "@")e", ""},
      {"k < 1 \xff", 6, 1,
       R"e(expected AND, OR, "for", "when" or the end after the condition, found byte 0xff)e", ""},
      {"\xe2\x82 k", 0, 1, "expected a condition, found byte 0xe2", ""},
      {std::string("k <\0 1", 6), 3, 1, "expected a number after \"<\", found control byte 0x00",
       ""},
      {"k < 5 €€", 9, 3,
       R"e(expected AND, OR, "for", "when" or the end after the condition, found "€")e", ""},
  });
}

TEST(WhenParserErrorTest, CapsNestingAndSize) {
  std::string deep(40, '(');
  deep += "k < 1" + std::string(40, ')');
  std::string many = "k < 1";
  for (int i = 0; i < 120; ++i) many += " AND k < 1";
  ExpectErrors({
      {deep, 32, 1, "too many nested parentheses (more than 32)", ""},
      {many, 1000, 1, "too many conditions in one rule (more than 100)", ""},
  });
}

TEST(WhenParserErrorTest, SurvivesHugeInputs) {
  std::string big(1 << 20, '(');
  When w;
  std::vector<ParseError> errors;
  EXPECT_FALSE(Parse(big, &w, &errors));
  std::string digits(100000, '9');
  EXPECT_FALSE(Parse("k < " + digits, &w, &errors));
  EXPECT_FALSE(Parse("k < 1 for " + digits + "m", &w, &errors));
  EXPECT_EQ(errors.size(), 3u);
}

}  // namespace
}  // namespace bam::rulesvc::dsl
