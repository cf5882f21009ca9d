#include "exporter/store/metric_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <thread>

#include "exporter/exposition/text.h"

namespace bam::exporter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MetricStoreTest : public ::testing::Test {
 protected:
  prometheus::Registry registry_;
  SelfMetrics self_{registry_, "test"};
  MetricStore store_{registry_, &self_};

  std::string Text() const { return SerializeText(registry_); }
};

TEST_F(MetricStoreTest, CountersAddPerLabelSet) {
  auto id = store_.Add({"shop_checkouts_total",
                        "Checkouts.",
                        MetricSpec::Kind::kCounter,
                        {"status", "platform"},
                        {},
                        0});
  std::array<std::string_view, 2> web_ok = {"completed", "web"};
  std::array<std::string_view, 2> mobile_failed = {"failed", "mobile"};
  store_.Update(id, web_ok, 1);
  store_.Update(id, web_ok, 2.5);
  store_.Update(id, mobile_failed, 1);
  EXPECT_EQ(store_.SeriesCount(id), 2u);
  std::string text = Text();
  EXPECT_THAT(text, HasSubstr("shop_checkouts_total{platform=\"web\",status=\"completed\"} 3.5\n"));
  EXPECT_THAT(text, HasSubstr("shop_checkouts_total{platform=\"mobile\",status=\"failed\"} 1\n"));
}

TEST_F(MetricStoreTest, LabelValuesThatConcatenateAlikeStayApart) {
  auto id = store_.Add({"pairs_total", "", MetricSpec::Kind::kCounter, {"a", "b"}, {}, 0});
  std::array<std::string_view, 2> first = {"ab", "c"};
  std::array<std::string_view, 2> second = {"a", "bc"};
  store_.Update(id, first, 1);
  store_.Update(id, second, 1);
  EXPECT_EQ(store_.SeriesCount(id), 2u);
}

TEST_F(MetricStoreTest, NegativeCounterIncrementIsRefused) {
  auto id = store_.Add({"refunds_total", "", MetricSpec::Kind::kCounter, {}, {}, 0});
  EXPECT_EQ(store_.Update(id, {}, -3), MetricStore::UpdateStatus::kNegative);
  EXPECT_EQ(store_.Update(id, {}, 2), MetricStore::UpdateStatus::kOk);
  EXPECT_THAT(Text(), HasSubstr("refunds_total 2\n"));
}

TEST_F(MetricStoreTest, GaugeKeepsLastValue) {
  auto id = store_.Add({"queue_depth", "", MetricSpec::Kind::kGauge, {"queue"}, {}, 0});
  std::array<std::string_view, 1> q = {"orders"};
  store_.Update(id, q, 7);
  store_.Update(id, q, -2);
  EXPECT_THAT(Text(), HasSubstr("queue_depth{queue=\"orders\"} -2\n"));
}

TEST_F(MetricStoreTest, HistogramUsesConfiguredBuckets) {
  auto id = store_.Add({"latency_seconds", "", MetricSpec::Kind::kHistogram, {}, {0.1, 1}, 0});
  store_.Update(id, {}, 0.05);
  store_.Update(id, {}, 0.5);
  store_.Update(id, {}, 3);
  std::string text = Text();
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{le=\"0.1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{le=\"1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_count 3\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_sum 3.55\n"));
}

TEST_F(MetricStoreTest, BudgetFoldsNewLabelSetsIntoOverflowAndCountsThem) {
  auto id = store_.Add({"by_user_total", "", MetricSpec::Kind::kCounter, {"user"}, {}, 2});
  for (std::string_view user : {"u1", "u2", "u3", "u4", "u1", "u3"}) {
    std::array<std::string_view, 1> v = {user};
    store_.Update(id, v, 1);
  }
  EXPECT_EQ(store_.SeriesCount(id), 2u);
  std::string text = Text();
  EXPECT_THAT(text, HasSubstr("by_user_total{user=\"u1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("by_user_total{user=\"u2\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("by_user_total{user=\"__overflow__\"} 3\n"));
  EXPECT_THAT(text, Not(HasSubstr("user=\"u3\"")));
  EXPECT_THAT(text, HasSubstr("bam_exporter_series_overflow_total{metric=\"by_user_total\"} 3\n"));
}

TEST_F(MetricStoreTest, SelfMetricsStartAtZeroForEveryReason) {
  SourceStats stats = self_.RegisterSource("shop");
  stats.lines_read->Increment();
  stats.Reject(RejectReason::kParseError);
  std::string text = Text();
  EXPECT_THAT(text, HasSubstr("bam_exporter_lines_read_total{source=\"shop\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr("bam_exporter_lines_rejected_total{reason=\"parse_error\",source=\"shop\"} 1\n"));
  EXPECT_THAT(
      text,
      HasSubstr("bam_exporter_lines_rejected_total{reason=\"too_long\",source=\"shop\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("bam_exporter_build_info{version=\"test\"} 1\n"));
}

TEST_F(MetricStoreTest, ConcurrentUpdatesFromSeveralSourcesAreAllCounted) {
  auto id = store_.Add({"hits_total", "", MetricSpec::Kind::kCounter, {"user"}, {}, 50});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        std::string user = "u" + std::to_string((i + t) % 100);  // 100 users, budget 50
        std::array<std::string_view, 1> v = {user};
        store_.Update(id, v, 1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(store_.SeriesCount(id), 50u);
  double total = 0;
  for (const auto& family : registry_.Collect()) {
    if (family.name != "hits_total") continue;
    for (const auto& m : family.metric) total += m.counter.value;
  }
  EXPECT_EQ(total, 80000);
}

TEST_F(MetricStoreTest, ExpireRemovesIdleSeriesAndFreesTheirBudget) {
  int64_t now = 1'000'000;
  store_.set_clock([&now] { return now; });
  MetricSpec spec{"sessions_total", "", MetricSpec::Kind::kCounter, {"user"}, {}, 2};
  spec.expire_after_ms = 60'000;
  auto id = store_.Add(spec);
  auto hit = [&](std::string_view user) {
    std::array<std::string_view, 1> v = {user};
    store_.Update(id, v, 1);
  };
  hit("u1");
  hit("u2");
  now += 30'000;
  hit("u1");           // u1 active, u2 idle for 30 s
  store_.Expire(now);  // nothing is 60 s idle yet
  EXPECT_EQ(store_.SeriesCount(id), 2u);
  now += 40'000;  // u2 idle 70 s, u1 idle 40 s
  store_.Expire(now);
  EXPECT_EQ(store_.SeriesCount(id), 1u);
  std::string text = Text();
  EXPECT_THAT(text, HasSubstr("sessions_total{user=\"u1\"} 2\n"));
  EXPECT_THAT(text, Not(HasSubstr("user=\"u2\"")));
  hit("u3");  // u2's place in the budget is free again: no overflow
  EXPECT_THAT(Text(), HasSubstr("sessions_total{user=\"u3\"} 1\n"));
  EXPECT_THAT(Text(), HasSubstr("bam_exporter_series_overflow_total{metric=\"sessions_total\"} 0"));
}

TEST_F(MetricStoreTest, SeriesWithoutExpireAfterStay) {
  int64_t now = 0;
  store_.set_clock([&now] { return now; });
  auto id = store_.Add({"orders_total", "", MetricSpec::Kind::kCounter, {"region"}, {}, 0});
  std::array<std::string_view, 1> v = {"eu"};
  store_.Update(id, v, 1);
  now += 365LL * 24 * 3600 * 1000;
  store_.Expire(now);
  EXPECT_EQ(store_.SeriesCount(id), 1u);
}

TEST(SerializeTextTest, SeriesAreSortedByLabels) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildCounter().Name("x_total").Help("h").Register(registry);
  family.Add({{"k", "c"}}).Increment();
  family.Add({{"k", "a"}}).Increment();
  family.Add({{"k", "b"}}).Increment();
  std::string text = SerializeText(registry);
  auto a = text.find("k=\"a\""), b = text.find("k=\"b\""), c = text.find("k=\"c\"");
  ASSERT_NE(a, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

}  // namespace
}  // namespace bam::exporter
