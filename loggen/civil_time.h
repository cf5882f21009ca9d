// Time helpers for bam-loggen: RFC 3339 timestamps and durations as integer milliseconds since the
// Unix epoch. Pure functions; thread-safe.
#ifndef BAM_LOGGEN_CIVIL_TIME_H_
#define BAM_LOGGEN_CIVIL_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bam::loggen {

constexpr int64_t kSecondMs = 1000;
constexpr int64_t kMinuteMs = 60 * kSecondMs;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;

// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; fractions beyond milliseconds are truncated.
// Returns nullopt when the text is not such a timestamp or a field is out of range.
std::optional<int64_t> ParseRfc3339(std::string_view text);

// Writes exactly 24 characters `YYYY-MM-DDTHH:MM:SS.mmmZ` to `out` (no terminator). REQUIRES: ms >=
// 0.
void FormatRfc3339(int64_t ms, char* out);
std::string FormatRfc3339(int64_t ms);

// Parses a Go-style duration made of `<integer><unit>` parts, unit in ms|s|m|h|d|w: `30d`, `10m`,
// `1h30m`. Returns nullopt for anything else, including an empty text; zero is allowed.
std::optional<int64_t> ParseDuration(std::string_view text);

// Day of week of an instant, 0 = Monday … 6 = Sunday, and the millisecond within the UTC day.
int DayOfWeek(int64_t ms);
inline int64_t MsOfDay(int64_t ms) { return ((ms % kDayMs) + kDayMs) % kDayMs; }

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_CIVIL_TIME_H_
