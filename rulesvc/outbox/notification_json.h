// The outbox payload format: a channels::Notification serialised as one JSON object, so the
// receiver stores the notification as rendered at event time and the outbox worker rebuilds it
// after a restart without re-querying anything.
//
// Format (version 1, compact, keys in this order; absent figures are null):
//   {"version": 1, "title": "...", "summary": "...", "severity": "critical",
//    "status": "firing"|"resolved", "rule_id": "...", "rule_name": "...", "kpi_name": "...",
//    "kpi_value": "88 %", "labels": {"k": "v", ...},
//    "impact": {"revenue_lost_per_hour": 15000.4|null, "revenue_lost_since_start": ...|null,
//               "orders_affected": 312|null, "customers_affected": 280|null, "baseline": "..."},
//    "links": {"dashboard": "...", "logs": "...", "runbook": "..."},
//    "starts_at_ms": 1795344120000, "ends_at_ms": null|<ms>, "locale": "fr-FR"|"en-US",
//    "currency": "EUR"}
// Times are milliseconds since the Unix epoch (sub-millisecond precision is dropped); doubles are
// printed in their shortest round-trip form, so FromJson(ToJson(n)) equals n field by field.
//
// Thread-safety: pure functions; thread-safe. Never throw.
#ifndef BAM_RULESVC_OUTBOX_NOTIFICATION_JSON_H_
#define BAM_RULESVC_OUTBOX_NOTIFICATION_JSON_H_

#include <string>

#include "rulesvc/channels/notification.h"
#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::outbox {

inline constexpr int kNotificationJsonVersion = 1;

// The payload to store in the outbox for `n` (valid UTF-8 expected in the strings; invalid bytes
// are replaced with U+FFFD rather than failing).
std::string NotificationToJson(const channels::Notification& n);

// Parses a payload written by NotificationToJson. kInvalidArgument (a permanent failure: the item
// can never be delivered) when the text is not JSON, not an object, has another version, lacks
// "title", "status" or "starts_at_ms", or holds a field of the wrong type or an unknown
// status/locale. Missing optional fields take Notification's defaults.
StatusOr<channels::Notification> NotificationFromJson(const std::string& json);

}  // namespace bam::rulesvc::outbox

#endif  // BAM_RULESVC_OUTBOX_NOTIFICATION_JSON_H_
