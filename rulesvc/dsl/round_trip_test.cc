// Unparse: canonical text, and parse -> unparse -> parse -> unparse giving identical text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rulesvc/dsl/parser.h"
#include "rulesvc/dsl/testing/when_fuzz_check.h"

namespace bam::rulesvc::dsl {
namespace {

std::string Canonical(std::string_view text) {
  When w;
  std::vector<ParseError> errors;
  if (!Parse(text, &w, &errors)) return "error: " + errors.at(0).message;
  return Unparse(w);
}

TEST(WhenUnparseTest, WritesCanonicalText) {
  struct Case {
    const char* text;
    const char* canonical;
  };
  const Case cases[] = {
      {"conversion_rate < 90 AND duration(30min)", "conversion_rate < 90 for 30min"},
      {"conversion_rate<90 and DURATION(30MIN)", "conversion_rate < 90 for 30MIN"},
      {"k = 3", "k == 3"},
      {"k \xE2\x89\xA4 3", "k <= 3"},
      {"revenue_per_hour  <  1250   €", "revenue_per_hour < 1250 €"},
      {"k < 90 for 30\n minutes", "k < 90 for 30 minutes"},
      {"dau DROPS more THAN 30% VS same hour last week",
       "dau drops more than 30% vs same time last week"},
      {"dau drops more than 30% vs last week", "dau drops more than 30% vs same time last week"},
      {"dau drops more than 30% vs same hour yesterday", "dau drops more than 30% vs yesterday"},
      {"dau drops more than 30% vs last 7 days", "dau drops more than 30% vs 7 days"},
      {"k is unusually low", "k is unusual low"},
      {"k breaches thresholds for 5m AND j < 1", "k breaches thresholds AND j < 1 for 5m"},
      {"k < 1 when j > 1 for 5m", "k < 1 for 5m when j > 1"},
      {"for each  a ,b : k < 1", "for each a, b: k < 1"},
      {"((k < 1))", "(k < 1)"},
      {"(a < 1 OR b < 2) AND c < 3", "(a < 1 OR b < 2) AND c < 3"},
      {"a < 1 OR (b < 2 AND c < 3)", "a < 1 OR (b < 2 AND c < 3)"},
      {"a < 1 AND (b < 2 AND c < 3)", "a < 1 AND (b < 2 AND c < 3)"},
      {"stock will run out within 4h", "stock will run out within 4h"},
      {"objective checkout_success 99.5% over 30d", "objective checkout_success 99.5% over 30d"},
      {"NO orders FOR 10min", "no orders for 10min"},
  };
  for (const Case& c : cases) EXPECT_EQ(Canonical(c.text), c.canonical) << c.text;
}

// parse -> unparse -> parse -> unparse gives identical text (mtail's parser test).
TEST(WhenUnparseTest, RoundTrips) {
  const char* texts[] = {
      "checkout_success_rate < 90 AND duration(30min)",
      "api_latency_avg >= 500ms for 5m",
      "payment_errors > 15 over 1h",
      "checkout_success_rate breaches thresholds for 5m",
      "dau drops more than 30% vs 7d",
      "dau drops more than 30% vs same time last week",
      "dau rises more than 50% vs yesterday",
      "revenue_per_hour < 50% of same hour last week",
      "revenue_per_hour < 1.2k € AND revenue_per_hour > 100eur",
      "orders_per_minute is unusual",
      "orders_per_minute is unusual low OR orders_per_minute is unusual high",
      "objective checkout_success 99.5% over 30d",
      "stock will drop below 0 within 4h",
      "queue will rise above 1.5k within 1h30m",
      "stock will run out within 4h",
      "no orders for 10min",
      "no orders for 10 minutes for 5m",
      "for each payment_method: payment_errors > 15 over 1h",
      "for each payment_method, platform: payment_errors > 15 over 1h AND duration(30min) when "
      "traffic > 100 over 1h",
      "(a < 1 OR b < 2) AND (c < 3 OR d < 4) OR e < 5",
      "((a < 1 AND (b < 2 OR (c < 3))))",
      "a < 1 when (b > 1 OR c > 1) AND d > 1",
  };
  for (const char* text : texts) {
    std::string once = Canonical(text);
    ASSERT_NE(once.rfind("error: ", 0), 0u) << text << ": " << once;
    EXPECT_EQ(Canonical(once), once) << text;
  }
}

// An AST built by hand (the compiler's tests do) unparses with parentheses where its shape needs
// them and with texts made from the values.
TEST(WhenUnparseTest, WritesHandBuiltTrees) {
  auto leaf = [](std::string kpi, double v) {
    auto c = std::make_unique<Condition>();
    Compare cmp;
    cmp.kpi.name = std::move(kpi);
    cmp.op = Comparator::kGt;
    cmp.value.value = v;
    cmp.value.unit = NumberUnit::kPercent;
    c->node = std::move(cmp);
    return c;
  };
  auto join = [](Binary::Op op, ConditionPtr l, ConditionPtr r) {
    auto c = std::make_unique<Condition>();
    c->node = Binary{op, std::move(l), std::move(r)};
    return c;
  };
  When w;
  w.condition = join(Binary::Op::kAnd, join(Binary::Op::kOr, leaf("a", 1), leaf("b", 2.5)),
                     join(Binary::Op::kAnd, leaf("c", 3), leaf("d", 1500)));
  DurationLit hold;
  hold.ms = 5400000;
  w.hold = hold;
  EXPECT_EQ(Unparse(w), "(a > 1% OR b > 2.5%) AND (c > 3% AND d > 1500%) for 90m");
  EXPECT_EQ(Canonical(Unparse(w)), Unparse(w));
}

// Every committed fuzz input still satisfies the fuzz target's property.
TEST(WhenUnparseTest, FuzzCorpusHoldsTheProperty) {
  std::filesystem::path dir =
      std::filesystem::path(BAM_SOURCE_DIR) / "tests/fuzz/corpus" / "fuzz_when_parser";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(testing::CheckWhenProperty(content.str()), "") << entry.path();
    ++n;
  }
  EXPECT_GE(n, 10u);
}

}  // namespace
}  // namespace bam::rulesvc::dsl
