// Impact: what enrichment computed for one alert at firing time — revenue lost against a baseline,
// orders and customers affected, the KPI on the same weekday and hour of past weeks, and what else
// moved when the alert started. Every figure is optional; `unavailable` carries the reason when
// Prometheus did not answer. The formulas are in docs/rulesvc.md, "Enrichment".
//
// A plain value type; not thread-safe for concurrent mutation.
#ifndef BAM_RULESVC_ENRICH_IMPACT_H_
#define BAM_RULESVC_ENRICH_IMPACT_H_

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace bam::rulesvc::enrich {

// The KPI of the alert `weeks_ago` weeks before the alert's start, same weekday and time.
struct PastWeek {
  int weeks_ago = 0;
  std::optional<double> value;
  std::optional<bool> beyond_threshold;  // set when both the value and the threshold are known
};

// A service deployed around the alert's start.
struct Deployment {
  std::string service;
  int64_t count = 0;
};

struct Impact {
  // Set when Prometheus was unavailable (or the enrichment deadline passed): the reason. Figures
  // computed before that are kept.
  std::optional<std::string> unavailable;
  // Queries Prometheus rejected (a catalog/PromQL problem), one line each: "<figure>: <reason>".
  std::vector<std::string> errors;

  std::string baseline_kind;    // same_time_last_week | yesterday | avg_7d_same_hour
  int64_t evaluated_at_ms = 0;  // the query time used (now rounded down to the client's step)

  // Revenue (currency units).
  std::optional<double> revenue_per_hour;              // now
  std::optional<double> baseline;                      // baseline revenue per hour
  std::optional<double> revenue_lost_per_hour;         // max(0, baseline - now)
  std::optional<double> revenue_since_start;           // actual over [starts_at, now]
  std::optional<double> expected_revenue_since_start;  // baseline over the same span
  std::optional<double> revenue_lost_since_start;      // max(0, expected - actual)

  // Orders.
  std::optional<double> orders_since_start;
  std::optional<double> expected_orders_since_start;
  std::optional<int64_t> orders_affected;  // max(0, round(expected - actual))

  std::optional<int64_t> customers_affected;

  // The alert's KPI at the same weekday and time, 1..4 weeks before the start.
  std::optional<double> threshold;  // the alert's threshold, when known
  std::string threshold_op;         // "<", "<=", ">", ">=" ("" when unknown)
  std::vector<PastWeek> past_weeks;
  std::optional<int> past_weeks_beyond_threshold;  // how many known weeks breached it

  // What else moved at the start.
  std::vector<Deployment> deployments;               // sorted by service
  std::optional<double> traffic_per_hour;            // at starts_at
  std::optional<double> traffic_per_hour_last_week;  // at starts_at - 1w
  std::optional<double> traffic_change_percent;      // 100 * (now / last week - 1)
};

// The API's JSON (keys always present, null when absent):
//   {"revenue_lost_per_hour", "revenue_lost_since_start", "orders_affected", "customers_affected",
//    "baseline" (baseline revenue per hour), "baseline_kind", "revenue_per_hour",
//    "revenue_since_start", "expected_revenue_since_start", "orders_since_start",
//    "expected_orders_since_start", "past_weeks": [{"weeks_ago", "value", "beyond_threshold"}],
//    "threshold": null | {"op", "value"}, "past_weeks_beyond_threshold",
//    "deployments": [{"service", "count"}], "traffic": {"per_hour", "last_week", "change_percent"},
//    "evaluated_at" (Unix ms), "unavailable" (null | reason), "errors": [...]}
nlohmann::json ImpactToJson(const Impact& impact);

}  // namespace bam::rulesvc::enrich

#endif  // BAM_RULESVC_ENRICH_IMPACT_H_
