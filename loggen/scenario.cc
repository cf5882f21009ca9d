#include "loggen/scenario.h"

#include <algorithm>

#include "common/diagnostic.h"
#include "loggen/civil_time.h"

namespace bam::loggen {

const std::vector<std::string>& ScenarioNames() {
  static const std::vector<std::string> kNames = {
      "payment_outage", "api_slowdown", "traffic_drop", "cancellation_surge",
      "fraud_burst",    "deployment",   "monday_dip"};
  return kNames;
}

std::string_view ScenarioName(ScenarioKind kind) { return ScenarioNames()[static_cast<int>(kind)]; }

std::optional<ScenarioSpec> ParseScenario(std::string_view text, std::string* error,
                                          std::string* hint) {
  size_t at = text.find('@');
  size_t slash = text.rfind('/');
  if (at == std::string_view::npos || slash == std::string_view::npos || slash < at) {
    *error = "expected NAME@TIME/DURATION";
    *hint = "payment_outage@2025-11-21T14:00:00Z/45m or payment_outage@+5m/10m";
    return std::nullopt;
  }
  std::string name(text.substr(0, at));
  const auto& names = ScenarioNames();
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) {
    *error = "unknown scenario \"" + name + "\"";
    std::string close = SuggestClosest(name, names);
    *hint = close.empty()
                ? "one of payment_outage, api_slowdown, traffic_drop, cancellation_surge, "
                  "fraud_burst, deployment, monday_dip"
                : close;
    return std::nullopt;
  }
  ScenarioSpec spec;
  spec.kind = static_cast<ScenarioKind>(it - names.begin());
  std::string_view when = text.substr(at + 1, slash - at - 1);
  std::string_view length = text.substr(slash + 1);
  if (!when.empty() && when[0] == '+') {
    auto offset = ParseDuration(when.substr(1));
    if (!offset) {
      *error = "bad offset \"" + std::string(when) + "\"";
      *hint = "+5m, +1h30m";
      return std::nullopt;
    }
    spec.relative = true;
    spec.at_ms = *offset;
  } else {
    auto ts = ParseRfc3339(when);
    if (!ts) {
      *error = "bad start time \"" + std::string(when) + "\"";
      *hint = "an RFC 3339 time such as 2025-11-21T14:00:00Z, or an offset such as +5m";
      return std::nullopt;
    }
    spec.at_ms = *ts;
  }
  auto duration = ParseDuration(length);
  if (!duration || *duration <= 0) {
    *error = "bad duration \"" + std::string(length) + "\"";
    *hint = "a positive duration such as 45m, 2h, 1d";
    return std::nullopt;
  }
  spec.duration_ms = *duration;
  return spec;
}

Effects ScenarioSet::At(int64_t ts_ms, int skip) const {
  Effects e;
  if (skip == kAllSkipped) return e;
  for (int i = 0; i < static_cast<int>(incidents_.size()); ++i) {
    const Incident& inc = incidents_[i];
    if (i == skip || ts_ms < inc.start_ms || ts_ms >= inc.end_ms) continue;
    switch (inc.kind) {
      case ScenarioKind::kPaymentOutage:
        e.payment_fail_extra += 0.08;  // ~96% -> ~88% of payment attempts succeed
        break;
      case ScenarioKind::kApiSlowdown:
        e.search_latency *= 8.0;  // product_search median ~140 ms -> ~1.1 s
        e.api_latency *= 1.6;
        e.cart_factor *= 0.6;
        break;
      case ScenarioKind::kTrafficDrop:
        e.traffic_keep *= 0.5;
        break;
      case ScenarioKind::kCancellationSurge:
        e.cancel_prob = std::max(e.cancel_prob, 0.25);
        break;
      case ScenarioKind::kFraudBurst:
        e.fraud_session_ratio += 0.08;
        break;
      case ScenarioKind::kDeployment:
        if (ts_ms >=
            inc.start_ms + kDeploymentLeadMs) {  // the release goes out, then things slow down
          e.search_latency *= 5.0;
          e.api_latency *= 2.5;
          e.cart_factor *= 0.8;
          e.server_error_extra += 0.02;
        }
        break;
      case ScenarioKind::kMondayDip:
        e.traffic_keep *= 0.65;
        break;
    }
  }
  return e;
}

void ScenarioSet::Overlapping(int64_t from_ms, int64_t to_ms, std::vector<int>* out) const {
  out->clear();
  for (int i = 0; i < static_cast<int>(incidents_.size()); ++i) {
    if (incidents_[i].start_ms < to_ms && from_ms < incidents_[i].end_ms) out->push_back(i);
  }
}

}  // namespace bam::loggen
