// The rule service's audit log: one row per mutation and per refused request (who, what, when,
// from where, with what result), in its own SQLite file `<state_dir>/audit.db` (WAL,
// synchronous=FULL: an acknowledged mutation has its audit row on disk). Queried by admins through
// GET /bam/audit (audit_handler.h).
//
// The log never holds secrets: callers put no tokens, passwords or bodies in `detail`, and Record
// also redacts anything shaped like a JWT or a "Bearer …" / "Basic …" value and truncates `detail`
// to kMaxDetailBytes.
//
// Thread-safety: thread-safe. One connection, serialised by a mutex.
#ifndef BAM_RULESVC_AUTH_AUDIT_LOG_H_
#define BAM_RULESVC_AUTH_AUDIT_LOG_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rulesvc/http/api_types.h"
#include "rulesvc/webhook/status.h"

struct sqlite3;

namespace bam::rulesvc::auth {

// The values of AuditEntry::outcome.
inline constexpr const char* kOutcomeOk = "ok";                            // done
inline constexpr const char* kOutcomeDenied = "denied";                    // 403
inline constexpr const char* kOutcomeUnauthenticated = "unauthenticated";  // 401
inline constexpr const char* kOutcomeInvalid = "invalid";                  // 4xx bad input
inline constexpr const char* kOutcomeError = "error";                      // 5xx
// True for the five values above.
bool IsAuditOutcome(std::string_view outcome);

struct AuditEntry {
  int64_t id = 0;                  // set by the log; ignored by Record
  int64_t time_ms = 0;             // milliseconds since the epoch
  std::string subject;             // Principal::subject; "" when anonymous
  std::vector<std::string> roles;  // role names ("admin", ...), sorted
  std::string remote_addr;         // "127.0.0.1"
  std::string method;              // "POST"
  std::string path;                // without the query string
  int status = 0;                  // HTTP status answered
  std::string outcome;             // one of kOutcome*
  // Short text: the refusal reason ("expired: token expired 120 s ago") or what was done
  // ("rule payment_failures created"). Never a secret.
  std::string detail;

  // An entry for `request` answered with `status`; `who` null when unauthenticated.
  static AuditEntry ForRequest(const http::ApiRequest& request, const http::Principal* who,
                               int status, std::string outcome, std::string detail,
                               int64_t time_ms);
};

struct AuditFilter {
  std::optional<int64_t> from_ms;  // time_ms >= from_ms
  std::optional<int64_t> to_ms;    // time_ms < to_ms
  std::string subject;             // exact; "" = any
  std::string outcome;             // exact; "" = any
  std::string method;              // exact, upper case; "" = any
  int64_t offset = 0;              // >= 0
  int64_t limit = 100;             // 1..kMaxLimit
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // newest first (time, then insertion order)
  int64_t total = 0;                // rows matching the filter, all pages
  int64_t offset = 0;
  int64_t limit = 0;
};

class AuditLog {
 public:
  static constexpr int64_t kMaxLimit = 1000;
  static constexpr size_t kMaxDetailBytes = 512;

  // "<state_dir>/audit.db".
  static std::string PathIn(const std::string& state_dir);

  // Opens or creates the database at `path` (its directory must exist). Unavailable when the file
  // cannot be opened, FailedPrecondition when its schema is newer than this build's.
  static StatusOr<std::unique_ptr<AuditLog>> Open(const std::string& path);

  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends `entry` (id ignored), durably. InvalidArgument for an unknown outcome.
  Status Record(const AuditEntry& entry);

  // One page of entries matching `filter`. InvalidArgument for a bad offset or limit.
  StatusOr<AuditPage> List(const AuditFilter& filter) const;

  // What Record stores for `detail`: JWT-shaped words and Bearer/Basic values replaced by
  // "<redacted>", control characters by spaces, cut at kMaxDetailBytes.
  static std::string Scrub(std::string_view detail);

 private:
  explicit AuditLog(sqlite3* db) : db_(db) {}

  mutable std::mutex mu_;
  sqlite3* db_;  // owned
};

}  // namespace bam::rulesvc::auth

#endif  // BAM_RULESVC_AUTH_AUDIT_LOG_H_
