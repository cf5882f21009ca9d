#include "rulesvc/enrich/impact.h"

#include <nlohmann/json.hpp>

namespace bam::rulesvc::enrich {
namespace {

using nlohmann::json;

template <typename T>
json Opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

json ImpactToJson(const Impact& impact) {
  json j = json::object();
  j["revenue_lost_per_hour"] = Opt(impact.revenue_lost_per_hour);
  j["revenue_lost_since_start"] = Opt(impact.revenue_lost_since_start);
  j["orders_affected"] = Opt(impact.orders_affected);
  j["customers_affected"] = Opt(impact.customers_affected);
  j["baseline"] = Opt(impact.baseline);
  j["baseline_kind"] = impact.baseline_kind;
  j["revenue_per_hour"] = Opt(impact.revenue_per_hour);
  j["revenue_since_start"] = Opt(impact.revenue_since_start);
  j["expected_revenue_since_start"] = Opt(impact.expected_revenue_since_start);
  j["orders_since_start"] = Opt(impact.orders_since_start);
  j["expected_orders_since_start"] = Opt(impact.expected_orders_since_start);
  json weeks = json::array();
  for (const PastWeek& w : impact.past_weeks) {
    weeks.push_back({{"weeks_ago", w.weeks_ago},
                     {"value", Opt(w.value)},
                     {"beyond_threshold", Opt(w.beyond_threshold)}});
  }
  j["past_weeks"] = std::move(weeks);
  j["threshold"] = impact.threshold
                       ? json{{"op", impact.threshold_op}, {"value", *impact.threshold}}
                       : json(nullptr);
  j["past_weeks_beyond_threshold"] = Opt(impact.past_weeks_beyond_threshold);
  json deployments = json::array();
  for (const Deployment& d : impact.deployments) {
    deployments.push_back({{"service", d.service}, {"count", d.count}});
  }
  j["deployments"] = std::move(deployments);
  j["traffic"] = {{"per_hour", Opt(impact.traffic_per_hour)},
                  {"last_week", Opt(impact.traffic_per_hour_last_week)},
                  {"change_percent", Opt(impact.traffic_change_percent)}};
  j["evaluated_at"] = impact.evaluated_at_ms;
  j["unavailable"] = Opt(impact.unavailable);
  j["errors"] = impact.errors;
  return j;
}

}  // namespace bam::rulesvc::enrich
