#include "rulesvc/store/event_from_webhook.h"

#include <nlohmann/json.hpp>

namespace bam::rulesvc {
namespace {

std::string Get(const LabelMap& labels, const char* name) {
  const auto it = labels.find(name);
  return it == labels.end() ? std::string() : it->second;
}

std::string ToJson(const LabelMap& m) {
  // nlohmann::json objects are std::map-backed: keys come out sorted. Invalid UTF-8 is replaced
  // rather than thrown on (labels come from outside).
  return nlohmann::json(m).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

EventRecord MakeEventRecord(const WebhookMessage& message, const AlertEvent& alert,
                            int64_t received_at_ms) {
  EventRecord e;
  e.group_key = message.group_key;
  e.fingerprint = alert.fingerprint;
  e.starts_at_ms = alert.starts_at_ms;
  e.ends_at_ms = alert.ends_at_ms;
  e.status = AlertStatusName(alert.status);
  e.alertname = Get(alert.labels, "alertname");
  e.bam_rule_id = Get(alert.labels, "bam_rule_id");
  e.severity = Get(alert.labels, "severity");
  e.labels_json = ToJson(alert.labels);
  e.annotations_json = ToJson(alert.annotations);
  e.received_at_ms = received_at_ms;
  e.enrichment_reason = "pending";
  return e;
}

}  // namespace bam::rulesvc
