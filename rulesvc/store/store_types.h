// Value types exchanged with AlertStore (alert_store.h): what the receiver records, what the
// outbox worker claims, what the REST API lists. All times are milliseconds since the Unix epoch.
// Value types; thread-compatible.
#ifndef BAM_RULESVC_STORE_STORE_TYPES_H_
#define BAM_RULESVC_STORE_STORE_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bam::rulesvc {

// One alert transition as received (event state). `status` is "firing" or "resolved".
struct EventRecord {
  std::string group_key;
  std::string fingerprint;
  int64_t starts_at_ms = 0;
  std::optional<int64_t> ends_at_ms = std::nullopt;  // nullopt: no end yet
  std::string status = "firing";
  std::string alertname;    // labels.alertname
  std::string bam_rule_id;  // labels.bam_rule_id; "" for alerts not from a BAM rule
  std::string severity;     // labels.severity
  std::string labels_json = "{}";
  std::string annotations_json = "{}";
  int64_t received_at_ms = 0;
  // Enrichment computed at firing time; nullopt with a reason ("pending", "prometheus timeout")
  // when unavailable. May be set later with AlertStore::SetEnrichment.
  std::optional<std::string> enrichment_json = std::nullopt;
  std::string enrichment_reason;
};

// A notification to enqueue for an event: the rendered message for one channel.
struct NotificationRequest {
  std::string channel;  // channel name from the configuration
  std::string payload;  // JSON or text, as the channel will send it
};

struct RecordResult {
  bool inserted = false;  // false: this (group_key, fingerprint, starts_at, status) was known
  int64_t event_id = 0;   // the new or the existing event
  int64_t alert_id = 0;
  std::vector<int64_t> outbox_ids;  // empty when !inserted: nothing is enqueued twice
};

struct StoredEvent {
  int64_t id = 0;
  int64_t alert_id = 0;
  EventRecord record;
};

// One incident: an alert fingerprint from one startsAt. Event-derived fields follow the events;
// user state (read, treated, comments) is written only through the API.
struct AlertRecord {
  int64_t id = 0;
  std::string fingerprint;
  int64_t starts_at_ms = 0;
  std::optional<int64_t> ends_at_ms = std::nullopt;
  std::string status;  // "firing" until a resolved event arrives; then "resolved" for good
  std::string alertname;
  std::string bam_rule_id;
  std::string severity;
  std::string labels_json;
  std::string annotations_json;
  int64_t first_received_at_ms = 0;
  int64_t last_event_at_ms = 0;
  std::optional<std::string> enrichment_json =
      std::nullopt;  // of the first firing event, when known
  // User state.
  bool read = false;
  bool treated = false;
  int64_t comment_count = 0;
};

struct Comment {
  int64_t id = 0;
  int64_t alert_id = 0;
  std::string author;
  int64_t created_at_ms = 0;
  std::string text;
};

// Filters for ListAlerts; every unset field matches everything.
struct AlertFilter {
  std::optional<std::string> severity = std::nullopt;
  std::optional<std::string> status = std::nullopt;     // "firing" or "resolved"
  std::optional<std::string> alertname = std::nullopt;  // "type" in the API
  std::optional<std::string> bam_rule_id = std::nullopt;
  std::optional<bool> read = std::nullopt;
  std::optional<bool> treated = std::nullopt;
  std::optional<int64_t> from_ms = std::nullopt;  // starts_at >= from
  std::optional<int64_t> to_ms = std::nullopt;    // starts_at < to
  int64_t offset = 0;                             // REQUIRES: >= 0
  int64_t limit = 50;                             // REQUIRES: 1..1000
};

struct AlertPage {
  std::vector<AlertRecord> alerts;  // newest starts_at first, then highest id
  int64_t total = 0;                // matches before paging
};

// PATCH /bam/alerts/{id}: unset fields are left as they are.
struct AlertPatch {
  std::optional<bool> read = std::nullopt;
  std::optional<bool> treated = std::nullopt;
};

enum class OutboxState { kPending, kDelivered, kDead };
// "pending", "delivered", "dead".
const char* OutboxStateName(OutboxState s);

struct OutboxItem {
  int64_t id = 0;
  int64_t event_id = 0;
  std::string channel;
  std::string payload;
  int64_t created_at_ms = 0;
  int attempts = 0;  // attempts started, including the one this claim starts
  int64_t next_attempt_at_ms = 0;
  std::string last_error;
  OutboxState state = OutboxState::kPending;
};

struct OutboxCounts {
  int64_t pending = 0;
  int64_t delivered = 0;
  int64_t dead = 0;
};

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_STORE_STORE_TYPES_H_
