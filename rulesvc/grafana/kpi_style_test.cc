#include "rulesvc/grafana/kpi_style.h"

#include <gtest/gtest.h>

namespace bam::rulesvc::grafana {
namespace {

using nlohmann::ordered_json;

Threshold Th(Threshold::Op op, double v) {
  Threshold t;
  t.op = op;
  t.value = v;
  return t;
}

ordered_json Steps(std::initializer_list<std::pair<const char*, ordered_json>> steps) {
  ordered_json a = ordered_json::array();
  for (const auto& [color, value] : steps) a.push_back({{"color", color}, {"value", value}});
  return {{"mode", "absolute"}, {"steps", a}};
}

TEST(ThresholdStepsTest, LowIsBadGivesRedBelowCriticalOrangeBetweenGreenAbove) {
  Kpi k;
  k.warning = Th(Threshold::Op::kLt, 95);
  k.critical = Th(Threshold::Op::kLt, 90);
  EXPECT_EQ(ThresholdSteps(k), Steps({{"red", nullptr}, {"orange", 90}, {"green", 95}}));
}

TEST(ThresholdStepsTest, HighIsBadGivesGreenOrangeRed) {
  Kpi k;
  k.warning = Th(Threshold::Op::kGt, 500);
  k.critical = Th(Threshold::Op::kGe, 1000);
  EXPECT_EQ(ThresholdSteps(k), Steps({{"green", nullptr}, {"orange", 500}, {"red", 1000}}));
}

TEST(ThresholdStepsTest, OneThresholdGivesTwoColours) {
  Kpi low;
  low.critical = Th(Threshold::Op::kLe, 99);
  EXPECT_EQ(ThresholdSteps(low), Steps({{"red", nullptr}, {"green", 99}}));
  Kpi high;
  high.warning = Th(Threshold::Op::kGt, 20);
  EXPECT_EQ(ThresholdSteps(high), Steps({{"green", nullptr}, {"orange", 20}}));
}

TEST(ThresholdStepsTest, NoThresholdIsNeutral) {
  EXPECT_EQ(ThresholdSteps(Kpi{}), Steps({{"blue", nullptr}}));
}

TEST(GrafanaUnitTest, MapsCatalogUnits) {
  EXPECT_EQ(GrafanaUnit(Unit::kPercent, "€"), "percent");
  EXPECT_EQ(GrafanaUnit(Unit::kRatio, "€"), "percentunit");
  EXPECT_EQ(GrafanaUnit(Unit::kMs, "€"), "ms");
  EXPECT_EQ(GrafanaUnit(Unit::kSeconds, "€"), "s");
  EXPECT_EQ(GrafanaUnit(Unit::kEurPerHour, "€"), "currencyEUR");
  EXPECT_EQ(GrafanaUnit(Unit::kEur, "$"), "currencyUSD");
  EXPECT_EQ(GrafanaUnit(Unit::kEur, "CHF"), "prefix:CHF");
  EXPECT_EQ(GrafanaUnit(Unit::kPerSecond, "€"), "cps");
  EXPECT_EQ(GrafanaUnit(Unit::kPerHour, "€"), "suffix:/h");
  EXPECT_EQ(GrafanaUnit(Unit::kUsers, "€"), "short");
}

TEST(GrafanaLinkUrlTest, MapsTimeRangeAndKpi) {
  EXPECT_EQ(GrafanaLinkUrl("https://kibana/app/discover#/?_g=(time:(from:'{{start}}',to:'{{end}}'))"
                           "&kpi={{kpi}}",
                           "dau"),
            "https://kibana/app/discover#/?_g=(time:(from:'${__from:date:iso}',"
            "to:'${__to:date:iso}'))&kpi=dau");
  EXPECT_EQ(GrafanaLinkUrl("/explore?from={{start_ms}}&to={{end_ms}}&r={{rule_id}}&x={{other}}",
                           "${kpi}"),
            "/explore?from=${__from}&to=${__to}&r=&x={{other}}");
}

}  // namespace
}  // namespace bam::rulesvc::grafana
