// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (after Howard Hinnant's
// days_from_civil / civil_from_days), for every RFC 3339 parser and formatter of the project.
// Pure functions; thread-safe.
#ifndef BAM_COMMON_CIVIL_DAYS_H_
#define BAM_COMMON_CIVIL_DAYS_H_

#include <cstdint>

namespace bam {

// Days since 1970-01-01 of year `y`, month `m` (1-12), day `d` (1-31). No range check.
int64_t DaysFromCivil(int64_t y, int m, int d);

// The date of day `z` since 1970-01-01 (negative before).
void CivilFromDays(int64_t z, int64_t* y, int* m, int* d);

}  // namespace bam

#endif  // BAM_COMMON_CIVIL_DAYS_H_
