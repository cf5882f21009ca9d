// ParseDuration: Prometheus-style durations ("250ms", "30s", "1h30m", "7d") to milliseconds, for
// config and catalog loaders. Pure function; thread-safe.
#ifndef BAM_COMMON_DURATION_H_
#define BAM_COMMON_DURATION_H_

#include <cstdint>
#include <string_view>

namespace bam {

// "30s" "5m" "1h30m" "24h" "7d" "2w" "250ms" -> milliseconds; units ms s m h d w, largest first,
// each at most once; integers only; "0" is 0. Returns false on a malformed duration or overflow
// (*millis untouched).
bool ParseDuration(std::string_view text, int64_t* millis);

}  // namespace bam

#endif  // BAM_COMMON_DURATION_H_
