// AlertStore: the rule service's durable state in one SQLite file under the state directory —
// alert events (event state), alerts with their user state (read, treated, comments), and the
// notification outbox.
//
// Durability: WAL journal with synchronous=FULL, so a call that returned OK survives a crash or a
// power loss; the receiver may answer 2xx once RecordEvent returned. Schema versioned in
// `schema_version` and migrated forward from empty on Open (migrations never edit old steps).
//
// Event state and user state are kept apart: events only ever insert rows into `alert_events`
// and update the event-derived columns of `alerts`; read/treated/comments change only through
// PatchAlert/AddComment. A re-fire or a resolve therefore never wipes user state.
//
// Errors are values: every method returns Status/StatusOr and never throws. SQLite "busy" or
// "full"/I/O errors are kUnavailable (retry later), bad arguments kInvalidArgument, unknown ids
// kNotFound, anything else kInternal.
//
// This class is thread-safe: one connection, every call serialised by an internal mutex.
// Only one AlertStore (one process) should open a given file at a time.
#ifndef BAM_RULESVC_STORE_ALERT_STORE_H_
#define BAM_RULESVC_STORE_ALERT_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rulesvc/store/store_types.h"
#include "rulesvc/webhook/status.h"

struct sqlite3;

namespace bam::rulesvc {

struct AlertStoreOptions {
  std::filesystem::path state_dir{};         // created if missing (one level); REQUIRES: non-empty
  std::string file_name = "bam-rulesvc.db";  // the database file inside state_dir
  int busy_timeout_ms = 5000;                // wait this long for a lock before kUnavailable
};

class AlertStore {
 public:
  // Schema version this build writes; Open refuses (kFailedPrecondition) a newer file.
  static constexpr int kSchemaVersion = 1;

  // Opens or creates the database and migrates it to kSchemaVersion.
  static StatusOr<std::unique_ptr<AlertStore>> Open(const AlertStoreOptions& options);
  ~AlertStore();
  AlertStore(const AlertStore&) = delete;
  AlertStore& operator=(const AlertStore&) = delete;

  // The database file's path.
  const std::filesystem::path& path() const { return path_; }
  // The schema version stored in the file.
  StatusOr<int> SchemaVersion();

  // --- Receiver -------------------------------------------------------------------------------

  // Records one transition and, in the same transaction, enqueues `notifications` (due at
  // event.received_at_ms). Idempotent on (group_key, fingerprint, starts_at, status): a repeat
  // (HA Alertmanager peer, sender retry) returns inserted=false with the existing event's ids and
  // enqueues nothing. Creates the alert (fingerprint, starts_at) on its first event; a resolved
  // event sets the alert's status and ends_at; a later firing event never reopens it.
  // REQUIRES: status is "firing" or "resolved"; fingerprint non-empty (else kInvalidArgument).
  StatusOr<RecordResult> RecordEvent(const EventRecord& event,
                                     const std::vector<NotificationRequest>& notifications = {});
  // True when RecordEvent already holds this (group_key, fingerprint, starts_at, status): lets the
  // receiver skip enrichment for a repeat. A false answer is only a hint (another request may
  // record it meanwhile); RecordEvent stays the one idempotent write.
  StatusOr<bool> HasEvent(const EventRecord& event);
  // Stores (or replaces) the enrichment of an event: json nullopt means unavailable, with reason.
  Status SetEnrichment(int64_t event_id, const std::optional<std::string>& json,
                       std::string_view reason);
  // Enqueues notifications for an existing event (for flows that enrich before notifying).
  StatusOr<std::vector<int64_t>> Enqueue(int64_t event_id,
                                         const std::vector<NotificationRequest>& notifications,
                                         int64_t now_ms);
  // Events of one alert, oldest first.
  StatusOr<std::vector<StoredEvent>> ListEvents(int64_t alert_id);

  // --- Outbox ---------------------------------------------------------------------------------

  // Claims up to `limit` pending items with next_attempt_at <= now, oldest due first: each one's
  // attempts is incremented and next_attempt_at set to now + lease_ms, so an item whose delivery
  // dies with the process (SIGKILL) becomes due again after the lease — at-least-once delivery.
  // The caller then calls exactly one of MarkDelivered / MarkFailed / MarkDead per item.
  // REQUIRES: limit > 0, lease_ms > 0.
  StatusOr<std::vector<OutboxItem>> ClaimDue(int64_t now_ms, int limit, int64_t lease_ms);
  // pending -> delivered. kNotFound for an unknown id, kFailedPrecondition if not pending.
  Status MarkDelivered(int64_t id, int64_t now_ms);
  // Stays pending; retried at next_attempt_at (see BackoffDelay in backoff.h).
  Status MarkFailed(int64_t id, int64_t next_attempt_at_ms, std::string_view error);
  // pending -> dead (dead letter); kept for inspection, never claimed again.
  Status MarkDead(int64_t id, std::string_view error);
  StatusOr<OutboxItem> GetOutboxItem(int64_t id);
  StatusOr<OutboxCounts> CountOutbox();

  // --- API ------------------------------------------------------------------------------------

  StatusOr<AlertPage> ListAlerts(const AlertFilter& filter);
  // kNotFound for an unknown id.
  StatusOr<AlertRecord> GetAlert(int64_t id);
  // Applies the set fields; returns the updated alert. kNotFound for an unknown id.
  StatusOr<AlertRecord> PatchAlert(int64_t id, const AlertPatch& patch);
  // REQUIRES: author and text non-empty (else kInvalidArgument). kNotFound for an unknown alert.
  StatusOr<Comment> AddComment(int64_t alert_id, std::string_view author, std::string_view text,
                               int64_t now_ms);
  // Oldest first.
  StatusOr<std::vector<Comment>> ListComments(int64_t alert_id);

 private:
  AlertStore(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  StatusOr<std::pair<int64_t, int64_t>> FindEventLocked(const EventRecord& e);

  std::mutex mu_;
  sqlite3* const db_;  // owned; closed in the destructor
  const std::filesystem::path path_;
};

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_STORE_ALERT_STORE_H_
