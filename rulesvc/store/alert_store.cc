#include "rulesvc/store/alert_store.h"

#include <sqlite3.h>

#include <system_error>
#include <utility>

#include "rulesvc/store/schema.h"
#include "rulesvc/store/sqlite_util.h"

namespace bam::rulesvc {
namespace {

using sqlite::Stmt;
using sqlite::Transaction;

#define BAM_RETURN_IF_ERROR(expr) \
  do {                            \
    Status _st = (expr);          \
    if (!_st.ok()) return _st;    \
  } while (false)

constexpr const char* kAlertColumns =
    "a.id, a.fingerprint, a.starts_at, a.ends_at, a.status, a.alertname, a.bam_rule_id, "
    "a.severity, a.labels_json, a.annotations_json, a.first_received_at, a.last_event_at, "
    "(SELECT e.enrichment_json FROM alert_events e WHERE e.alert_id = a.id AND "
    "e.status = 'firing' ORDER BY e.id LIMIT 1), a.read, a.treated, "
    "(SELECT COUNT(*) FROM comments c WHERE c.alert_id = a.id)";

AlertRecord ReadAlert(const Stmt& s) {
  AlertRecord a;
  a.id = s.Int(0);
  a.fingerprint = s.Text(1);
  a.starts_at_ms = s.Int(2);
  a.ends_at_ms = s.OptInt(3);
  a.status = s.Text(4);
  a.alertname = s.Text(5);
  a.bam_rule_id = s.Text(6);
  a.severity = s.Text(7);
  a.labels_json = s.Text(8);
  a.annotations_json = s.Text(9);
  a.first_received_at_ms = s.Int(10);
  a.last_event_at_ms = s.Int(11);
  a.enrichment_json = s.OptText(12);
  a.read = s.Int(13) != 0;
  a.treated = s.Int(14) != 0;
  a.comment_count = s.Int(15);
  return a;
}

constexpr const char* kOutboxColumns =
    "id, event_id, channel, payload, created_at, attempts, next_attempt_at, last_error, state";

OutboxItem ReadOutbox(const Stmt& s) {
  OutboxItem o;
  o.id = s.Int(0);
  o.event_id = s.Int(1);
  o.channel = s.Text(2);
  o.payload = s.Text(3);
  o.created_at_ms = s.Int(4);
  o.attempts = static_cast<int>(s.Int(5));
  o.next_attempt_at_ms = s.Int(6);
  o.last_error = s.Text(7);
  const std::string state = s.Text(8);
  o.state = state == "delivered" ? OutboxState::kDelivered
            : state == "dead"    ? OutboxState::kDead
                                 : OutboxState::kPending;
  return o;
}

Status ReadSchemaVersion(sqlite3* db, int* version) {
  *version = 0;
  Stmt s(db, "SELECT MAX(version) FROM schema_version");
  bool row = false;
  BAM_RETURN_IF_ERROR(s.Step(&row));
  if (row) *version = static_cast<int>(s.OptInt(0).value_or(0));
  return {};
}

Status Migrate(sqlite3* db) {
  BAM_RETURN_IF_ERROR(
      sqlite::Exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  int version = 0;
  BAM_RETURN_IF_ERROR(ReadSchemaVersion(db, &version));
  if (version > AlertStore::kSchemaVersion) {
    return Status::FailedPrecondition("database schema version " + std::to_string(version) +
                                      " is newer than this build's " +
                                      std::to_string(AlertStore::kSchemaVersion));
  }
  for (int v = version; v < AlertStore::kSchemaVersion; ++v) {
    Transaction tx(db);
    BAM_RETURN_IF_ERROR(tx.status());
    if (Status s = sqlite::Exec(db, kMigrations[static_cast<size_t>(v)]); !s.ok()) {
      return Status(s.code(),
                    "migration to schema version " + std::to_string(v + 1) + ": " + s.message());
    }
    BAM_RETURN_IF_ERROR(sqlite::Exec(db, "DELETE FROM schema_version"));
    Stmt ins(db, "INSERT INTO schema_version (version) VALUES (?)");
    BAM_RETURN_IF_ERROR(ins.Bind(1, int64_t{v + 1}).Run());
    BAM_RETURN_IF_ERROR(tx.Commit());
  }
  return {};
}

Status InsertOutbox(sqlite3* db, int64_t event_id,
                    const std::vector<NotificationRequest>& notifications, int64_t now_ms,
                    std::vector<int64_t>* ids) {
  for (const NotificationRequest& n : notifications) {
    if (n.channel.empty()) return Status::InvalidArgument("notification channel is empty");
    Stmt s(db,
           "INSERT INTO outbox (event_id, channel, payload, created_at, next_attempt_at) "
           "VALUES (?, ?, ?, ?, ?)");
    BAM_RETURN_IF_ERROR(s.Bind(1, event_id)
                            .Bind(2, n.channel)
                            .Bind(3, n.payload)
                            .Bind(4, now_ms)
                            .Bind(5, now_ms)
                            .Run());
    ids->push_back(sqlite3_last_insert_rowid(db));
  }
  return {};
}

bool Exists(sqlite3* db, const char* table, int64_t id, Status* error) {
  Stmt s(db, std::string("SELECT 1 FROM ") + table + " WHERE id = ?");
  bool row = false;
  *error = s.Bind(1, id).Step(&row);
  return row;
}

// Maps "0 rows changed" of an outbox transition to NotFound or FailedPrecondition.
Status OutboxTransitionMiss(sqlite3* db, int64_t id, const char* op) {
  Status err;
  if (!Exists(db, "outbox", id, &err)) {
    return err.ok() ? Status::NotFound("outbox item " + std::to_string(id) + " not found") : err;
  }
  return Status::FailedPrecondition(std::string(op) + ": outbox item " + std::to_string(id) +
                                    " is not pending");
}

}  // namespace

const char* OutboxStateName(OutboxState s) {
  switch (s) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kDelivered:
      return "delivered";
    case OutboxState::kDead:
      return "dead";
  }
  return "pending";
}

StatusOr<std::unique_ptr<AlertStore>> AlertStore::Open(const AlertStoreOptions& options) {
  if (options.state_dir.empty()) return Status::InvalidArgument("state_dir: empty");
  std::error_code ec;
  std::filesystem::create_directory(options.state_dir, ec);
  if (ec) {
    return Status::Unavailable("state_dir " + options.state_dir.string() + ": " + ec.message());
  }
  std::filesystem::path path = options.state_dir / options.file_name;
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = sqlite::Error(db, rc, "open " + path.string());
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<AlertStore> store(new AlertStore(db, std::move(path)));
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  {
    Stmt wal(db, "PRAGMA journal_mode=WAL");
    bool row = false;
    BAM_RETURN_IF_ERROR(wal.Step(&row));
    if (!row || wal.Text(0) != "wal") {
      return Status::Unavailable("cannot enable WAL journal on " + store->path_.string());
    }
  }
  BAM_RETURN_IF_ERROR(sqlite::Exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"));
  BAM_RETURN_IF_ERROR(Migrate(db));
  return store;
}

AlertStore::~AlertStore() { sqlite3_close(db_); }

StatusOr<int> AlertStore::SchemaVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  int v = 0;
  BAM_RETURN_IF_ERROR(ReadSchemaVersion(db_, &v));
  return v;
}

// The (event id, alert id) recorded for e's idempotency key, or {0, 0}. REQUIRES: mu_ held.
StatusOr<std::pair<int64_t, int64_t>> AlertStore::FindEventLocked(const EventRecord& e) {
  Stmt s(db_,
         "SELECT id, alert_id FROM alert_events WHERE group_key = ? AND fingerprint = ? AND "
         "starts_at = ? AND status = ?");
  bool row = false;
  BAM_RETURN_IF_ERROR(s.Bind(1, e.group_key)
                          .Bind(2, e.fingerprint)
                          .Bind(3, e.starts_at_ms)
                          .Bind(4, e.status)
                          .Step(&row));
  if (!row) return std::pair<int64_t, int64_t>{0, 0};
  return std::pair<int64_t, int64_t>{s.Int(0), s.Int(1)};
}

StatusOr<bool> AlertStore::HasEvent(const EventRecord& e) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusOr<std::pair<int64_t, int64_t>> found = FindEventLocked(e);
  if (!found.ok()) return found.status();
  return found->first != 0;
}

StatusOr<RecordResult> AlertStore::RecordEvent(
    const EventRecord& e, const std::vector<NotificationRequest>& notifications) {
  if (e.status != "firing" && e.status != "resolved") {
    return Status::InvalidArgument("status: want firing or resolved, got \"" + e.status + "\"");
  }
  if (e.fingerprint.empty()) return Status::InvalidArgument("fingerprint: empty");
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_);
  BAM_RETURN_IF_ERROR(tx.status());
  RecordResult result;
  {
    StatusOr<std::pair<int64_t, int64_t>> found = FindEventLocked(e);
    if (!found.ok()) return found.status();
    if (found->first != 0) {
      result.event_id = found->first;
      result.alert_id = found->second;
      return result;  // a repeat: the transaction rolls back having written nothing
    }
  }
  {
    Stmt s(db_, "SELECT id FROM alerts WHERE fingerprint = ? AND starts_at = ?");
    bool row = false;
    BAM_RETURN_IF_ERROR(s.Bind(1, e.fingerprint).Bind(2, e.starts_at_ms).Step(&row));
    if (row) result.alert_id = s.Int(0);
  }
  if (result.alert_id == 0) {
    Stmt s(db_,
           "INSERT INTO alerts (fingerprint, starts_at, ends_at, status, alertname, bam_rule_id, "
           "severity, labels_json, annotations_json, first_received_at, last_event_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    BAM_RETURN_IF_ERROR(s.Bind(1, e.fingerprint)
                            .Bind(2, e.starts_at_ms)
                            .Bind(3, e.status == "resolved" ? e.ends_at_ms : std::nullopt)
                            .Bind(4, e.status)
                            .Bind(5, e.alertname)
                            .Bind(6, e.bam_rule_id)
                            .Bind(7, e.severity)
                            .Bind(8, e.labels_json)
                            .Bind(9, e.annotations_json)
                            .Bind(10, e.received_at_ms)
                            .Bind(11, e.received_at_ms)
                            .Run());
    result.alert_id = sqlite3_last_insert_rowid(db_);
  } else if (e.status == "resolved") {
    // Only event-derived columns: user state (read, treated, comments) is never touched here.
    Stmt s(db_,
           "UPDATE alerts SET status = 'resolved', ends_at = ?, "
           "last_event_at = MAX(last_event_at, ?) WHERE id = ?");
    BAM_RETURN_IF_ERROR(
        s.Bind(1, e.ends_at_ms).Bind(2, e.received_at_ms).Bind(3, result.alert_id).Run());
  } else {
    Stmt s(db_, "UPDATE alerts SET last_event_at = MAX(last_event_at, ?) WHERE id = ?");
    BAM_RETURN_IF_ERROR(s.Bind(1, e.received_at_ms).Bind(2, result.alert_id).Run());
  }
  {
    Stmt s(db_,
           "INSERT INTO alert_events (alert_id, group_key, fingerprint, starts_at, ends_at, "
           "status, alertname, bam_rule_id, severity, labels_json, annotations_json, "
           "received_at, enrichment_json, enrichment_reason) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    BAM_RETURN_IF_ERROR(s.Bind(1, result.alert_id)
                            .Bind(2, e.group_key)
                            .Bind(3, e.fingerprint)
                            .Bind(4, e.starts_at_ms)
                            .Bind(5, e.ends_at_ms)
                            .Bind(6, e.status)
                            .Bind(7, e.alertname)
                            .Bind(8, e.bam_rule_id)
                            .Bind(9, e.severity)
                            .Bind(10, e.labels_json)
                            .Bind(11, e.annotations_json)
                            .Bind(12, e.received_at_ms)
                            .Bind(13, e.enrichment_json)
                            .Bind(14, e.enrichment_reason)
                            .Run());
    result.event_id = sqlite3_last_insert_rowid(db_);
  }
  BAM_RETURN_IF_ERROR(
      InsertOutbox(db_, result.event_id, notifications, e.received_at_ms, &result.outbox_ids));
  BAM_RETURN_IF_ERROR(tx.Commit());
  result.inserted = true;
  return result;
}

Status AlertStore::SetEnrichment(int64_t event_id, const std::optional<std::string>& json,
                                 std::string_view reason) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_, "UPDATE alert_events SET enrichment_json = ?, enrichment_reason = ? WHERE id = ?");
  BAM_RETURN_IF_ERROR(s.Bind(1, json).Bind(2, reason).Bind(3, event_id).Run());
  if (sqlite3_changes(db_) == 0) {
    return Status::NotFound("event " + std::to_string(event_id) + " not found");
  }
  return {};
}

StatusOr<std::vector<int64_t>> AlertStore::Enqueue(
    int64_t event_id, const std::vector<NotificationRequest>& notifications, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_);
  BAM_RETURN_IF_ERROR(tx.status());
  Status err;
  if (!Exists(db_, "alert_events", event_id, &err)) {
    return err.ok() ? Status::NotFound("event " + std::to_string(event_id) + " not found") : err;
  }
  std::vector<int64_t> ids;
  BAM_RETURN_IF_ERROR(InsertOutbox(db_, event_id, notifications, now_ms, &ids));
  BAM_RETURN_IF_ERROR(tx.Commit());
  return ids;
}

StatusOr<std::vector<StoredEvent>> AlertStore::ListEvents(int64_t alert_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT id, alert_id, group_key, fingerprint, starts_at, ends_at, status, alertname, "
         "bam_rule_id, severity, labels_json, annotations_json, received_at, enrichment_json, "
         "enrichment_reason FROM alert_events WHERE alert_id = ? ORDER BY id");
  s.Bind(1, alert_id);
  std::vector<StoredEvent> out;
  for (;;) {
    bool row = false;
    BAM_RETURN_IF_ERROR(s.Step(&row));
    if (!row) break;
    StoredEvent ev;
    ev.id = s.Int(0);
    ev.alert_id = s.Int(1);
    EventRecord& r = ev.record;
    r.group_key = s.Text(2);
    r.fingerprint = s.Text(3);
    r.starts_at_ms = s.Int(4);
    r.ends_at_ms = s.OptInt(5);
    r.status = s.Text(6);
    r.alertname = s.Text(7);
    r.bam_rule_id = s.Text(8);
    r.severity = s.Text(9);
    r.labels_json = s.Text(10);
    r.annotations_json = s.Text(11);
    r.received_at_ms = s.Int(12);
    r.enrichment_json = s.OptText(13);
    r.enrichment_reason = s.Text(14);
    out.push_back(std::move(ev));
  }
  return out;
}

StatusOr<std::vector<OutboxItem>> AlertStore::ClaimDue(int64_t now_ms, int limit,
                                                       int64_t lease_ms) {
  if (limit <= 0) return Status::InvalidArgument("limit: want > 0");
  if (lease_ms <= 0) return Status::InvalidArgument("lease_ms: want > 0");
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_);
  BAM_RETURN_IF_ERROR(tx.status());
  std::vector<OutboxItem> items;
  {
    Stmt s(db_, std::string("SELECT ") + kOutboxColumns +
                    " FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? "
                    "ORDER BY next_attempt_at, id LIMIT ?");
    s.Bind(1, now_ms).Bind(2, int64_t{limit});
    for (;;) {
      bool row = false;
      BAM_RETURN_IF_ERROR(s.Step(&row));
      if (!row) break;
      items.push_back(ReadOutbox(s));
    }
  }
  for (OutboxItem& item : items) {
    item.attempts += 1;
    item.next_attempt_at_ms = now_ms + lease_ms;
    Stmt u(db_, "UPDATE outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?");
    BAM_RETURN_IF_ERROR(
        u.Bind(1, int64_t{item.attempts}).Bind(2, item.next_attempt_at_ms).Bind(3, item.id).Run());
  }
  BAM_RETURN_IF_ERROR(tx.Commit());
  return items;
}

Status AlertStore::MarkDelivered(int64_t id, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "UPDATE outbox SET state = 'delivered', finished_at = ? WHERE id = ? AND "
         "state = 'pending'");
  BAM_RETURN_IF_ERROR(s.Bind(1, now_ms).Bind(2, id).Run());
  if (sqlite3_changes(db_) == 0) return OutboxTransitionMiss(db_, id, "mark delivered");
  return {};
}

Status AlertStore::MarkFailed(int64_t id, int64_t next_attempt_at_ms, std::string_view error) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND "
         "state = 'pending'");
  BAM_RETURN_IF_ERROR(s.Bind(1, next_attempt_at_ms).Bind(2, error).Bind(3, id).Run());
  if (sqlite3_changes(db_) == 0) return OutboxTransitionMiss(db_, id, "mark failed");
  return {};
}

Status AlertStore::MarkDead(int64_t id, std::string_view error) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "UPDATE outbox SET state = 'dead', last_error = ? WHERE id = ? AND state = 'pending'");
  BAM_RETURN_IF_ERROR(s.Bind(1, error).Bind(2, id).Run());
  if (sqlite3_changes(db_) == 0) return OutboxTransitionMiss(db_, id, "mark dead");
  return {};
}

StatusOr<OutboxItem> AlertStore::GetOutboxItem(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_, std::string("SELECT ") + kOutboxColumns + " FROM outbox WHERE id = ?");
  bool row = false;
  BAM_RETURN_IF_ERROR(s.Bind(1, id).Step(&row));
  if (!row) return Status::NotFound("outbox item " + std::to_string(id) + " not found");
  return ReadOutbox(s);
}

StatusOr<OutboxCounts> AlertStore::CountOutbox() {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_, "SELECT state, COUNT(*) FROM outbox GROUP BY state");
  OutboxCounts c;
  for (;;) {
    bool row = false;
    BAM_RETURN_IF_ERROR(s.Step(&row));
    if (!row) break;
    const std::string state = s.Text(0);
    (state == "delivered" ? c.delivered : state == "dead" ? c.dead : c.pending) = s.Int(1);
  }
  return c;
}

StatusOr<AlertPage> AlertStore::ListAlerts(const AlertFilter& f) {
  if (f.offset < 0) return Status::InvalidArgument("offset: want >= 0");
  if (f.limit < 1 || f.limit > 1000) return Status::InvalidArgument("limit: want 1..1000");
  if (f.status && *f.status != "firing" && *f.status != "resolved") {
    return Status::InvalidArgument("status: want firing or resolved, got \"" + *f.status + "\"");
  }
  std::string where = " WHERE 1 = 1";
  struct Bind {
    bool is_text;
    std::string text;
    int64_t number;
  };
  std::vector<Bind> args;
  auto text = [&](const char* clause, const std::optional<std::string>& v) {
    if (!v) return;
    where += clause;
    args.push_back({true, *v, 0});
  };
  auto number = [&](const char* clause, const std::optional<int64_t>& v) {
    if (!v) return;
    where += clause;
    args.push_back({false, "", *v});
  };
  text(" AND a.severity = ?", f.severity);
  text(" AND a.status = ?", f.status);
  text(" AND a.alertname = ?", f.alertname);
  text(" AND a.bam_rule_id = ?", f.bam_rule_id);
  if (f.read) number(" AND a.read = ?", int64_t{*f.read ? 1 : 0});
  if (f.treated) number(" AND a.treated = ?", int64_t{*f.treated ? 1 : 0});
  number(" AND a.starts_at >= ?", f.from_ms);
  number(" AND a.starts_at < ?", f.to_ms);
  auto bind_all = [&](Stmt& s) {
    int i = 1;
    for (const Bind& b : args) {
      if (b.is_text) {
        s.Bind(i++, std::string_view(b.text));
      } else {
        s.Bind(i++, b.number);
      }
    }
    return i;
  };

  std::lock_guard<std::mutex> lock(mu_);
  AlertPage page;
  {
    Stmt s(db_, "SELECT COUNT(*) FROM alerts a" + where);
    bind_all(s);
    bool row = false;
    BAM_RETURN_IF_ERROR(s.Step(&row));
    if (row) page.total = s.Int(0);
  }
  Stmt s(db_, std::string("SELECT ") + kAlertColumns + " FROM alerts a" + where +
                  " ORDER BY a.starts_at DESC, a.id DESC LIMIT ? OFFSET ?");
  const int next = bind_all(s);
  s.Bind(next, f.limit).Bind(next + 1, f.offset);
  for (;;) {
    bool row = false;
    BAM_RETURN_IF_ERROR(s.Step(&row));
    if (!row) break;
    page.alerts.push_back(ReadAlert(s));
  }
  return page;
}

namespace {

StatusOr<AlertRecord> GetAlertLocked(sqlite3* db, int64_t id) {
  Stmt s(db, std::string("SELECT ") + kAlertColumns + " FROM alerts a WHERE a.id = ?");
  bool row = false;
  BAM_RETURN_IF_ERROR(s.Bind(1, id).Step(&row));
  if (!row) return Status::NotFound("alert " + std::to_string(id) + " not found");
  return ReadAlert(s);
}

}  // namespace

StatusOr<AlertRecord> AlertStore::GetAlert(int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  return GetAlertLocked(db_, id);
}

StatusOr<AlertRecord> AlertStore::PatchAlert(int64_t id, const AlertPatch& patch) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_);
  BAM_RETURN_IF_ERROR(tx.status());
  Stmt s(db_,
         "UPDATE alerts SET read = COALESCE(?, read), treated = COALESCE(?, treated) "
         "WHERE id = ?");
  auto opt = [](const std::optional<bool>& b) {
    return b ? std::optional<int64_t>(*b ? 1 : 0) : std::nullopt;
  };
  BAM_RETURN_IF_ERROR(s.Bind(1, opt(patch.read)).Bind(2, opt(patch.treated)).Bind(3, id).Run());
  if (sqlite3_changes(db_) == 0) {
    return Status::NotFound("alert " + std::to_string(id) + " not found");
  }
  StatusOr<AlertRecord> updated = GetAlertLocked(db_, id);
  if (!updated.ok()) return updated.status();
  BAM_RETURN_IF_ERROR(tx.Commit());
  return updated;
}

StatusOr<Comment> AlertStore::AddComment(int64_t alert_id, std::string_view author,
                                         std::string_view text, int64_t now_ms) {
  if (author.empty()) return Status::InvalidArgument("author: empty");
  if (text.empty()) return Status::InvalidArgument("text: empty");
  std::lock_guard<std::mutex> lock(mu_);
  Transaction tx(db_);
  BAM_RETURN_IF_ERROR(tx.status());
  Status err;
  if (!Exists(db_, "alerts", alert_id, &err)) {
    return err.ok() ? Status::NotFound("alert " + std::to_string(alert_id) + " not found") : err;
  }
  Stmt s(db_, "INSERT INTO comments (alert_id, author, created_at, text) VALUES (?, ?, ?, ?)");
  BAM_RETURN_IF_ERROR(s.Bind(1, alert_id).Bind(2, author).Bind(3, now_ms).Bind(4, text).Run());
  Comment c{sqlite3_last_insert_rowid(db_), alert_id, std::string(author), now_ms,
            std::string(text)};
  BAM_RETURN_IF_ERROR(tx.Commit());
  return c;
}

StatusOr<std::vector<Comment>> AlertStore::ListComments(int64_t alert_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT id, alert_id, author, created_at, text FROM comments WHERE alert_id = ? "
         "ORDER BY id");
  s.Bind(1, alert_id);
  std::vector<Comment> out;
  for (;;) {
    bool row = false;
    BAM_RETURN_IF_ERROR(s.Step(&row));
    if (!row) break;
    out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Int(3), s.Text(4)});
  }
  return out;
}

}  // namespace bam::rulesvc
