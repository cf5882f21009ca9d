#include "exporter/store/duration_metric.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>

#include "exporter/exposition/text.h"
#include "tests/testing/process.h"

namespace bam::exporter {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kSecond = 1000;
constexpr int64_t kHour = 3600 * kSecond;

// The value of the sample `series` ("name{labels}") in a text exposition; NaN when absent.
double ValueOf(const std::string& text, const std::string& series) {
  const std::string line_start = series + " ";
  size_t at = text.find(line_start);
  while (at != std::string::npos && at != 0 && text[at - 1] != '\n') {
    at = text.find(line_start, at + 1);
  }
  if (at == std::string::npos) return std::nan("");
  return std::strtod(text.c_str() + at + line_start.size(), nullptr);
}

DurationMetricOptions Options(std::vector<std::string> labels) {
  DurationMetricOptions o;
  o.name = "bam_order_fulfilment_seconds";
  o.help = "Time from order creation to shipping.";
  o.label_names = std::move(labels);
  o.buckets = {60, 600, 3600};
  return o;
}

class DurationMetricTest : public ::testing::Test {
 protected:
  std::string Text() const { return SerializeText(registry_); }
  double Value(const std::string& series) const { return ValueOf(Text(), series); }

  prometheus::Registry registry_;
  SelfMetrics self_{registry_, "test"};
};

TEST_F(DurationMetricTest, ExactDurationsLandInTheRightBuckets) {
  DurationMetric m(registry_, &self_, Options({}));
  const std::array<int64_t, 5> seconds = {30, 60, 61, 3600, 5000};
  for (size_t i = 0; i < seconds.size(); ++i) {
    const std::string key = "o" + std::to_string(i);
    ASSERT_EQ(m.Start({}, key, 1000 * kSecond), DurationMetric::StartStatus::kPending);
  }
  for (size_t i = 0; i < seconds.size(); ++i) {
    const std::string key = "o" + std::to_string(i);
    EXPECT_EQ(m.End(key, (1000 + seconds[i]) * kSecond), DurationMetric::EndStatus::kObserved);
  }
  const std::string text = Text();
  EXPECT_THAT(text, HasSubstr("bam_order_fulfilment_seconds_bucket{le=\"60\"} 2\n"));  // le is <=
  EXPECT_THAT(text, HasSubstr("bam_order_fulfilment_seconds_bucket{le=\"600\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("bam_order_fulfilment_seconds_bucket{le=\"3600\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("bam_order_fulfilment_seconds_bucket{le=\"+Inf\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("bam_order_fulfilment_seconds_count 5\n"));
  EXPECT_THAT(text, HasSubstr("bam_order_fulfilment_seconds_sum 8751\n"));
  EXPECT_THAT(text, HasSubstr("bam_order_fulfilment_seconds_orphans_total 0\n"));
  EXPECT_THAT(text, HasSubstr("bam_order_fulfilment_seconds_timeouts_total 0\n"));
  EXPECT_EQ(m.PendingCount(), 0u);
}

TEST_F(DurationMetricTest, MillisecondsBecomeFractionalSeconds) {
  DurationMetric m(registry_, &self_, Options({}));
  m.Start({}, "a", 0);
  m.End("a", 1500);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_sum"), 1.5);
}

TEST_F(DurationMetricTest, LabelsComeFromTheStartLine) {
  DurationMetric m(registry_, &self_, Options({"platform"}));
  std::array<std::string_view, 1> web = {"web"};
  std::array<std::string_view, 1> mobile = {"mobile"};
  m.Start(web, "o1", 0);
  m.Start(mobile, "o2", 0);
  m.Start(mobile, "o3", 0);
  m.End("o1", 10 * kSecond);
  m.End("o2", 700 * kSecond);
  m.End("o3", 20 * kSecond);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_count{platform=\"web\"}"), 1);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_sum{platform=\"web\"}"), 10);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_count{platform=\"mobile\"}"), 2);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_bucket{platform=\"mobile\",le=\"60\"}"), 1);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_timeouts_total{platform=\"mobile\"}"), 0);
  EXPECT_EQ(m.SeriesCount(), 2u);
}

TEST_F(DurationMetricTest, AnEndWithoutAPendingStartIsAnOrphan) {
  DurationMetric m(registry_, &self_, Options({}));
  EXPECT_EQ(m.End("never-started", 5 * kSecond), DurationMetric::EndStatus::kOrphan);
  m.Start({}, "a", 0);
  EXPECT_EQ(m.End("a", 5 * kSecond), DurationMetric::EndStatus::kObserved);
  EXPECT_EQ(m.End("a", 6 * kSecond), DurationMetric::EndStatus::kOrphan);  // already ended
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_orphans_total"), 2);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_count"), 1);
}

TEST_F(DurationMetricTest, ASecondStartKeepsTheFirst) {
  DurationMetric m(registry_, &self_, Options({"platform"}));
  std::array<std::string_view, 1> web = {"web"};
  std::array<std::string_view, 1> mobile = {"mobile"};
  EXPECT_EQ(m.Start(web, "a", 0), DurationMetric::StartStatus::kPending);
  EXPECT_EQ(m.Start(mobile, "a", 50 * kSecond), DurationMetric::StartStatus::kAlreadyPending);
  m.End("a", 100 * kSecond);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_sum{platform=\"web\"}"), 100);
  EXPECT_THAT(Text(), ::testing::Not(HasSubstr("mobile")));
}

TEST_F(DurationMetricTest, StartsWithoutAnEndWithinTheTimeoutTimeOut) {
  DurationMetricOptions o = Options({"platform"});
  o.timeout_ms = kHour;
  DurationMetric m(registry_, &self_, o);
  std::array<std::string_view, 1> web = {"web"};
  m.Start(web, "a", 0);
  m.Start(web, "b", kHour / 2);
  m.Sweep(kHour);  // a's end could still come at exactly start + timeout
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_timeouts_total{platform=\"web\"}"), 0);
  m.Sweep(kHour + 1);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_timeouts_total{platform=\"web\"}"), 1);
  EXPECT_EQ(m.End("a", kHour + 2), DurationMetric::EndStatus::kOrphan);
  EXPECT_EQ(m.End("b", kHour + 3), DurationMetric::EndStatus::kObserved);

  // Without any Sweep: an End that moves the clock past a start's timeout times it out first.
  m.Start(web, "c", 2 * kHour);
  EXPECT_EQ(m.End("c", 3 * kHour + 1), DurationMetric::EndStatus::kOrphan);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_timeouts_total{platform=\"web\"}"), 2);

  // A start line already older than the clock minus the timeout counts as a timeout at once.
  EXPECT_EQ(m.Start(web, "old", 0), DurationMetric::StartStatus::kTimedOut);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_timeouts_total{platform=\"web\"}"), 3);
  EXPECT_EQ(m.PendingCount(), 0u);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_orphans_total"), 2);
}

TEST_F(DurationMetricTest, FullPendingStateEvictsTheOldestStart) {
  DurationMetricOptions o = Options({"platform"});
  o.max_pending = 3;
  DurationMetric m(registry_, &self_, o);
  std::array<std::string_view, 1> web = {"web"};
  std::array<std::string_view, 1> ios = {"ios"};
  m.Start(ios, "k2", 20 * kSecond);
  m.Start(web, "k1", 10 * kSecond);  // oldest by start time, though not the first added
  m.Start(web, "k3", 30 * kSecond);
  EXPECT_EQ(m.Start(web, "k4", 40 * kSecond), DurationMetric::StartStatus::kPending);
  EXPECT_EQ(m.PendingCount(), 3u);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_evictions_total{platform=\"web\"}"), 1);
  EXPECT_EQ(m.End("k1", 50 * kSecond), DurationMetric::EndStatus::kOrphan);
  EXPECT_EQ(m.End("k2", 50 * kSecond), DurationMetric::EndStatus::kObserved);
  // Full again; a start older than every pending one is itself the oldest.
  m.Start(web, "k5", 45 * kSecond);
  EXPECT_EQ(m.Start(ios, "k0", 5 * kSecond), DurationMetric::StartStatus::kEvicted);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_evictions_total{platform=\"ios\"}"), 1);
  EXPECT_EQ(m.PendingCount(), 3u);
}

TEST_F(DurationMetricTest, AnEndBeforeItsStartIsObservedAsZeroAndCounted) {
  DurationMetric m(registry_, &self_, Options({}));
  m.Start({}, "a", 100 * kSecond);
  EXPECT_EQ(m.End("a", 90 * kSecond), DurationMetric::EndStatus::kClockSkew);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_bucket{le=\"60\"}"), 1);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_sum"), 0);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_clock_skew_total"), 1);
}

TEST_F(DurationMetricTest, BudgetFoldsNewLabelSetsIntoOverflowAndCountsThem) {
  DurationMetricOptions o = Options({"platform"});
  o.max_series = 1;
  DurationMetric m(registry_, &self_, o);
  for (std::string_view platform : {"web", "ios", "tv"}) {
    std::array<std::string_view, 1> v = {platform};
    m.Start(v, std::string(platform), 0);
    m.End(std::string(platform), 10 * kSecond);
  }
  EXPECT_EQ(m.SeriesCount(), 1u);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_count{platform=\"web\"}"), 1);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_count{platform=\"__overflow__\"}"), 2);
  EXPECT_EQ(Value("bam_exporter_series_overflow_total{metric=\"bam_order_fulfilment_seconds\"}"),
            2);
}

TEST_F(DurationMetricTest, ExpositionPassesPromtool) {
  DurationMetricOptions o = Options({"platform", "region"});
  o.timeout_ms = kHour;
  o.max_series = 2;
  o.max_pending = 10;
  DurationMetric m(registry_, &self_, o);
  std::array<std::string_view, 2> a = {"web", "eu"};
  std::array<std::string_view, 2> b = {"ios", "us \"east\"\n"};
  std::array<std::string_view, 2> c = {"tv", "eu"};
  for (int i = 0; i < 30; ++i) {
    auto& labels = i % 3 == 0 ? a : i % 3 == 1 ? b : c;
    m.Start(labels, "o" + std::to_string(i), i * kSecond);
    if (i % 2 == 0) m.End("o" + std::to_string(i), (i + 70) * kSecond);
  }
  m.End("nobody", 100 * kSecond);
  m.Sweep(3 * kHour);
  const std::string text = Text();
  testing::ProcessResult lint = testing::RunShell("promtool check metrics", text);
  EXPECT_EQ(lint.exit_code, 0) << "promtool check metrics:\n" << lint.out << lint.err << text;
}

TEST_F(DurationMetricTest, PendingMemoryPerStartIsMeasured) {
  DurationMetric m(registry_, &self_, Options({"platform"}));
  std::array<std::string_view, 1> web = {"web"};
  constexpr int kStarts = 100'000;
  char key[32];
  for (int i = 0; i < kStarts; ++i) {
    std::snprintf(key, sizeof(key), "ord_%09d", i);  // 13 bytes: inside std::string
    m.Start(web, key, i);
  }
  ASSERT_EQ(m.PendingCount(), static_cast<size_t>(kStarts));
  const double per_start = static_cast<double>(m.MemoryBytes()) / kStarts;
  std::printf("%d pending starts: %zu bytes, %.1f bytes per start\n", kStarts, m.MemoryBytes(),
              per_start);
  EXPECT_GE(per_start, 64);
  EXPECT_LE(per_start, 128);
}

// The indexed heap against a plain model, on shuffled event times: same observations, orphans,
// timeouts and evictions.
TEST_F(DurationMetricTest, MatchesASimpleModelOnRandomTraffic) {
  DurationMetricOptions o = Options({});
  o.timeout_ms = 150 * kSecond;
  o.max_pending = 40;
  DurationMetric m(registry_, &self_, o);

  std::map<std::string, int64_t> pending;  // the model
  int64_t clock = std::numeric_limits<int64_t>::min();
  double observed_sum = 0;
  int observed = 0, orphans = 0, timeouts = 0, evictions = 0;
  auto advance = [&](int64_t t) {
    clock = std::max(clock, t);
    for (auto it = pending.begin(); it != pending.end();) {
      if (it->second < clock - o.timeout_ms) {
        ++timeouts;
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
  };

  std::mt19937_64 rng(42);
  std::set<int64_t> used_times;  // distinct start times: eviction order is then unambiguous
  int64_t base = 0;
  for (int step = 0; step < 20'000; ++step) {
    base += static_cast<int64_t>(rng() % 3000);
    int64_t t = base - static_cast<int64_t>(rng() % 60'000);  // up to 60 s out of order
    const std::string key = "k" + std::to_string(rng() % 400);
    if (rng() % 2 == 0) {
      if (!used_times.insert(t).second) continue;
      m.Start({}, key, t);
      advance(t);
      if (pending.count(key) != 0) continue;
      if (t < clock - o.timeout_ms) {
        ++timeouts;
        continue;
      }
      pending[key] = t;
      if (pending.size() > o.max_pending) {
        auto oldest = std::min_element(pending.begin(), pending.end(),
                                       [](auto& x, auto& y) { return x.second < y.second; });
        ++evictions;
        pending.erase(oldest);
      }
    } else {
      m.End(key, t);
      advance(t);
      auto it = pending.find(key);
      if (it == pending.end()) {
        ++orphans;
        continue;
      }
      observed_sum += static_cast<double>(std::max<int64_t>(0, t - it->second)) / 1000.0;
      ++observed;
      pending.erase(it);
    }
  }
  EXPECT_EQ(m.PendingCount(), pending.size());
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_count"), observed);
  EXPECT_NEAR(Value("bam_order_fulfilment_seconds_sum"), observed_sum, 1e-6 * observed_sum);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_orphans_total"), orphans);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_timeouts_total"), timeouts);
  EXPECT_EQ(Value("bam_order_fulfilment_seconds_evictions_total"), evictions);
  std::printf("observed %d, orphans %d, timeouts %d, evictions %d\n", observed, orphans, timeouts,
              evictions);
  EXPECT_GT(observed, 100);
  EXPECT_GT(orphans, 100);
  EXPECT_GT(timeouts, 10);
  EXPECT_GT(evictions, 10);
}

TEST_F(DurationMetricTest, DestructorUnregistersTheFamilies) {
  { DurationMetric m(registry_, &self_, Options({})); }
  EXPECT_THAT(Text(), ::testing::Not(HasSubstr("bam_order_fulfilment_seconds")));
  DurationMetric again(registry_, &self_, Options({}));
  EXPECT_THAT(Text(), HasSubstr("bam_order_fulfilment_seconds_count 0\n"));
}

}  // namespace
}  // namespace bam::exporter
