// Parser: every form of the `when` language to its AST, fields and spans.
#include "rulesvc/dsl/parser.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace bam::rulesvc::dsl {
namespace {

// A compact, complete rendering of an AST so a table can assert every field at once.
std::string Num(const Quantity& q) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", q.value);
  static const char* const kUnits[] = {"", "%", "ms", "s", "min", "h", "eur"};
  return std::string(buf) + kUnits[static_cast<int>(q.unit)];
}

std::string Ms(const DurationLit& d) { return std::to_string(d.ms) + "ms"; }

std::string Op(Comparator op) {
  static const char* const kOps[] = {"<", "<=", ">", ">=", "==", "!="};
  return kOps[static_cast<int>(op)];
}

std::string Base(const Baseline& b) {
  switch (b.kind) {
    case Baseline::Kind::kAverage:
      return "avg " + Ms(b.window);
    case Baseline::Kind::kSameTimeLastWeek:
      return "last week";
    case Baseline::Kind::kYesterday:
      return "yesterday";
  }
  return "?";
}

std::string Dump(const Condition& c);

struct Dumper {
  std::string operator()(const Compare& f) const {
    return "cmp(" + f.kpi.name + " " + Op(f.op) + " " + Num(f.value) +
           (f.over ? " over " + Ms(*f.over) : "") + ")";
  }
  std::string operator()(const Breaches& f) const { return "breaches(" + f.kpi.name + ")"; }
  std::string operator()(const Change& f) const {
    return std::string(f.direction == Change::Direction::kDrops ? "drops(" : "rises(") +
           f.kpi.name + " " + Num(f.amount) + " vs " + Base(f.baseline) + ")";
  }
  std::string operator()(const RatioTo& f) const {
    return "ratio(" + f.kpi.name + " " + Op(f.op) + " " + Num(f.fraction) + " of " +
           Base(f.baseline) + ")";
  }
  std::string operator()(const Unusual& f) const {
    static const char* const kSides[] = {"both", "low", "high"};
    return "unusual(" + f.kpi.name + " " + kSides[static_cast<int>(f.side)] + ")";
  }
  std::string operator()(const Objective& f) const {
    return "objective(" + f.kpi.name + " " + Num(f.target) + " over " + Ms(f.period) + ")";
  }
  std::string operator()(const Forecast& f) const {
    if (f.run_out) return "runout(" + f.kpi.name + " within " + Ms(f.horizon) + ")";
    return std::string("forecast(") + f.kpi.name +
           (f.direction == Forecast::Direction::kBelow ? " below " : " above ") + Num(f.limit) +
           " within " + Ms(f.horizon) + ")";
  }
  std::string operator()(const Absence& f) const {
    return "absence(" + f.kpi.name + " " + Ms(f.window) + ")";
  }
  std::string operator()(const Binary& f) const {
    return std::string(f.op == Binary::Op::kAnd ? "and(" : "or(") + Dump(*f.lhs) + ", " +
           Dump(*f.rhs) + ")";
  }
};

std::string Dump(const Condition& c) {
  std::string s = std::visit(Dumper{}, c.node);
  return c.parenthesized ? "[" + s + "]" : s;
}

std::string Dump(const When& w) {
  std::string out;
  if (!w.for_each.empty()) {
    out += "each(";
    for (size_t i = 0; i < w.for_each.size(); ++i) out += (i ? "," : "") + w.for_each[i].name;
    out += ") ";
  }
  out += Dump(*w.condition);
  if (w.hold) out += " hold " + Ms(*w.hold);
  if (w.guard) out += " guard " + Dump(*w.guard);
  return out;
}

std::string ParseAndDump(std::string_view text) {
  When w;
  std::vector<ParseError> errors;
  if (!Parse(text, &w, &errors)) {
    return "error@" + std::to_string(errors.at(0).span.offset) + ": " + errors.at(0).message;
  }
  return Dump(w);
}

struct Case {
  const char* text;
  const char* ast;
};

void ExpectAll(const std::vector<Case>& cases) {
  for (const Case& c : cases) EXPECT_EQ(ParseAndDump(c.text), c.ast) << c.text;
}

TEST(WhenParserTest, ComparesWithConstants) {
  ExpectAll({
      {"checkout_success_rate < 90", "cmp(checkout_success_rate < 90)"},
      {"api_latency_avg >= 500ms", "cmp(api_latency_avg >= 500ms)"},
      {"k <= 90%", "cmp(k <= 90%)"},
      {"k > 1.5s", "cmp(k > 1.5s)"},
      {"k > 2min", "cmp(k > 2min)"},
      {"k > 1h", "cmp(k > 1h)"},
      {"k == 0", "cmp(k == 0)"},
      {"k != 3", "cmp(k != 3)"},
      {"k = 3", "cmp(k == 3)"},
      {"k<90", "cmp(k < 90)"},
      {"revenue_per_hour < 1250 €", "cmp(revenue_per_hour < 1250eur)"},
      {"revenue_per_hour < 1250€", "cmp(revenue_per_hour < 1250eur)"},
      {"revenue_per_hour < 1.2k€", "cmp(revenue_per_hour < 1200eur)"},
      {"revenue_per_hour < 1.2k €", "cmp(revenue_per_hour < 1200eur)"},
      {"revenue_per_hour < 100eur", "cmp(revenue_per_hour < 100eur)"},
      {"revenue_per_hour < 100 EUR", "cmp(revenue_per_hour < 100eur)"},
      {"orders > 1.5k", "cmp(orders > 1500)"},
      {"k < 90 %", "cmp(k < 90%)"},
      {"k < 500 ms", "cmp(k < 500ms)"},
      {"k \xE2\x89\xA4 5", "cmp(k <= 5)"},
      {"k \xE2\x89\xA5 5", "cmp(k >= 5)"},
      {"k \xE2\x89\xA0 5", "cmp(k != 5)"},
      {"payment_errors > 15 over 1h", "cmp(payment_errors > 15 over 3600000ms)"},
      {"payment_errors > 15 OVER 90 minutes", "cmp(payment_errors > 15 over 5400000ms)"},
  });
}

TEST(WhenParserTest, ReadsEveryOtherForm) {
  ExpectAll({
      {"checkout_success_rate breaches thresholds", "breaches(checkout_success_rate)"},
      {"dau drops more than 30% vs 7d", "drops(dau 30% vs avg 604800000ms)"},
      {"dau drops more than 30 vs 7d", "drops(dau 30 vs avg 604800000ms)"},
      {"dau drops more than 30% vs same time last week", "drops(dau 30% vs last week)"},
      {"dau drops more than 30% vs same hour last week", "drops(dau 30% vs last week)"},
      {"dau drops more than 30% vs last week", "drops(dau 30% vs last week)"},
      {"dau drops more than 30% vs yesterday", "drops(dau 30% vs yesterday)"},
      {"dau drops more than 30% vs same time yesterday", "drops(dau 30% vs yesterday)"},
      {"dau drops more than 30% vs same hour yesterday", "drops(dau 30% vs yesterday)"},
      {"dau drops more than 30% vs last 7 days", "drops(dau 30% vs avg 604800000ms)"},
      {"dau rises more than 50% vs yesterday", "rises(dau 50% vs yesterday)"},
      {"revenue_per_hour < 50% of same hour last week",
       "ratio(revenue_per_hour < 50% of last week)"},
      {"revenue_per_hour >= 150% of yesterday", "ratio(revenue_per_hour >= 150% of yesterday)"},
      {"revenue_per_hour < 50% of 7d", "ratio(revenue_per_hour < 50% of avg 604800000ms)"},
      {"orders_per_minute is unusual", "unusual(orders_per_minute both)"},
      {"orders_per_minute is unusual low", "unusual(orders_per_minute low)"},
      {"orders_per_minute is unusual high", "unusual(orders_per_minute high)"},
      {"orders_per_minute is unusually low", "unusual(orders_per_minute low)"},
      {"objective checkout_success 99.5% over 30d",
       "objective(checkout_success 99.5% over 2592000000ms)"},
      {"stock will drop below 0 within 4h", "forecast(stock below 0 within 14400000ms)"},
      {"disk_free will drop below 10% within 1d",
       "forecast(disk_free below 10% within 86400000ms)"},
      {"queue will rise above 1k within 1h", "forecast(queue above 1000 within 3600000ms)"},
      {"stock will run out within 4h", "runout(stock within 14400000ms)"},
      {"no orders for 10min", "absence(orders 600000ms)"},
      {"no orders for 10 minutes", "absence(orders 600000ms)"},
  });
}

TEST(WhenParserTest, ReadsTheHoldAtTheEndOrAfterOneCondition) {
  ExpectAll({
      {"checkout_success_rate < 90 AND duration(30min)",
       "cmp(checkout_success_rate < 90) hold 1800000ms"},
      {"conversion_rate < 90 and Duration( 30MIN )", "cmp(conversion_rate < 90) hold 1800000ms"},
      {"k < 90 for 30m", "cmp(k < 90) hold 1800000ms"},
      {"k < 90 for 1h30m", "cmp(k < 90) hold 5400000ms"},
      {"k < 90 for 30 minutes", "cmp(k < 90) hold 1800000ms"},
      {"k breaches thresholds for 5m", "breaches(k) hold 300000ms"},
      {"k breaches thresholds for 5m AND traffic > 100",
       "and(breaches(k), cmp(traffic > 100)) hold 300000ms"},
      {"a < 1 AND b < 2 AND duration(10m)", "and(cmp(a < 1), cmp(b < 2)) hold 600000ms"},
      {"a < 1 OR b < 2 for 10m", "or(cmp(a < 1), cmp(b < 2)) hold 600000ms"},
      {"(a < 1 OR b < 2) for 10m", "[or(cmp(a < 1), cmp(b < 2))] hold 600000ms"},
      {"no orders for 10min for 5m", "absence(orders 600000ms) hold 300000ms"},
      // a KPI called `duration` is a condition, not the hold
      {"a < 1 AND duration > 5", "and(cmp(a < 1), cmp(duration > 5))"},
  });
}

TEST(WhenParserTest, ReadsForEachAndGuards) {
  ExpectAll({
      {"for each payment_method: payment_errors > 15 over 1h",
       "each(payment_method) cmp(payment_errors > 15 over 3600000ms)"},
      {"FOR EACH platform, region: k < 1", "each(platform,region) cmp(k < 1)"},
      {"checkout_success_rate < 90 when traffic > 100 over 1h",
       "cmp(checkout_success_rate < 90) guard cmp(traffic > 100 over 3600000ms)"},
      {"k < 90 for 30m when traffic > 100 over 1h",
       "cmp(k < 90) hold 1800000ms guard cmp(traffic > 100 over 3600000ms)"},
      {"k < 90 AND duration(30min) when traffic > 100 over 1h",
       "cmp(k < 90) hold 1800000ms guard cmp(traffic > 100 over 3600000ms)"},
      {"k < 90 when traffic > 100 for 30m", "cmp(k < 90) hold 1800000ms guard cmp(traffic > 100)"},
      {"for each payment_method: payment_errors > 15 over 1h AND duration(30min) when traffic > "
       "100 over 1h",
       "each(payment_method) cmp(payment_errors > 15 over 3600000ms) hold 1800000ms guard "
       "cmp(traffic > 100 over 3600000ms)"},
      {"k < 1 when a > 1 OR b > 2", "cmp(k < 1) guard or(cmp(a > 1), cmp(b > 2))"},
  });
}

TEST(WhenParserTest, BindsAndTighterThanOr) {
  ExpectAll({
      {"a < 1 OR b < 2 AND c < 3", "or(cmp(a < 1), and(cmp(b < 2), cmp(c < 3)))"},
      {"a < 1 AND b < 2 OR c < 3", "or(and(cmp(a < 1), cmp(b < 2)), cmp(c < 3))"},
      {"(a < 1 OR b < 2) AND c < 3", "and([or(cmp(a < 1), cmp(b < 2))], cmp(c < 3))"},
      {"a < 1 AND (b < 2 OR c < 3)", "and(cmp(a < 1), [or(cmp(b < 2), cmp(c < 3))])"},
      {"a < 1 AND b < 2 AND c < 3", "and(and(cmp(a < 1), cmp(b < 2)), cmp(c < 3))"},
      {"a < 1 or b < 2 or c < 3", "or(or(cmp(a < 1), cmp(b < 2)), cmp(c < 3))"},
      {"((a < 1))", "[cmp(a < 1)]"},
      {"dau drops more than 30% vs 7d OR orders_per_minute is unusual low AND no orders for 10m",
       "or(drops(dau 30% vs avg 604800000ms), and(unusual(orders_per_minute low), "
       "absence(orders 600000ms)))"},
  });
}

TEST(WhenParserTest, KeywordsIgnoreCaseAndKpiNamesMayLookLikeKeywords) {
  ExpectAll({
      {"DAU_x DROPS MORE THAN 30% VS SAME TIME LAST WEEK",
       "error@0: kpi ids are written in lower "
       "case, found \"DAU_x\""},
      {"dau Drops More Than 30% Vs Yesterday", "drops(dau 30% vs yesterday)"},
      {"k IS UNUSUAL HIGH", "unusual(k high)"},
      {"NO orders FOR 10MIN", "absence(orders 600000ms)"},
      {"Objective k 99% Over 30D", "objective(k 99% over 2592000000ms)"},
      {"no < 5", "cmp(no < 5)"},
      {"objective < 5", "cmp(objective < 5)"},
      {"objective breaches thresholds", "breaches(objective)"},
      {"no is unusual", "unusual(no both)"},
      {"time > 1 AND week < 2", "and(cmp(time > 1), cmp(week < 2))"},
      {"k will run out within 4h", "runout(k within 14400000ms)"},
  });
}

TEST(WhenParserTest, ReadsTheExamplesOfTheCatalogSpecAndDesign) {
  ExpectAll({
      {"conversion_rate < 90 AND duration(30min)", "cmp(conversion_rate < 90) hold 1800000ms"},
      {"payment_errors > 15 over 1h", "cmp(payment_errors > 15 over 3600000ms)"},
      {"dau drops more than 30% vs 7d", "drops(dau 30% vs avg 604800000ms)"},
      {"revenue_per_hour < 50% of same hour last week",
       "ratio(revenue_per_hour < 50% of last week)"},
      {"orders_per_minute is unusual", "unusual(orders_per_minute both)"},
      {"objective checkout_success 99.5% over 30d",
       "objective(checkout_success 99.5% over 2592000000ms)"},
      {"stock will run out within 4h", "runout(stock within 14400000ms)"},
      {"no orders for 10min", "absence(orders 600000ms)"},
      {"for each payment_method: payment_errors > 15 over 1h",
       "each(payment_method) cmp(payment_errors > 15 over 3600000ms)"},
      {"checkout_success_rate breaches thresholds for 5m",
       "breaches(checkout_success_rate) hold 300000ms"},
      {"k will drop below 0 within 4h", "forecast(k below 0 within 14400000ms)"},
  });
}

TEST(WhenParserTest, RecordsSpansAndWrittenText) {
  //                0         1         2         3         4         5         6
  //                0123456789012345678901234567890123456789012345678901234567890123456789
  std::string text =
      "for each pm: (errs > 1.5k over 1h OR dau drops more than 30 % vs "
      "same hour last week) AND duration(30 minutes) when traffic > 100";
  When w;
  std::vector<ParseError> errors;
  ASSERT_TRUE(Parse(text, &w, &errors)) << errors.at(0).message;
  ASSERT_EQ(w.for_each.size(), 1u);
  EXPECT_EQ(w.for_each[0].span.offset, 9u);
  EXPECT_EQ(w.for_each[0].span.length, 2u);

  const Condition& root = *w.condition;
  EXPECT_TRUE(root.parenthesized);
  EXPECT_EQ(root.span.offset, 14u);  // parentheses excluded
  EXPECT_EQ(text.substr(root.span.offset, root.span.length),
            "errs > 1.5k over 1h OR dau drops more than 30 % vs same hour last week");
  const auto& any = std::get<Binary>(root.node);
  EXPECT_EQ(any.op, Binary::Op::kOr);

  const auto& cmp = std::get<Compare>(any.lhs->node);
  EXPECT_EQ(cmp.kpi.name, "errs");
  EXPECT_EQ(cmp.kpi.span.offset, 14u);
  EXPECT_EQ(cmp.value.value, 1500);
  EXPECT_EQ(cmp.value.text, "1.5k");
  EXPECT_EQ(cmp.value.span.offset, 21u);
  EXPECT_EQ(cmp.value.span.length, 4u);
  ASSERT_TRUE(cmp.over.has_value());
  EXPECT_EQ(cmp.over->text, "1h");
  EXPECT_EQ(cmp.over->span.offset, 31u);
  EXPECT_EQ(any.lhs->span.offset, 14u);
  EXPECT_EQ(any.lhs->span.length, 19u);

  const auto& change = std::get<Change>(any.rhs->node);
  EXPECT_EQ(change.amount.text, "30 %");
  EXPECT_EQ(change.amount.unit, NumberUnit::kPercent);
  EXPECT_EQ(text.substr(change.amount.span.offset, change.amount.span.length), "30 %");
  EXPECT_EQ(change.baseline.kind, Baseline::Kind::kSameTimeLastWeek);
  EXPECT_EQ(text.substr(change.baseline.span.offset, change.baseline.span.length),
            "same hour last week");

  ASSERT_TRUE(w.hold.has_value());
  EXPECT_EQ(w.hold->ms, 1800000);
  EXPECT_EQ(w.hold->text, "30 minutes");
  EXPECT_EQ(text.substr(w.hold->span.offset, w.hold->span.length), "30 minutes");

  ASSERT_NE(w.guard, nullptr);
  EXPECT_EQ(text.substr(w.guard->span.offset, w.guard->span.length), "traffic > 100");
}

TEST(WhenParserTest, RunOutIsADropBelowZero) {
  When w;
  std::vector<ParseError> errors;
  ASSERT_TRUE(Parse("stock will run out within 4h", &w, &errors));
  const auto& f = std::get<Forecast>(w.condition->node);
  EXPECT_TRUE(f.run_out);
  EXPECT_EQ(f.direction, Forecast::Direction::kBelow);
  EXPECT_EQ(f.limit.value, 0);
  EXPECT_EQ(f.limit.text, "");
  EXPECT_EQ(f.horizon.text, "4h");
}

TEST(WhenParserTest, AcceptsWhitespaceOfYamlBlocks) {
  EXPECT_EQ(ParseAndDump("  dau drops more than 30%\n  vs 7d\r\n\tAND duration(1h)  "),
            "drops(dau 30% vs avg 604800000ms) hold 3600000ms");
}

}  // namespace
}  // namespace bam::rulesvc::dsl
