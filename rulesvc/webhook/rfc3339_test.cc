#include "rulesvc/webhook/rfc3339.h"

#include <gtest/gtest.h>

namespace bam::rulesvc {
namespace {

int64_t Ms(std::string_view s) {
  const auto r = ParseRfc3339Millis(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  return r.ok() ? *r : 0;
}

std::string Err(std::string_view s) {
  const auto r = ParseRfc3339Millis(s);
  EXPECT_FALSE(r.ok()) << s;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

// Expected values computed with Python's datetime.fromisoformat (an independent oracle).
TEST(Rfc3339Test, ParsesAlertmanagerTimes) {
  EXPECT_EQ(Ms("2026-11-21T22:13:59.305154269Z"), 1795299239305);
  EXPECT_EQ(Ms("2026-11-21T22:14:06Z"), 1795299246000);
  EXPECT_EQ(Ms("2018-03-07T06:33:21.873077559-05:00"), 1520422401873);
  EXPECT_EQ(Ms("2021-03-30T20:17:50.814674209+08:00"), 1617106670814);
}

TEST(Rfc3339Test, EpochAndNeighbours) {
  EXPECT_EQ(Ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Ms("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_EQ(Ms("1970-01-01T00:00:00.001Z"), 1);
  EXPECT_EQ(Ms("1970-01-01T01:00:00+01:00"), 0);
}

TEST(Rfc3339Test, GoZeroTimeAndYearBounds) {
  EXPECT_EQ(Ms(kGoZeroTime), kGoZeroTimeMillis);
  EXPECT_EQ(Ms("9999-12-31T23:59:59.999Z"), 253402300799999);
}

TEST(Rfc3339Test, FractionIsTruncatedNotRounded) {
  EXPECT_EQ(Ms("2000-02-29T23:59:59.9999Z"), 951868799999);
  EXPECT_EQ(Ms("2000-02-29T23:59:59.5Z"), 951868799500);
  EXPECT_EQ(Ms("2000-02-29T23:59:59.05Z"), 951868799050);
  EXPECT_EQ(Ms("2000-02-29T23:59:59.123456789Z"), 951868799123);
}

TEST(Rfc3339Test, OffsetsCrossDayAndYear) {
  EXPECT_EQ(Ms("2024-01-01T00:30:00+14:00"), 1704018600000);
  EXPECT_EQ(Ms("2023-12-31T23:30:00-00:30"), Ms("2024-01-01T00:00:00Z"));
  EXPECT_EQ(Ms("2024-03-01T05:30:00+05:30"), Ms("2024-03-01T00:00:00Z"));
}

TEST(Rfc3339Test, LowerCaseSeparatorsAreAccepted) { EXPECT_EQ(Ms("1970-01-01t00:00:01z"), 1000); }

TEST(Rfc3339Test, LeapYears) {
  EXPECT_EQ(Ms("2000-03-01T00:00:00Z") - Ms("2000-02-28T00:00:00Z"), 2 * 86400000);
  EXPECT_EQ(Ms("1900-03-01T00:00:00Z") - Ms("1900-02-28T00:00:00Z"), 1 * 86400000);
  EXPECT_EQ(Err("1900-02-29T00:00:00Z"),
            "invalid RFC 3339 time \"1900-02-29T00:00:00Z\": day out of range");
  EXPECT_EQ(Err("2023-02-29T00:00:00Z"),
            "invalid RFC 3339 time \"2023-02-29T00:00:00Z\": day out of range");
}

TEST(Rfc3339Test, RejectsMalformed) {
  EXPECT_EQ(Err(""), "invalid RFC 3339 time \"\": want YYYY-MM-DD date");
  EXPECT_EQ(Err("2021-3-01T00:00:00Z"),
            "invalid RFC 3339 time \"2021-3-01T00:00:00Z\": want YYYY-MM-DD date");
  EXPECT_EQ(Err("2021-03-01 00:00:00Z"),
            "invalid RFC 3339 time \"2021-03-01 00:00:00Z\": want 'T' after the date");
  EXPECT_EQ(Err("2021-03-01T00:00Z"),
            "invalid RFC 3339 time \"2021-03-01T00:00Z\": want HH:MM:SS time");
  EXPECT_EQ(Err("2021-03-01T00:00:00"),
            "invalid RFC 3339 time \"2021-03-01T00:00:00\": want 'Z' or an offset after the time");
  EXPECT_EQ(Err("2021-03-01T00:00:00.Z"),
            "invalid RFC 3339 time \"2021-03-01T00:00:00.Z\": want digits after '.'");
  EXPECT_EQ(
      Err("2021-03-01T00:00:00.1234567890Z"),
      "invalid RFC 3339 time \"2021-03-01T00:00:00.1234567890Z\": more than 9 fraction digits");
  EXPECT_EQ(Err("2021-03-01T00:00:00+0100"),
            "invalid RFC 3339 time \"2021-03-01T00:00:00+0100\": want offset as +HH:MM or -HH:MM");
  EXPECT_EQ(Err("2021-03-01T00:00:00Zx"),
            "invalid RFC 3339 time \"2021-03-01T00:00:00Zx\": trailing characters");
  EXPECT_EQ(Err("2021-13-01T00:00:00Z"),
            "invalid RFC 3339 time \"2021-13-01T00:00:00Z\": month out of range");
  EXPECT_EQ(Err("2021-00-01T00:00:00Z"),
            "invalid RFC 3339 time \"2021-00-01T00:00:00Z\": month out of range");
  EXPECT_EQ(Err("2021-04-31T00:00:00Z"),
            "invalid RFC 3339 time \"2021-04-31T00:00:00Z\": day out of range");
  EXPECT_EQ(Err("2021-04-30T24:00:00Z"),
            "invalid RFC 3339 time \"2021-04-30T24:00:00Z\": hour out of range");
  EXPECT_EQ(Err("2021-04-30T23:60:00Z"),
            "invalid RFC 3339 time \"2021-04-30T23:60:00Z\": minute out of range");
  EXPECT_EQ(Err("2016-12-31T23:59:60Z"),
            "invalid RFC 3339 time \"2016-12-31T23:59:60Z\": second out of range");
  EXPECT_EQ(Err("2021-04-30T23:00:00+24:00"),
            "invalid RFC 3339 time \"2021-04-30T23:00:00+24:00\": offset hour out of range");
  EXPECT_EQ(Err("2021-04-30T23:00:00+01:60"),
            "invalid RFC 3339 time \"2021-04-30T23:00:00+01:60\": offset minute out of range");
}

TEST(Rfc3339Test, FormatRoundTrips) {
  EXPECT_EQ(FormatRfc3339Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339Millis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatRfc3339Millis(kGoZeroTimeMillis), "0001-01-01T00:00:00.000Z");
  for (const int64_t ms : {int64_t{951868799999}, int64_t{1795299239305}, int64_t{-86400001},
                           int64_t{253402300799999}}) {
    EXPECT_EQ(Ms(FormatRfc3339Millis(ms)), ms);
  }
}

}  // namespace
}  // namespace bam::rulesvc
