#include "rulesvc/auth/audit_log.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "rulesvc/store/sqlite_util.h"

namespace bam::rulesvc::auth {
namespace {

using sqlite::Stmt;

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS audit ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  time_ms INTEGER NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  roles TEXT NOT NULL,"  // comma-separated role names
    "  remote_addr TEXT NOT NULL,"
    "  method TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  outcome TEXT NOT NULL,"
    "  detail TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS audit_time ON audit (time_ms, id);"
    "CREATE INDEX IF NOT EXISTS audit_subject ON audit (subject, time_ms);";

std::string JoinRoles(const std::vector<std::string>& roles) {
  std::vector<std::string> sorted = roles;
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (const std::string& r : sorted) {
    if (r.empty()) continue;
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

std::vector<std::string> SplitRoles(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '=' || c == '+' || c == '/' || c == '~';
}

// Keeps the first `max` bytes without cutting a UTF-8 sequence.
std::string CutUtf8(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s + "...";
}

}  // namespace

bool IsAuditOutcome(std::string_view o) {
  return o == kOutcomeOk || o == kOutcomeDenied || o == kOutcomeUnauthenticated ||
         o == kOutcomeInvalid || o == kOutcomeError;
}

AuditEntry AuditEntry::ForRequest(const http::ApiRequest& request, const http::Principal* who,
                                  int status, std::string outcome, std::string detail,
                                  int64_t time_ms) {
  AuditEntry e;
  e.time_ms = time_ms;
  if (who != nullptr) {
    e.subject = who->subject;
    for (http::Role r : who->roles) e.roles.emplace_back(http::RoleName(r));
    std::sort(e.roles.begin(), e.roles.end());
  }
  e.remote_addr = request.remote_addr;
  e.method = request.method;
  e.path = request.path;
  e.status = status;
  e.outcome = std::move(outcome);
  e.detail = std::move(detail);
  return e;
}

std::string AuditLog::Scrub(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    // A word: a run of token characters.
    if (IsTokenChar(in[i])) {
      size_t j = i;
      while (j < in.size() && IsTokenChar(in[j])) ++j;
      const std::string_view word = in.substr(i, j - i);
      const bool jwt =
          word.find("eyJ") != std::string_view::npos && word.find('.') != std::string_view::npos;
      out.append(jwt ? std::string_view("<redacted>") : word);
      // "Bearer xyz", "Basic xyz": whatever follows the scheme is a credential.
      if (word == "Bearer" || word == "bearer" || word == "BEARER" || word == "Basic" ||
          word == "basic") {
        size_t k = j;
        while (k < in.size() && in[k] == ' ') ++k;
        if (k < in.size() && IsTokenChar(in[k])) {
          while (k < in.size() && IsTokenChar(in[k])) ++k;
          out += " <redacted>";
          j = k;
        }
      }
      i = j;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(in[i]);
    out += (c < 0x20 || c == 0x7f) ? ' ' : in[i];
    ++i;
  }
  return CutUtf8(std::move(out), kMaxDetailBytes);
}

std::string AuditLog::PathIn(const std::string& state_dir) {
  if (state_dir.empty()) return "audit.db";
  return state_dir.back() == '/' ? state_dir + "audit.db" : state_dir + "/audit.db";
}

StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = Status::Unavailable("cannot open audit log " + path + ": " +
                                   (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close(db);
    return s;
  }
  std::unique_ptr<AuditLog> log(new AuditLog(db));
  sqlite3_busy_timeout(db, 5000);
  // journal_mode=WAL answers a row; sqlite3_exec ignores it.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
    if (Status s = sqlite::Exec(db, pragma); !s.ok()) return s;
  }
  int version = 0;
  {
    Stmt s(db, "PRAGMA user_version");
    bool row = false;
    if (Status st = s.status().ok() ? s.Step(&row) : s.status(); !st.ok()) return st;
    if (row) version = static_cast<int>(s.Int(0));
  }
  if (version > kSchemaVersion) {
    return Status::FailedPrecondition("audit log " + path + " has schema version " +
                                      std::to_string(version) + ", newer than this build's " +
                                      std::to_string(kSchemaVersion));
  }
  if (version < kSchemaVersion) {
    if (Status s = sqlite::Exec(db, kSchema); !s.ok()) return s;
    if (Status s = sqlite::Exec(db, "PRAGMA user_version = 1"); !s.ok()) return s;
  }
  return log;
}

AuditLog::~AuditLog() { sqlite3_close(db_); }

Status AuditLog::Record(const AuditEntry& e) {
  if (!IsAuditOutcome(e.outcome)) {
    return Status::InvalidArgument("audit outcome \"" + e.outcome +
                                   "\" is not one of ok, denied, "
                                   "unauthenticated, invalid, error");
  }
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "INSERT INTO audit (time_ms, subject, roles, remote_addr, method, path, status, outcome, "
         "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!s.status().ok()) return s.status();
  s.Bind(1, e.time_ms);
  s.Bind(2, CutUtf8(e.subject, 256));
  s.Bind(3, JoinRoles(e.roles));
  s.Bind(4, CutUtf8(e.remote_addr, 64));
  s.Bind(5, CutUtf8(e.method, 16));
  s.Bind(6, CutUtf8(e.path, 1024));
  s.Bind(7, int64_t{e.status});
  s.Bind(8, e.outcome);
  s.Bind(9, Scrub(e.detail));
  return s.Run();
}

StatusOr<AuditPage> AuditLog::List(const AuditFilter& f) const {
  if (f.offset < 0) return Status::InvalidArgument("offset must be >= 0");
  if (f.limit < 1 || f.limit > kMaxLimit) {
    return Status::InvalidArgument("limit must be between 1 and " + std::to_string(kMaxLimit));
  }
  constexpr const char* kWhere =
      " WHERE (?1 IS NULL OR time_ms >= ?1) AND (?2 IS NULL OR time_ms < ?2)"
      " AND (?3 = '' OR subject = ?3) AND (?4 = '' OR outcome = ?4) AND (?5 = '' OR method = ?5)";
  auto bind = [&](Stmt& s) {
    s.Bind(1, f.from_ms);
    s.Bind(2, f.to_ms);
    s.Bind(3, f.subject);
    s.Bind(4, f.outcome);
    s.Bind(5, f.method);
  };
  AuditPage page;
  page.offset = f.offset;
  page.limit = f.limit;
  std::lock_guard<std::mutex> lock(mu_);
  {
    Stmt s(db_, std::string("SELECT COUNT(*) FROM audit") + kWhere);
    if (!s.status().ok()) return s.status();
    bind(s);
    bool row = false;
    if (Status st = s.Step(&row); !st.ok()) return st;
    if (row) page.total = s.Int(0);
  }
  Stmt s(db_, (std::string("SELECT id, time_ms, subject, roles, remote_addr, method, path, "
                           "status, outcome, detail FROM audit") +
               kWhere + " ORDER BY time_ms DESC, id DESC LIMIT ?6 OFFSET ?7"));
  if (!s.status().ok()) return s.status();
  bind(s);
  s.Bind(6, f.limit);
  s.Bind(7, f.offset);
  for (;;) {
    bool row = false;
    if (Status st = s.Step(&row); !st.ok()) return st;
    if (!row) break;
    AuditEntry e;
    e.id = s.Int(0);
    e.time_ms = s.Int(1);
    e.subject = s.Text(2);
    e.roles = SplitRoles(s.Text(3));
    e.remote_addr = s.Text(4);
    e.method = s.Text(5);
    e.path = s.Text(6);
    e.status = static_cast<int>(s.Int(7));
    e.outcome = s.Text(8);
    e.detail = s.Text(9);
    page.entries.push_back(std::move(e));
  }
  return page;
}

}  // namespace bam::rulesvc::auth
