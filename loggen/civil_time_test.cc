#include "loggen/civil_time.h"

#include <gtest/gtest.h>

namespace bam::loggen {
namespace {

TEST(CivilTimeTest, Rfc3339RoundTrips) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"2025-11-21T10:00:00Z", "2025-11-21T10:00:00.000Z"},
      {"2025-11-21T10:00:00.5Z", "2025-11-21T10:00:00.500Z"},
      {"2025-11-21T10:00:00.123456Z", "2025-11-21T10:00:00.123Z"},
      {"2025-11-21T12:30:00+02:30", "2025-11-21T10:00:00.000Z"},
      {"2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"},
      {"1970-01-02T00:00:00Z", "1970-01-02T00:00:00.000Z"},
  };
  for (const auto& c : cases) {
    auto ms = ParseRfc3339(c.in);
    ASSERT_TRUE(ms.has_value()) << c.in;
    EXPECT_EQ(FormatRfc3339(*ms), c.out) << c.in;
  }
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:01Z"), 1000);
}

TEST(CivilTimeTest, Rfc3339RejectsMalformed) {
  for (const char* bad :
       {"", "2025-11-21", "2025-13-01T00:00:00Z", "2025-11-21T10:00:00", "2025-11-21 10:00:00Z",
        "2025-11-21T10:00:00.Z", "2025-11-21T25:00:00Z", "2025-11-21T10:00:00Zjunk"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

TEST(CivilTimeTest, Durations) {
  EXPECT_EQ(*ParseDuration("30d"), 30 * kDayMs);
  EXPECT_EQ(*ParseDuration("1h30m"), 90 * kMinuteMs);
  EXPECT_EQ(*ParseDuration("250ms"), 250);
  EXPECT_EQ(*ParseDuration("2w"), 14 * kDayMs);
  for (const char* bad : {"", "10", "m", "5x", "-5m", "1h 30m"})
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
}

TEST(CivilTimeTest, DayOfWeekMondayIsZero) {
  EXPECT_EQ(DayOfWeek(*ParseRfc3339("2025-11-03T08:00:00Z")), 0);  // a Monday
  EXPECT_EQ(DayOfWeek(*ParseRfc3339("2025-11-09T23:59:59Z")), 6);
}

}  // namespace
}  // namespace bam::loggen
