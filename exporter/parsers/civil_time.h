// Proleptic Gregorian calendar arithmetic for timestamp parsing (internal to parsers/).
//
// Pure constexpr functions: no time zone database, no locale, no allocation.
// Thread-safe: stateless.
#ifndef BAM_EXPORTER_PARSERS_CIVIL_TIME_H_
#define BAM_EXPORTER_PARSERS_CIVIL_TIME_H_

#include <cstdint>

namespace bam::exporter::civil {

constexpr bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// REQUIRES: 1 <= m <= 12.
constexpr int DaysInMonth(int64_t y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of the date y-m-d. Counts in 400-year eras of 146097 days whose years
// start on March 1st, so that the leap day is the last day of a year and needs no special case.
// REQUIRES: 1 <= m <= 12, 1 <= d <= 31.
constexpr int64_t DaysFromCivil(int64_t y, int m, int d) {
  const int64_t year = m <= 2 ? y - 1 : y;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;   // [0, 399]
  const int64_t month_from_march = (m + 9) % 12;  // March = 0 ... February = 11
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1;  // [0, 365]
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;  // [0, 146096]
  return era * 146097 + day_of_era - 719468;  // 719468: days from 0000-03-01 to 1970-01-01
}

static_assert(DaysFromCivil(1970, 1, 1) == 0);
static_assert(DaysFromCivil(2000, 3, 1) == 11017);
static_assert(DaysFromCivil(1969, 12, 31) == -1);

}  // namespace bam::exporter::civil

#endif  // BAM_EXPORTER_PARSERS_CIVIL_TIME_H_
