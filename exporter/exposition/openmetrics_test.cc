#include "exporter/exposition/openmetrics.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <limits>
#include <string>

namespace bam::exporter {
namespace {

const prometheus::MetricFamily& Find(const std::vector<prometheus::MetricFamily>& families,
                                     const std::string& name) {
  for (const auto& f : families) {
    if (f.name == name) return f;
  }
  static const prometheus::MetricFamily kNone;
  ADD_FAILURE() << "no family " << name;
  return kNone;
}

std::string AllSamples(const prometheus::MetricFamily& f, int64_t ms) {
  std::string out;
  for (const auto& m : f.metric) AppendOpenMetricsSamples(f, m, ms, &out);
  return out;
}

TEST(OpenMetricsTest, CounterFamilyLosesTotalInMetadataOnly) {
  prometheus::Registry registry;
  auto& orders = prometheus::BuildCounter()
                     .Name("bam_orders_total")
                     .Help("Orders \"created\", a\\b\nnext.")
                     .Register(registry);
  orders.Add({{"region", "eu-\"west\""}}).Increment(3);
  auto families = registry.Collect();
  const auto& f = Find(families, "bam_orders_total");
  EXPECT_EQ(OpenMetricsFamilyHeader(f),
            "# HELP bam_orders Orders \\\"created\\\", a\\\\b\\nnext.\n"
            "# TYPE bam_orders counter\n");
  EXPECT_EQ(AllSamples(f, 1790000000000),
            "bam_orders_total{region=\"eu-\\\"west\\\"\"} 3 1790000000\n");
}

TEST(OpenMetricsTest, GaugeAndMillisecondTimestamps) {
  prometheus::Registry registry;
  auto& users = prometheus::BuildGauge().Name("bam_active_users").Help("Users.").Register(registry);
  users.Add({}).Set(0.1);
  auto families = registry.Collect();
  const auto& f = Find(families, "bam_active_users");
  EXPECT_EQ(OpenMetricsFamilyHeader(f),
            "# HELP bam_active_users Users.\n# TYPE bam_active_users gauge\n");
  EXPECT_EQ(AllSamples(f, 1790000000042), "bam_active_users 0.1 1790000000.042\n");
  EXPECT_EQ(AllSamples(f, 1790000000500), "bam_active_users 0.1 1790000000.500\n");
}

TEST(OpenMetricsTest, HistogramBucketsSumCountAndZeroed) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildHistogram().Name("bam_wait_seconds").Register(registry);
  auto& h = family.Add({{"platform", "web"}}, prometheus::Histogram::BucketBoundaries{0.5, 600});
  h.Observe(0.25);
  h.Observe(700);
  auto families = registry.Collect();
  const auto& f = Find(families, "bam_wait_seconds");
  EXPECT_EQ(OpenMetricsFamilyHeader(f), "# TYPE bam_wait_seconds histogram\n");
  EXPECT_EQ(AllSamples(f, 60000),
            "bam_wait_seconds_bucket{platform=\"web\",le=\"0.5\"} 1 60\n"
            "bam_wait_seconds_bucket{platform=\"web\",le=\"600\"} 1 60\n"
            "bam_wait_seconds_bucket{platform=\"web\",le=\"+Inf\"} 2 60\n"
            "bam_wait_seconds_sum{platform=\"web\"} 700.25 60\n"
            "bam_wait_seconds_count{platform=\"web\"} 2 60\n");
  std::string zero;
  AppendOpenMetricsSamples(f, ZeroedMetric(f.metric[0]), 0, &zero);
  EXPECT_EQ(zero,
            "bam_wait_seconds_bucket{platform=\"web\",le=\"0.5\"} 0 0\n"
            "bam_wait_seconds_bucket{platform=\"web\",le=\"600\"} 0 0\n"
            "bam_wait_seconds_bucket{platform=\"web\",le=\"+Inf\"} 0 0\n"
            "bam_wait_seconds_sum{platform=\"web\"} 0 0\n"
            "bam_wait_seconds_count{platform=\"web\"} 0 0\n");
  EXPECT_EQ(OpenMetricsLabels(f.metric[0]), "{platform=\"web\"}");
}

TEST(OpenMetricsTest, SpecialValues) {
  prometheus::Registry registry;
  auto& g = prometheus::BuildGauge().Name("g").Register(registry);
  g.Add({{"v", "inf"}}).Set(std::numeric_limits<double>::infinity());
  g.Add({{"v", "nan"}}).Set(std::numeric_limits<double>::quiet_NaN());
  auto families = registry.Collect();
  std::string out = AllSamples(Find(families, "g"), 1000);
  EXPECT_NE(out.find("g{v=\"inf\"} +Inf 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("g{v=\"nan\"} NaN 1\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace bam::exporter
