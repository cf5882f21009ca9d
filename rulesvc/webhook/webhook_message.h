// WebhookMessage: one Alertmanager webhook notification (payload version 4), the value type the
// receiver hands to the store and enrichment. Parsed by ParseWebhook (webhook_parser.h).
// Value types; thread-compatible.
#ifndef BAM_RULESVC_WEBHOOK_WEBHOOK_MESSAGE_H_
#define BAM_RULESVC_WEBHOOK_WEBHOOK_MESSAGE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bam::rulesvc {

using LabelMap = std::map<std::string, std::string>;  // sorted by name

enum class AlertStatus { kFiring, kResolved };

// "firing" or "resolved".
const char* AlertStatusName(AlertStatus s);

// Which system produced the payload. Grafana-managed alerting posts the Alertmanager shape with
// `version: "1"` and extra fields (orgId, state, title, message, values...); see ParseWebhook.
enum class PayloadOrigin { kAlertmanager, kGrafana };

// One alert of the group, at one transition.
struct AlertEvent {
  AlertStatus status = AlertStatus::kFiring;
  LabelMap labels;
  LabelMap annotations;
  int64_t starts_at_ms = 0;           // ms since epoch; always present (required)
  std::optional<int64_t> ends_at_ms;  // nullopt: missing or Go's zero time (no end yet)
  std::string generator_url;          // "" when missing
  std::string fingerprint;            // from the payload, or LabelsFingerprint(labels)
  bool fingerprint_computed = false;  // true when the payload had none
};

struct WebhookMessage {
  PayloadOrigin origin = PayloadOrigin::kAlertmanager;
  std::string version = "4";                  // as sent; "4" when missing
  std::string group_key;                      // "" when missing
  int64_t truncated_alerts = 0;               // alerts Alertmanager left out (max_alerts)
  AlertStatus status = AlertStatus::kFiring;  // group status; "firing" when missing
  std::string receiver;
  LabelMap group_labels;
  LabelMap common_labels;
  LabelMap common_annotations;
  std::string external_url;
  std::vector<AlertEvent> alerts;  // in payload order; may be empty
};

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_WEBHOOK_WEBHOOK_MESSAGE_H_
