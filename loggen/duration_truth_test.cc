#include "loggen/duration_truth.h"

#include <gtest/gtest.h>

namespace bam::loggen {
namespace {

constexpr int64_t kHour = 3600 * 1000;

TEST(DurationTruthTest, PairsStartsAndEndsByKey) {
  DurationTruth t(72 * kHour, {600, 3600});
  t.Start(1, 0);
  t.Start(2, 1000);
  t.End(1, 300'000);           // 300 s: bucket 600
  t.End(2, 1000 + 3'600'001);  // 3600.001 s: only +Inf
  t.End(3, 4'000'000);         // never started: orphan
  EXPECT_EQ(t.completed(), 2u);
  EXPECT_EQ(t.sum_ms(), 300'000 + 3'600'001);
  EXPECT_EQ(t.orphans(), 1u);
  EXPECT_EQ(t.timeouts(), 0u);
  nlohmann::json j = t.ToJson();
  EXPECT_EQ(j["buckets"]["600"], 1);
  EXPECT_EQ(j["buckets"]["3600"], 1);
  EXPECT_EQ(j["buckets"]["+Inf"], 2);
  EXPECT_EQ(j["started"], 2);
  EXPECT_EQ(j["pending"], 0);
  EXPECT_EQ(j["timeout_s"], 72 * 3600);
  EXPECT_DOUBLE_EQ(j["sum_seconds"].get<double>(), 3900.001);
}

TEST(DurationTruthTest, BucketBoundIsInclusive) {
  DurationTruth t(kHour, {600});
  t.Start(1, 0);
  t.End(1, 600'000);
  EXPECT_EQ(t.ToJson()["buckets"]["600"], 1);
}

TEST(DurationTruthTest, FirstStartOfAPendingKeyIsKept) {
  DurationTruth t(kHour, {600});
  t.Start(1, 0);
  t.Start(1, 100'000);  // a retry: ignored
  t.End(1, 200'000);
  EXPECT_EQ(t.sum_ms(), 200'000);
  EXPECT_EQ(t.ToJson()["started"], 2);
}

TEST(DurationTruthTest, TimeoutWhenTimePassesStartPlusTimeout) {
  DurationTruth t(kHour, {600});
  t.Start(1, 0);
  t.Start(2, 0);
  t.End(1, kHour);  // exactly at the timeout: still completes
  t.Advance(kHour + 1);
  EXPECT_EQ(t.timeouts(), 1u);  // key 2
  t.End(2, kHour + 2);          // after its timeout: an orphan
  EXPECT_EQ(t.orphans(), 1u);
  EXPECT_EQ(t.completed(), 1u);
}

TEST(DurationTruthTest, CancelledStartsStayPendingUntilTheyTimeOut) {
  DurationTruth t(kHour, {600});
  t.Start(1, 0);
  t.Advance(1000);
  t.Cancelled(1);
  t.Cancelled(9);  // not pending: not counted
  nlohmann::json j = t.ToJson();
  EXPECT_EQ(j["cancelled"], 1);
  EXPECT_EQ(j["pending"], 1);
  EXPECT_EQ(j["evaluated_at"], "1970-01-01T00:00:01.000Z");
  t.Advance(kHour + 1);
  EXPECT_EQ(t.timeouts(), 1u);
  EXPECT_EQ(t.ToJson()["pending"], 0);
}

}  // namespace
}  // namespace bam::loggen
