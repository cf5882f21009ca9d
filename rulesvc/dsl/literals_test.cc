#include "rulesvc/dsl/literals.h"

#include <gtest/gtest.h>

namespace bam::rulesvc::dsl::internal {
namespace {

int64_t Ms(std::string_view token, std::string_view unit = "") {
  int64_t ms = -1;
  LiteralError error;
  return ParseDurationText(token, unit, &ms, &error) ? ms : -1;
}

TEST(WhenLiteralsTest, ReadsPrometheusAndSpelledOutDurations) {
  EXPECT_EQ(Ms("500ms"), 500);
  EXPECT_EQ(Ms("30s"), 30000);
  EXPECT_EQ(Ms("5m"), 300000);
  EXPECT_EQ(Ms("30min"), 1800000);
  EXPECT_EQ(Ms("30MIN"), 1800000);
  EXPECT_EQ(Ms("1h30m"), 5400000);
  EXPECT_EQ(Ms("1h30min"), 5400000);
  EXPECT_EQ(Ms("7d"), 604800000);
  EXPECT_EQ(Ms("1w"), 604800000);
  EXPECT_EQ(Ms("1y"), 31536000000);
  EXPECT_EQ(Ms("2hours"), 7200000);
  EXPECT_EQ(Ms("30", "minutes"), 1800000);
  EXPECT_EQ(Ms("1", "week"), 604800000);
  EXPECT_EQ(Ms("0s"), 0);
  EXPECT_EQ(Ms("30"), -1);
  EXPECT_EQ(Ms("1.5h"), -1);
  EXPECT_EQ(Ms("30m1h"), -1);
  EXPECT_EQ(Ms("1h1h"), -1);
  EXPECT_EQ(Ms("5x"), -1);
  EXPECT_EQ(Ms("30%"), -1);
  EXPECT_EQ(Ms("1h30", "m"), -1);
  EXPECT_EQ(Ms("9999999999999999999d"), -1);
  EXPECT_EQ(Ms("999999999999999d"), -1);
}

TEST(WhenLiteralsTest, ReadsQuantities) {
  struct Case {
    const char* token;
    const char* unit_word;
    double value;
    NumberUnit unit;
  };
  const Case cases[] = {
      {"90", "", 90, NumberUnit::kNone},
      {"90%", "", 90, NumberUnit::kPercent},
      {"99.5%", "", 99.5, NumberUnit::kPercent},
      {"500ms", "", 500, NumberUnit::kMs},
      {"1.5s", "", 1.5, NumberUnit::kS},
      {"2min", "", 2, NumberUnit::kMin},
      {"1h", "", 1, NumberUnit::kH},
      {"1250€", "", 1250, NumberUnit::kEur},
      {"1250", "€", 1250, NumberUnit::kEur},
      {"1.2k€", "", 1200, NumberUnit::kEur},
      {"1.5k", "", 1500, NumberUnit::kNone},
      {"100eur", "", 100, NumberUnit::kEur},
      {"100", "EUR", 100, NumberUnit::kEur},
      {"2k", "euros", 2000, NumberUnit::kEur},
  };
  for (const Case& c : cases) {
    double value = -1;
    NumberUnit unit = NumberUnit::kNone;
    LiteralError error;
    ASSERT_TRUE(ParseQuantityText(c.token, c.unit_word, &value, &unit, &error)) << c.token;
    EXPECT_EQ(value, c.value) << c.token;
    EXPECT_EQ(unit, c.unit) << c.token;
  }
  double value;
  NumberUnit unit;
  LiteralError error;
  EXPECT_FALSE(ParseQuantityText("2m", "", &value, &unit, &error));
  EXPECT_EQ(error.fixed, "2min");
  EXPECT_FALSE(ParseQuantityText("5%%", "", &value, &unit, &error));
  EXPECT_FALSE(ParseQuantityText(std::string(400, '9'), "", &value, &unit, &error));
}

TEST(WhenLiteralsTest, FormatsValuesForHandBuiltTrees) {
  EXPECT_EQ(FormatDurationMs(5400000), "90m");
  EXPECT_EQ(FormatDurationMs(604800000), "7d");
  EXPECT_EQ(FormatDurationMs(1500), "1500ms");
  EXPECT_EQ(FormatDurationMs(0), "0s");
  EXPECT_EQ(FormatNumber(1500), "1500");
  EXPECT_EQ(FormatNumber(0.25), "0.25");
  EXPECT_EQ(FormatNumber(99.5), "99.5");
}

}  // namespace
}  // namespace bam::rulesvc::dsl::internal
