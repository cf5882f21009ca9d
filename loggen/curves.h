// Seasonality of the shop's traffic: a daily curve (night trough ~15% of the evening peak) times a
// weekly pattern (Monday-morning dip, busier Sunday evening), and the mobile share by hour. Pure
// functions over UTC time; thread-safe.
#ifndef BAM_LOGGEN_CURVES_H_
#define BAM_LOGGEN_CURVES_H_

#include <cstdint>

namespace bam::loggen {

// Relative traffic at an instant; its mean over a week is 1.
double TrafficFactor(int64_t ts_ms);

// Relative traffic of the daily curve alone, 1.0 at the evening peak.
double DailyFactor(int64_t ms_of_day);

// Probability that a session starting at `ts_ms` comes from the mobile app.
double MobileShare(int64_t ts_ms);

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_CURVES_H_
