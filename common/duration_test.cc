#include "common/duration.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace bam {
namespace {

struct DurationCase {
  const char* text;
  bool ok;
  int64_t millis;
};

TEST(ParseDurationTest, Table) {
  const DurationCase cases[] = {
      {"250ms", true, 250},
      {"30s", true, 30'000},
      {"5m", true, 300'000},
      {"24h", true, 86'400'000},
      {"7d", true, 604'800'000},
      {"2w", true, 1'209'600'000},
      {"1h30m", true, 5'400'000},
      {"1d2h3m4s5ms", true, 93'784'005},
      {"0", true, 0},
      {"0s", true, 0},
      {"", false, 0},
      {"5", false, 0},
      {"-5m", false, 0},
      {"1.5h", false, 0},
      {"5 m", false, 0},
      {"30m1h", false, 0},
      {"1h1h", false, 0},
      {"5min", false, 0},
      {"h", false, 0},
      {"9999999999999999999d", false, 0},
      {"106751991168d", false, 0},  // overflows int64 milliseconds
  };
  for (const DurationCase& c : cases) {
    int64_t ms = -1;
    EXPECT_EQ(ParseDuration(c.text, &ms), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(ms, c.millis) << c.text;
    }
  }
}

}  // namespace
}  // namespace bam
