#include "loggen/curves.h"

#include "loggen/civil_time.h"

namespace bam::loggen {
namespace {

// Traffic by hour of the day, 1.0 at the 20:00 peak, trough 0.15 at 04:00.
constexpr double kHourly[25] = {0.45, 0.30, 0.21, 0.16, 0.15, 0.18, 0.30, 0.48, 0.62,
                                0.70, 0.74, 0.78, 0.85, 0.82, 0.75, 0.73, 0.75, 0.80,
                                0.88, 0.96, 1.00, 0.97, 0.82, 0.63, 0.45};
// Monday … Sunday.
constexpr double kWeekly[7] = {0.93, 1.00, 1.00, 0.99, 0.95, 1.02, 1.10};

double RawFactor(int64_t ts_ms) {
  int64_t in_day = MsOfDay(ts_ms);
  int dow = DayOfWeek(ts_ms);
  double f = DailyFactor(in_day) * kWeekly[dow];
  double hour = static_cast<double>(in_day) / kHourMs;
  if (dow == 0 && hour >= 6 && hour < 12) f *= 0.82;   // Monday-morning dip
  if (dow >= 5 && hour >= 10 && hour < 17) f *= 1.12;  // weekend daytime browsing
  return f;
}

double WeeklyMean() {
  double sum = 0;
  int n = 0;
  for (int64_t t = 4 * kDayMs; t < 11 * kDayMs; t += 5 * kMinuteMs, ++n)
    sum += RawFactor(t);  // Mon..Sun
  return sum / n;
}

}  // namespace

double DailyFactor(int64_t ms_of_day) {
  int h = static_cast<int>(ms_of_day / kHourMs);
  double frac = static_cast<double>(ms_of_day % kHourMs) / kHourMs;
  return kHourly[h] + (kHourly[h + 1] - kHourly[h]) * frac;
}

double TrafficFactor(int64_t ts_ms) {
  static const double kMean = WeeklyMean();
  return RawFactor(ts_ms) / kMean;
}

double MobileShare(int64_t ts_ms) {
  double hour = static_cast<double>(MsOfDay(ts_ms)) / kHourMs;
  double share = (hour >= 18 || hour < 1) ? 0.58 : (hour >= 9 && hour < 17 ? 0.38 : 0.48);
  if (DayOfWeek(ts_ms) >= 5) share += 0.07;
  return share;
}

}  // namespace bam::loggen
