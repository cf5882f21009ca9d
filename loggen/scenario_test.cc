#include "loggen/scenario.h"

#include <gtest/gtest.h>

#include "loggen/civil_time.h"

namespace bam::loggen {
namespace {

TEST(ScenarioTest, ParsesAbsoluteAndRelative) {
  std::string error, hint;
  auto abs = ParseScenario("payment_outage@2025-11-21T14:00:00Z/45m", &error, &hint);
  ASSERT_TRUE(abs.has_value()) << error;
  EXPECT_EQ(abs->kind, ScenarioKind::kPaymentOutage);
  EXPECT_FALSE(abs->relative);
  EXPECT_EQ(abs->at_ms, *ParseRfc3339("2025-11-21T14:00:00Z"));
  EXPECT_EQ(abs->duration_ms, 45 * kMinuteMs);
  auto rel = ParseScenario("monday_dip@+5m/10m", &error, &hint);
  ASSERT_TRUE(rel.has_value()) << error;
  EXPECT_TRUE(rel->relative);
  EXPECT_EQ(rel->at_ms, 5 * kMinuteMs);
}

TEST(ScenarioTest, ErrorsSayWhatIsWrong) {
  struct Case {
    const char* text;
    const char* error;
    const char* hint;
  } cases[] = {
      {"payment_outgae@+5m/10m", "unknown scenario \"payment_outgae\"", "payment_outage"},
      {"payment_outage", "expected NAME@TIME/DURATION", ""},
      {"payment_outage@+5x/10m", "bad offset \"+5x\"", ""},
      {"payment_outage@yesterday/10m", "bad start time \"yesterday\"", ""},
      {"payment_outage@+5m/0m", "bad duration \"0m\"", ""},
  };
  for (const auto& c : cases) {
    std::string error, hint;
    EXPECT_FALSE(ParseScenario(c.text, &error, &hint).has_value()) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
    if (*c.hint) {
      EXPECT_EQ(hint, c.hint) << c.text;
    }
  }
}

TEST(ScenarioTest, EffectsOnlyInsideTheWindowAndSkippable) {
  ScenarioSet set(
      {{ScenarioKind::kPaymentOutage, 1000, 2000}, {ScenarioKind::kTrafficDrop, 1500, 3000}});
  EXPECT_EQ(set.At(999).payment_fail_extra, 0.0);
  EXPECT_GT(set.At(1000).payment_fail_extra, 0.0);
  EXPECT_EQ(set.At(2000).payment_fail_extra, 0.0);
  EXPECT_EQ(set.At(1600).traffic_keep, 0.5);
  EXPECT_EQ(set.At(1600, 1).traffic_keep, 1.0);
  EXPECT_GT(set.At(1600, 1).payment_fail_extra, 0.0);
  EXPECT_EQ(set.At(1600, ScenarioSet::kAllSkipped).payment_fail_extra, 0.0);
  std::vector<int> overlapping;
  set.Overlapping(1900, 2100, &overlapping);
  EXPECT_EQ(overlapping, (std::vector<int>{0, 1}));
  set.Overlapping(2000, 2100, &overlapping);
  EXPECT_EQ(overlapping, (std::vector<int>{1}));
}

TEST(ScenarioTest, DeploymentSlowsDownOnlyAfterItsLead) {
  ScenarioSet set({{ScenarioKind::kDeployment, 0, 10 * kMinuteMs}});
  EXPECT_EQ(set.At(ScenarioSet::kDeploymentLeadMs - 1).search_latency, 1.0);
  EXPECT_GT(set.At(ScenarioSet::kDeploymentLeadMs).search_latency, 1.0);
}

}  // namespace
}  // namespace bam::loggen
