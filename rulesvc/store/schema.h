// The AlertStore schema as ordered migrations: kMigrations[i] takes a database from version i to
// i + 1. Append only: a released step is never edited. Constants; thread-safe.
#ifndef BAM_RULESVC_STORE_SCHEMA_H_
#define BAM_RULESVC_STORE_SCHEMA_H_

#include <array>

namespace bam::rulesvc {

inline constexpr std::array<const char*, 1> kMigrations = {
    // 1: events, alerts with user state, comments, outbox. Times are ms since the Unix epoch.
    R"sql(
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  alertname TEXT NOT NULL,
  bam_rule_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  labels_json TEXT NOT NULL,
  annotations_json TEXT NOT NULL,
  first_received_at INTEGER NOT NULL,
  last_event_at INTEGER NOT NULL,
  -- user state: written only by the API
  read INTEGER NOT NULL DEFAULT 0,
  treated INTEGER NOT NULL DEFAULT 0,
  UNIQUE (fingerprint, starts_at)
);
CREATE INDEX alerts_by_start ON alerts (starts_at DESC, id DESC);

CREATE TABLE alert_events (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alerts (id),
  group_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  alertname TEXT NOT NULL,
  bam_rule_id TEXT NOT NULL,
  severity TEXT NOT NULL,
  labels_json TEXT NOT NULL,
  annotations_json TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  enrichment_json TEXT,
  enrichment_reason TEXT NOT NULL DEFAULT '',
  UNIQUE (group_key, fingerprint, starts_at, status)
);
CREATE INDEX alert_events_by_alert ON alert_events (alert_id, id);

CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alerts (id),
  author TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX comments_by_alert ON comments (alert_id, id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES alert_events (id),
  channel TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  finished_at INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
)sql",
};

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_STORE_SCHEMA_H_
