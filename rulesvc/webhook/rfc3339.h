// RFC 3339 timestamps (as Alertmanager and Go's time.Time marshal them) to milliseconds since the
// Unix epoch. Pure functions; thread-safe.
#ifndef BAM_RULESVC_WEBHOOK_RFC3339_H_
#define BAM_RULESVC_WEBHOOK_RFC3339_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "rulesvc/webhook/status.h"

namespace bam::rulesvc {

// Go's zero time.Time, which Alertmanager sends as `endsAt` when an alert has no end.
inline constexpr std::string_view kGoZeroTime = "0001-01-01T00:00:00Z";
// kGoZeroTime in milliseconds since the epoch.
inline constexpr int64_t kGoZeroTimeMillis = -62135596800000;

// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`. 'T' and 'Z' may be lower case (RFC
// 3339 §5.6). The fraction has 1 to 9 digits and is truncated (not rounded) to milliseconds, so
// "…59.9999Z" stays in the same second. Calendar ranges are checked (Feb 29 only in leap years);
// second 60 (leap second) is refused, as Go's time.Parse does. Years 0000-9999.
// Returns milliseconds since 1970-01-01T00:00:00Z (negative before), or InvalidArgument with a
// message such as `invalid RFC 3339 time "2021-02-30T00:00:00Z": day out of range`.
StatusOr<int64_t> ParseRfc3339Millis(std::string_view text);

// Formats milliseconds since the epoch as UTC `YYYY-MM-DDTHH:MM:SS.mmmZ` (always 3 fraction
// digits). REQUIRES: the year is within 0000-9999.
std::string FormatRfc3339Millis(int64_t millis);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_WEBHOOK_RFC3339_H_
