// Enricher against a real Prometheus (Debian's 2.42) serving hand-made history: OpenMetrics written
// here -> `promtool tsdb create-blocks-from openmetrics` -> prometheus on the blocks, port chosen
// by the kernel. Recorded series (bam:<kpi>:<form><window>) are written directly, so every expected
// figure is computed by hand below.
//
// Scenario (platform="web"; "app" is a decoy that must not leak into web's figures): revenue runs
// at 10 €/s (36 000 €/h) and drops to 25 % (9 000 €/h) from S = T - 1h to T (now, Monday
// 2026-11-16 14:00 UTC); orders run at 120/h and drop to 30/h. Samples every 5 min, only in
// 3-hour windows ending at T - k days (k = 0..7) and T - k weeks (k = 2..4), on step boundaries,
// so increase() over [S, T] starts and ends on samples and is exact (no extrapolation).
#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "rulesvc/enrich/enricher.h"
#include "tests/testing/process.h"
#include "tests/testing/prometheus_server.h"

namespace bam::rulesvc::enrich {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int64_t kT = 1794837600;  // Monday 2026-11-16 14:00:00 UTC, "now"
constexpr int64_t kS = kT - 3600;   // the alert's start
constexpr int64_t kT0 = kT - 8 * 7 * 86400;
constexpr int64_t kStep = 300;
constexpr int64_t kDay = 86400, kWeek = 7 * kDay;

std::string Num(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

// Counter of something running at `rate`/s, at `out` of it during [S, T] (web only).
double Counter(double rate, bool outage, int64_t t) {
  double c = rate * static_cast<double>(t - kT0);
  if (outage && t > kS && t <= kT) c -= rate * 0.75 * static_cast<double>(t - kS);
  return c;
}

std::string CatalogText(const std::string& baseline) {
  return R"(version: 1
kpis:
  - id: revenue_per_hour
    unit: eur_per_hour
    rate: {metric: bam_revenue_eur_total, window: 15m, per: 1h}
    by: [platform]
  - id: orders_per_hour
    unit: per_hour
    rate: {metric: bam_orders_created_total, window: 15m, per: 1h}
    by: [platform]
  - id: sessions_per_hour
    unit: per_hour
    rate: {metric: bam_user_sessions_total, window: 15m, per: 1h}
    by: [platform]
  - id: failed_customers
    unit: users
    gauge: {metric: bam_failed_customers}
    by: [platform]
  - id: checkout_success_rate
    unit: percent
    ratio: {numerator: 'bam_checkouts_total{status="completed"}', denominator: bam_checkouts_total, window: 5m}
    by: [platform]
    thresholds: {warning: "< 95", critical: "< 90"}
impact:
  revenue_per_hour: revenue_per_hour
  orders_per_hour: orders_per_hour
  customers_affected: failed_customers
  baseline: )" +
         baseline + "\n";
}

class EnricherPrometheusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("bam_enrich_" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    WriteHistory(*dir_ / "history.om");
    auto create = testing::RunShell("promtool tsdb create-blocks-from openmetrics -q '" +
                                    (*dir_ / "history.om").string() + "' '" +
                                    (*dir_ / "blocks").string() + "'");
    ASSERT_EQ(create.exit_code, 0) << create.err << create.out;
    std::ofstream(*dir_ / "prometheus.yml") << "global:\n  scrape_interval: 1m\n";
    prometheus_ = new testing::PrometheusServer();
    std::string error;
    ASSERT_TRUE(prometheus_->Start({(*dir_ / "prometheus.yml").string(),
                                    (*dir_ / "blocks").string(),
                                    {"--storage.tsdb.retention.time=100y"}},
                                   &error))
        << error;
    address_ = new std::string(prometheus_->address());
  }
  static void TearDownTestSuite() {
    delete prometheus_;
    if (dir_ != nullptr) fs::remove_all(*dir_);
    delete dir_;
    delete address_;
  }

  static void WriteHistory(const fs::path& path) {
    std::set<int64_t> times;
    std::vector<int64_t> ends;
    for (int k = 0; k <= 7; ++k) ends.push_back(kT - k * kDay);
    for (int k = 2; k <= 4; ++k) ends.push_back(kT - k * kWeek);
    for (int64_t end : ends) {
      for (int64_t t = end - 3 * 3600; t <= end; t += kStep) times.insert(t);
    }
    std::ofstream out(path);
    using Fn = std::function<double(const std::string& platform, int64_t t)>;
    auto family = [&](const std::string& name, const std::string& type,
                      const std::string& sample_name, const std::string& label,
                      const std::vector<std::string>& values, const Fn& fn) {
      out << "# TYPE " << name << " " << type << "\n";
      for (const std::string& v : values) {
        for (int64_t t : times) {
          out << sample_name << "{" << label << "=\"" << v << "\"} " << Num(fn(v, t)) << " " << t
              << "\n";
        }
      }
    };
    const std::vector<std::string> platforms = {"app", "web"};
    auto revenue = [](const std::string& p, int64_t t) {
      return p == "web" ? Counter(10, true, t) : Counter(20000.0 / 3600, false, t);
    };
    family("bam_revenue_eur", "counter", "bam_revenue_eur_total", "platform", platforms, revenue);
    family("bam:revenue_per_hour:rate15m", "gauge", "bam:revenue_per_hour:rate15m", "platform",
           platforms, [&](const std::string& p, int64_t t) {
             return (revenue(p, t) - revenue(p, t - 900)) * 4;
           });
    family("bam_orders_created", "counter", "bam_orders_created_total", "platform", platforms,
           [](const std::string& p, int64_t t) {
             return p == "web" ? Counter(120.0 / 3600, true, t) : Counter(60.0 / 3600, false, t);
           });
    family("bam:sessions_per_hour:rate15m", "gauge", "bam:sessions_per_hour:rate15m", "platform",
           platforms, [](const std::string& p, int64_t t) {
             if (p == "app") return 3000.0;
             return t >= kS - 900 && t <= kT ? 4000.0 : 5000.0;
           });
    family("bam:checkout_success_rate:ratio5m", "gauge", "bam:checkout_success_rate:ratio5m",
           "platform", platforms, [](const std::string& p, int64_t t) {
             if (p == "app") return 99.0;
             const double past[] = {97, 88, 96, 85};  // 1..4 weeks before the start
             for (int k = 1; k <= 4; ++k) {
               if (t == kS - k * kWeek) return past[k - 1];
             }
             return t == kS ? 80.0 : 98.0;
           });
    family("bam:failed_customers:gauge", "gauge", "bam:failed_customers:gauge", "platform",
           platforms, [](const std::string& p, int64_t) { return p == "web" ? 42.0 : 7.0; });
    family("bam_deployments", "counter", "bam_deployments_total", "service",
           {"checkout-api", "payments", "search"}, [](const std::string& s, int64_t t) {
             if (s == "checkout-api") return t >= kS - 600 ? 4.0 : 3.0;  // inside the window
             if (s == "search") return t >= kS - 3000 ? 2.0 : 1.0;       // 50 min before: outside
             return 2.0;
           });
    out << "# EOF\n";
  }

  Impact EnrichWeb(const std::string& baseline, PrometheusClient* client) {
    Catalog catalog;
    DiagnosticList diags;
    EXPECT_TRUE(ParseCatalog("test.yml", CatalogText(baseline), &catalog, &diags));
    Enricher enricher(catalog, client);
    AlertInfo alert;
    alert.labels = {{"bam_kpi", "checkout_success_rate"},
                    {"bam_rule_id", "conversion-critical"},
                    {"severity", "critical"},
                    {"platform", "web"}};
    alert.starts_at_ms = kS * 1000;
    alert.now_ms = kT * 1000 + 7000;  // rounded down to T by the client's 15 s step
    return enricher.Enrich(alert);
  }

  PrometheusClient::Options ClientOptions() {
    return {.url = "http://" + *address_, .timeout = 5s};
  }

  static fs::path* dir_;
  static testing::PrometheusServer* prometheus_;
  static std::string* address_;
};

fs::path* EnricherPrometheusTest::dir_ = nullptr;
testing::PrometheusServer* EnricherPrometheusTest::prometheus_ = nullptr;
std::string* EnricherPrometheusTest::address_ = nullptr;

// Hand-computed: revenue now 2.5 €/s * 3600 = 9 000 €/h; last week 36 000 €/h; loss 27 000 €/h.
// Since start (1 h): actual 9 000 €, expected 36 000 €, lost 27 000 €. Orders: 30 vs 120 -> 90.
constexpr double kTolerance = 1e-6;

TEST_F(EnricherPrometheusTest, SameTimeLastWeekFiguresEqualTheHandComputedOnes) {
  PrometheusClient client(ClientOptions());
  Impact impact = EnrichWeb("same_time_last_week", &client);
  ASSERT_FALSE(impact.unavailable.has_value()) << *impact.unavailable;
  EXPECT_TRUE(impact.errors.empty()) << impact.errors.front();
  EXPECT_EQ(impact.evaluated_at_ms, kT * 1000);
  EXPECT_EQ(impact.baseline_kind, "same_time_last_week");
  ASSERT_TRUE(impact.revenue_per_hour && impact.baseline && impact.revenue_lost_per_hour);
  EXPECT_NEAR(*impact.revenue_per_hour, 9000, kTolerance);
  EXPECT_NEAR(*impact.baseline, 36000, kTolerance);
  EXPECT_NEAR(*impact.revenue_lost_per_hour, 27000, kTolerance);
  ASSERT_TRUE(impact.revenue_since_start && impact.expected_revenue_since_start &&
              impact.revenue_lost_since_start);
  EXPECT_NEAR(*impact.revenue_since_start, 9000, kTolerance);
  EXPECT_NEAR(*impact.expected_revenue_since_start, 36000, kTolerance);
  EXPECT_NEAR(*impact.revenue_lost_since_start, 27000, kTolerance);
  ASSERT_TRUE(impact.orders_since_start && impact.expected_orders_since_start);
  EXPECT_NEAR(*impact.orders_since_start, 30, kTolerance);
  EXPECT_NEAR(*impact.expected_orders_since_start, 120, kTolerance);
  EXPECT_EQ(impact.orders_affected, 90);
  EXPECT_EQ(impact.customers_affected, 42);

  // 97, 88, 96, 85 on the last four Mondays at 13:00; critical "< 90": 2 of 4.
  ASSERT_EQ(impact.past_weeks.size(), 4u);
  const double past[] = {97, 88, 96, 85};
  for (int k = 0; k < 4; ++k) {
    ASSERT_TRUE(impact.past_weeks[k].value) << k;
    EXPECT_NEAR(*impact.past_weeks[k].value, past[k], kTolerance);
    EXPECT_EQ(impact.past_weeks[k].beyond_threshold, past[k] < 90);
  }
  EXPECT_EQ(impact.threshold, 90);
  EXPECT_EQ(impact.threshold_op, "<");
  EXPECT_EQ(impact.past_weeks_beyond_threshold, 2);

  ASSERT_EQ(impact.deployments.size(), 1u);
  EXPECT_EQ(impact.deployments[0].service, "checkout-api");
  EXPECT_EQ(impact.deployments[0].count, 1);
  ASSERT_TRUE(impact.traffic_change_percent);
  EXPECT_NEAR(*impact.traffic_per_hour, 4000, kTolerance);
  EXPECT_NEAR(*impact.traffic_per_hour_last_week, 5000, kTolerance);
  EXPECT_NEAR(*impact.traffic_change_percent, -20, kTolerance);

  nlohmann::json j = ImpactToJson(impact);
  EXPECT_NEAR(j["revenue_lost_per_hour"].get<double>(), 27000, kTolerance);
  EXPECT_NEAR(j["revenue_lost_since_start"].get<double>(), 27000, kTolerance);
  EXPECT_EQ(j["orders_affected"], 90);
  EXPECT_EQ(j["customers_affected"], 42);
  EXPECT_NEAR(j["baseline"].get<double>(), 36000, kTolerance);
  EXPECT_TRUE(j["unavailable"].is_null());

  // A burst: the same alert again reaches Prometheus zero more times.
  const auto misses = client.cache_stats().misses;
  EXPECT_EQ(client.cache_stats().hits, 0);
  Impact again = EnrichWeb("same_time_last_week", &client);
  EXPECT_EQ(client.cache_stats().misses, misses);
  EXPECT_EQ(client.cache_stats().hits, misses);
  EXPECT_EQ(ImpactToJson(again), j);
}

TEST_F(EnricherPrometheusTest, Avg7dAndYesterdayBaselines) {
  PrometheusClient client(ClientOptions());
  for (const char* kind : {"avg_7d_same_hour", "yesterday"}) {
    SCOPED_TRACE(kind);
    Impact impact = EnrichWeb(kind, &client);
    ASSERT_FALSE(impact.unavailable.has_value()) << *impact.unavailable;
    EXPECT_EQ(impact.baseline_kind, kind);
    ASSERT_TRUE(impact.baseline && impact.revenue_lost_since_start && impact.orders_affected);
    EXPECT_NEAR(*impact.baseline, 36000, kTolerance);
    EXPECT_NEAR(*impact.revenue_lost_since_start, 27000, kTolerance);
    EXPECT_EQ(*impact.orders_affected, 90);
  }
}

TEST_F(EnricherPrometheusTest, BadQueryIsReportedNotUnavailable) {
  PrometheusClient client(ClientOptions());
  auto r = client.Query("sum(", kT * 1000);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
}

}  // namespace
}  // namespace bam::rulesvc::enrich
