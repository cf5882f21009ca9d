#include "exporter/parsers/timestamp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "exporter/parsers/civil_time.h"

namespace bam::exporter {
namespace {

TimestampLayout MustParse(std::string_view layout) {
  TimestampLayout t;
  std::string error;
  EXPECT_TRUE(TimestampLayout::Parse(layout, &t, &error)) << layout << ": " << error;
  return t;
}

// Millis for a string value, or INT64_MIN when it does not parse.
int64_t Millis(const TimestampLayout& t, std::string_view s) {
  int64_t ms = 0;
  return t.ToUnixMillis(Value::String(s), &ms) ? ms : std::numeric_limits<int64_t>::min();
}

int64_t Millis(const TimestampLayout& t, double d) {
  int64_t ms = 0;
  return t.ToUnixMillis(Value::Number(d), &ms) ? ms : std::numeric_limits<int64_t>::min();
}

constexpr int64_t kFail = std::numeric_limits<int64_t>::min();

TEST(CivilTimeTest, DaysFromCivilCountsEveryDay) {
  int64_t expected = civil::DaysFromCivil(1600, 1, 1);
  for (int64_t y = 1600; y <= 2400; ++y) {
    for (int m = 1; m <= 12; ++m) {
      for (int d = 1; d <= civil::DaysInMonth(y, m); ++d) {
        ASSERT_EQ(civil::DaysFromCivil(y, m, d), expected) << y << "-" << m << "-" << d;
        ++expected;
      }
    }
  }
  EXPECT_EQ(civil::DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(civil::DaysFromCivil(2018, 3, 23), 17613);
  EXPECT_EQ(civil::DaysFromCivil(1, 1, 1), -719162);
}

TEST(TimestampTest, ParsesRfc3339WithZoneAndFraction) {
  const TimestampLayout t = MustParse("rfc3339");
  EXPECT_EQ(t.kind(), TimestampLayout::Kind::kRfc3339);
  EXPECT_EQ(Millis(t, "2018-03-23T12:31:01Z"), 1521808261000);
  EXPECT_EQ(Millis(t, "2010-04-08T20:43:27-07:00"), 1270784607000);
  EXPECT_EQ(Millis(t, "2019-01-22T03:56:14+03:30"), 1548116774000);
  EXPECT_EQ(Millis(t, "2016-12-26T09:28:48+00:00"), 1482744528000);
  EXPECT_EQ(Millis(t, "2021-09-15T21:17:10.220731Z"), 1631740630220);  // truncated, not rounded
  EXPECT_EQ(Millis(t, "2021-09-15T21:17:10.2Z"), 1631740630200);
  EXPECT_EQ(Millis(t, "2021-09-15T21:17:10.123456789012Z"), 1631740630123);
  EXPECT_EQ(Millis(t, "2021-09-15t21:17:10z"), 1631740630000);
  EXPECT_EQ(Millis(t, "2021-09-15 21:17:10+0000"), 1631740630000);
  EXPECT_EQ(Millis(t, "1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(Millis(t, "2024-02-29T23:59:59Z"), 1709251199000);
  EXPECT_EQ(Millis(t, "9999-12-31T23:59:59.999Z"), 253402300799999);
}

TEST(TimestampTest, RejectsMalformedRfc3339) {
  const TimestampLayout t = MustParse("rfc3339");
  for (const char* bad :
       {"", "2018-03-23", "2018-03-23T12:31:01", "2018-03-23T12:31:01.Z", "2018-3-23T12:31:01Z",
        "2018-13-01T00:00:00Z", "2018-00-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z", "2018-04-31T00:00:00Z", "2018-03-23T24:00:00Z",
        "2018-03-23T12:60:00Z", "2018-03-23T12:31:60Z", "2018-03-23T12:31:01+25:00",
        "2018-03-23T12:31:01Z ", " 2018-03-23T12:31:01Z", "2018-03-23T12:31:01+00",
        "2018-03-23X12:31:01Z", "23/Mar/2018:12:31:01 +0000"}) {
    EXPECT_EQ(Millis(t, bad), kFail) << bad;
  }
  EXPECT_EQ(Millis(t, 1521808261.0), kFail);  // a number is not an rfc3339 timestamp
  int64_t ms = 0;
  EXPECT_FALSE(t.ToUnixMillis(Value::Null(), &ms));
}

TEST(TimestampTest, ParsesUnixSecondsFromNumbersAndStrings) {
  const TimestampLayout t = MustParse("unix");
  EXPECT_EQ(t.kind(), TimestampLayout::Kind::kUnix);
  EXPECT_EQ(Millis(t, 1521808261.0), 1521808261000);
  EXPECT_EQ(Millis(t, 1521808261.123), 1521808261123);  // rounded to the nearest millisecond
  EXPECT_EQ(Millis(t, -1.5), -1500);
  EXPECT_EQ(Millis(t, "1521808261"), 1521808261000);
  EXPECT_EQ(Millis(t, "1521808261.5"), 1521808261500);
  EXPECT_EQ(Millis(t, "1521808261.123999"), 1521808261123);
  EXPECT_EQ(Millis(t, "-1.5"), -1500);
  EXPECT_EQ(Millis(t, "0"), 0);
  for (const char* bad :
       {"", "-", ".5", "1.", "1e9", "12a", " 1", "0x10", "+1", "1.2.3", "99999999999999999999"}) {
    EXPECT_EQ(Millis(t, bad), kFail) << bad;
  }
  EXPECT_EQ(Millis(t, std::nan("")), kFail);
  EXPECT_EQ(Millis(t, std::numeric_limits<double>::infinity()), kFail);
  EXPECT_EQ(Millis(t, 1e300), kFail);
  int64_t ms = 0;
  EXPECT_FALSE(t.ToUnixMillis(Value::Bool(true), &ms));
}

TEST(TimestampTest, ParsesUnixMillis) {
  const TimestampLayout t = MustParse("unix_ms");
  EXPECT_EQ(t.kind(), TimestampLayout::Kind::kUnixMs);
  EXPECT_EQ(Millis(t, 1521808261123.0), 1521808261123);
  EXPECT_EQ(Millis(t, "1521808261123"), 1521808261123);
  EXPECT_EQ(Millis(t, "1521808261123.9"), 1521808261123);
  EXPECT_EQ(Millis(t, "-5"), -5);
  EXPECT_EQ(Millis(t, "abc"), kFail);
  EXPECT_EQ(Millis(t, 1e19), kFail);
}

TEST(TimestampTest, ParsesApacheLayout) {
  const TimestampLayout t = MustParse("%d/%b/%Y:%H:%M:%S %z");
  EXPECT_EQ(t.kind(), TimestampLayout::Kind::kStrftime);
  EXPECT_EQ(Millis(t, "23/Mar/2018:12:31:01 +0000"), 1521808261000);
  EXPECT_EQ(Millis(t, "08/Apr/2010:20:43:27 -0700"), 1270784607000);
  EXPECT_EQ(Millis(t, "22/Jan/2019:03:56:14 +0330"), 1548116774000);
  EXPECT_EQ(Millis(t, "22/jan/2019:03:56:14 +03:30"), 1548116774000);
  EXPECT_EQ(Millis(t, "29/Feb/2024:23:59:59 Z"), 1709251199000);
  for (const char* bad : {"", "23/Mar/2018:12:31:01", "23/Mxr/2018:12:31:01 +0000",
                          "23/Mar/2018:12:31:01 +0000 trailing", "30/Feb/2018:12:31:01 +0000",
                          "23-Mar-2018:12:31:01 +0000", "23/Mar/18:12:31:01 +0000"}) {
    EXPECT_EQ(Millis(t, bad), kFail) << bad;
  }
}

TEST(TimestampTest, ParsesOtherStrftimeLayouts) {
  EXPECT_EQ(Millis(MustParse("%Y-%m-%d %H:%M:%S.%f"), "2018-03-23 12:31:01.5"), 1521808261500);
  EXPECT_EQ(Millis(MustParse("%Y-%m-%d %H:%M:%S,%f"), "2018-03-23 12:31:01,123456"), 1521808261123);
  EXPECT_EQ(Millis(MustParse("%Y%m%d"), "20180323"), 1521763200000);
  EXPECT_EQ(Millis(MustParse("%b %d %Y %H:%M:%S"), "Mar  5 2018 01:02:03"), 1520211723000);
  EXPECT_EQ(Millis(MustParse("%d %b %Y"), "23 March 2018"), 1521763200000);
  EXPECT_EQ(Millis(MustParse("100%% %Y"), "100% 2018"), 1514764800000);
  // Fields missing from the layout default to 1970-01-01T00:00:00Z.
  EXPECT_EQ(Millis(MustParse("%H:%M"), "01:02"), 3720000);
}

TEST(TimestampTest, RejectsUnknownLayoutsWithHints) {
  TimestampLayout t;
  std::string error;
  EXPECT_FALSE(TimestampLayout::Parse("iso8601", &t, &error));
  EXPECT_NE(error.find("unknown timestamp layout \"iso8601\""), std::string::npos) << error;
  EXPECT_NE(error.find("rfc3339"), std::string::npos) << error;

  EXPECT_FALSE(TimestampLayout::Parse("%Y-%j", &t, &error));
  EXPECT_NE(error.find("unsupported directive %j"), std::string::npos) << error;
  EXPECT_NE(error.find("%Y %m %d"), std::string::npos) << error;

  EXPECT_FALSE(TimestampLayout::Parse("%Y %", &t, &error));
  EXPECT_NE(error.find("lone '%'"), std::string::npos) << error;

  EXPECT_FALSE(TimestampLayout::Parse("% Y", &t, &error));
  EXPECT_FALSE(TimestampLayout::Parse("", &t, &error));
  EXPECT_FALSE(TimestampLayout::Parse("RFC3339", &t, &error));
}

}  // namespace
}  // namespace bam::exporter
