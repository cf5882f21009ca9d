#include "exporter/store/unique_metric.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "exporter/exposition/text.h"

namespace bam::exporter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

std::string UserKey(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "u_%07llu", static_cast<unsigned long long>(i));
  return buf;
}

double RelativeError(double estimate, double truth) { return std::fabs(estimate - truth) / truth; }

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

UniqueMetricOptions Options(std::vector<std::string> labels, int64_t window_ms, int buckets) {
  UniqueMetricOptions o;
  o.name = "bam_active_users";
  o.help = "Distinct users in the last window.";
  o.label_names = std::move(labels);
  o.window_ms = window_ms;
  o.buckets = buckets;
  return o;
}

class UniqueMetricTest : public ::testing::Test {
 protected:
  std::string Text() const { return SerializeText(registry_); }

  prometheus::Registry registry_;
  SelfMetrics self_{registry_, "test"};
};

TEST_F(UniqueMetricTest, KeysSeenOnlyBeforeTheWindowDropOut) {
  UniqueMetric m(registry_, &self_, Options({}, kDay, 24));  // one-hour sub-windows
  ASSERT_EQ(m.bucket_width_ms(), kHour);
  for (int i = 0; i < 1000; ++i) m.Add({}, UserKey(i), 1 * kHour);      // set A
  for (int i = 1000; i < 1500; ++i) m.Add({}, UserKey(i), 20 * kHour);  // set B
  for (int i = 0; i < 100; ++i) m.Add({}, UserKey(i), 20 * kHour + 5);  // A's first 100 again

  EXPECT_NEAR(m.Estimate({}, 22 * kHour), 1500, 15);
  // A was seen at 1h: still inside a 24h window at 25h (a key in the window is always counted).
  EXPECT_NEAR(m.Estimate({}, 25 * kHour), 1500, 15);
  // One sub-window later A has dropped out, except the 100 keys seen again at 20h.
  EXPECT_NEAR(m.Estimate({}, 26 * kHour), 600, 6);
  // And B (plus the 100) drops out once 20h is out of the window.
  EXPECT_EQ(m.Estimate({}, 45 * kHour), 0);

  // The gauge follows Refresh, with no new lines.
  m.Refresh(22 * kHour);
  EXPECT_NEAR(ValueOf(Text(), "bam_active_users"), 1500, 15);
  m.Refresh(26 * kHour);
  EXPECT_NEAR(ValueOf(Text(), "bam_active_users"), 600, 6);
  m.Refresh(45 * kHour);
  EXPECT_THAT(Text(), HasSubstr("bam_active_users 0\n"));
  EXPECT_LT(m.MemoryBytes(), 4096u);  // expired sketches are freed
}

TEST_F(UniqueMetricTest, MetricWithoutLabelsStartsAtZero) {
  UniqueMetric m(registry_, &self_, Options({}, kHour, 8));
  EXPECT_THAT(Text(), HasSubstr("# TYPE bam_active_users gauge\nbam_active_users 0\n"));
}

TEST_F(UniqueMetricTest, LabelSetsAreCountedSeparately) {
  UniqueMetric m(registry_, &self_, Options({"platform"}, kDay, 16));
  std::array<std::string_view, 1> web = {"web"};
  std::array<std::string_view, 1> mobile = {"mobile"};
  for (int i = 0; i < 300; ++i) m.Add(web, UserKey(i), kHour);
  for (int i = 200; i < 400; ++i) m.Add(mobile, UserKey(i), kHour);  // 100 shared with web
  EXPECT_NEAR(m.Estimate(web, 2 * kHour), 300, 3);
  EXPECT_NEAR(m.Estimate(mobile, 2 * kHour), 200, 2);
  EXPECT_EQ(m.SeriesCount(), 2u);
  m.Refresh(2 * kHour);
  std::string text = Text();
  EXPECT_NEAR(ValueOf(text, "bam_active_users{platform=\"mobile\"}"), 200, 2);
  EXPECT_NEAR(ValueOf(text, "bam_active_users{platform=\"web\"}"), 300, 3);
}

TEST_F(UniqueMetricTest, BudgetFoldsNewLabelSetsIntoOverflowAndCountsThem) {
  UniqueMetricOptions o = Options({"platform"}, kDay, 16);
  o.max_series = 2;
  UniqueMetric m(registry_, &self_, o);
  for (std::string_view platform : {"web", "ios", "android", "tv", "web"}) {
    std::array<std::string_view, 1> v = {platform};
    for (int i = 0; i < 10; ++i) m.Add(v, std::string(platform) + UserKey(i), kHour);
  }
  EXPECT_EQ(m.SeriesCount(), 2u);
  m.Refresh(kHour);
  std::string text = Text();
  EXPECT_NEAR(ValueOf(text, "bam_active_users{platform=\"web\"}"), 10, 0.1);
  EXPECT_NEAR(ValueOf(text, "bam_active_users{platform=\"ios\"}"), 10, 0.1);
  EXPECT_NEAR(ValueOf(text, "bam_active_users{platform=\"__overflow__\"}"), 20, 0.2);
  EXPECT_THAT(text, Not(HasSubstr("android")));
  EXPECT_THAT(text,
              HasSubstr("bam_exporter_series_overflow_total{metric=\"bam_active_users\"} 20\n"));
}

TEST_F(UniqueMetricTest, WithinTwoPercentAtAMillionDistinctUsersWithBoundedMemory) {
  UniqueMetric m(registry_, &self_, Options({"platform"}, kDay, 16));
  std::array<std::string_view, 1> web = {"web"};
  constexpr uint64_t kUsers = 1'000'000;
  // Three visits per user spread over one day; every user is inside the window at the end.
  for (int visit = 0; visit < 3; ++visit) {
    for (uint64_t i = 0; i < kUsers; ++i) {
      const int64_t t = static_cast<int64_t>((visit * kUsers + i) * (kDay / 3) / kUsers);
      ASSERT_EQ(m.Add(web, UserKey(i), t), UniqueMetric::AddStatus::kOk);
    }
  }
  const double estimate = m.Estimate(web, kDay - 1);
  const size_t bytes = m.MemoryBytes();
  std::printf("1M distinct users, 3M events: estimate %.0f (error %.3f%%), memory %zu bytes\n",
              estimate, 100 * RelativeError(estimate, kUsers), bytes);
  EXPECT_LE(RelativeError(estimate, kUsers), 0.02);
  // 17 dense 16 KiB sketches and bookkeeping: the bound does not depend on the number of keys.
  EXPECT_LE(bytes, 17u * 16384u + 4096u);
  m.Refresh(kDay - 1);
  EXPECT_NEAR(ValueOf(Text(), "bam_active_users{platform=\"web\"}"), estimate, 1e-6 * estimate);
}

TEST_F(UniqueMetricTest, AKeyOlderThanTheRingIsRefused) {
  UniqueMetric m(registry_, &self_, Options({}, 8 * kHour, 8));  // 9 one-hour slots
  for (int h = 0; h < 9; ++h) m.Add({}, UserKey(h), h * kHour);
  EXPECT_EQ(m.Add({}, "late", -kHour), UniqueMetric::AddStatus::kTooOld);
  EXPECT_EQ(m.Add({}, "on time", 8 * kHour + 1), UniqueMetric::AddStatus::kOk);
  EXPECT_NEAR(m.Estimate({}, 8 * kHour), 10, 0.5);
}

TEST_F(UniqueMetricTest, SubWindowsAheadOfNowAreCounted) {
  UniqueMetric m(registry_, &self_, Options({}, kHour, 12));
  m.Add({}, "a", 10 * kHour);  // a source whose clock is ahead
  EXPECT_NEAR(m.Estimate({}, 9 * kHour), 1, 0.01);
}

TEST_F(UniqueMetricTest, ExpiredLabelSetsAreRemovedAndComeBack) {
  UniqueMetricOptions o = Options({"platform"}, kHour, 4);
  o.expire_after_ms = 2 * kHour;
  UniqueMetric m(registry_, &self_, o);
  std::array<std::string_view, 1> web = {"web"};
  m.Add(web, "a", 0);
  m.Refresh(kHour);
  EXPECT_THAT(Text(), HasSubstr("platform=\"web\""));
  m.Refresh(3 * kHour);
  EXPECT_THAT(Text(), Not(HasSubstr("platform=\"web\"")));
  EXPECT_EQ(m.SeriesCount(), 0u);
  m.Add(web, "b", 3 * kHour);
  m.Refresh(3 * kHour);
  EXPECT_NEAR(ValueOf(Text(), "bam_active_users{platform=\"web\"}"), 1, 0.01);
}

TEST_F(UniqueMetricTest, ConcurrentAddsAndRefreshesCountEveryKey) {
  UniqueMetric m(registry_, &self_, Options({"platform"}, kDay, 16));
  std::array<std::string_view, 1> web = {"web"};
  auto writer = [&m, &web](uint64_t from) {
    for (uint64_t i = from; i < from + 50'000; ++i) m.Add(web, UserKey(i), kHour);
  };
  std::thread a(writer, 0), b(writer, 50'000);
  for (int i = 0; i < 20; ++i) m.Refresh(kHour);
  a.join();
  b.join();
  EXPECT_LE(RelativeError(m.Estimate(web, kHour), 100'000), 0.02);
}

TEST_F(UniqueMetricTest, DestructorUnregistersTheFamily) {
  {
    UniqueMetric m(registry_, &self_, Options({}, kHour, 8));
    EXPECT_THAT(Text(), HasSubstr("bam_active_users"));
  }
  EXPECT_THAT(Text(), Not(HasSubstr("bam_active_users")));
  UniqueMetric again(registry_, &self_, Options({}, kHour, 8));  // a reload re-declares it
  EXPECT_THAT(Text(), HasSubstr("bam_active_users 0\n"));
}

}  // namespace
}  // namespace bam::exporter
