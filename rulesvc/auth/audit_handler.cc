#include "rulesvc/auth/audit_handler.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "rulesvc/webhook/rfc3339.h"

namespace bam::rulesvc::auth {
namespace {

using nlohmann::json;

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && p == end;
}

// RFC 3339 or Unix milliseconds.
bool ParseTime(const std::string& s, int64_t* ms, std::string* error) {
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
    if (ParseInt(s, ms)) return true;
    *error = "\"" + s + "\" is out of range";
    return false;
  }
  StatusOr<int64_t> t = ParseRfc3339Millis(s);
  if (!t.ok()) {
    *error = "want an RFC 3339 time or Unix milliseconds: " + t.status().message();
    return false;
  }
  *ms = *t;
  return true;
}

// Years 0000-9999, what FormatRfc3339Millis accepts.
bool InFormattableRange(int64_t ms) { return ms >= -62167219200000 && ms < 253402300800000; }

http::ApiResponse BadParam(const std::string& name, const std::string& why) {
  return http::ApiResponse::Error(400, "invalid_argument", "query parameter " + name + ": " + why);
}

}  // namespace

http::ApiResponse HandleAuditList(const AuditLog& log, const http::ApiRequest& request) {
  AuditFilter f;
  std::string error;
  for (const char* name : {"from", "to"}) {
    auto it = request.query.find(name);
    if (it == request.query.end()) continue;
    int64_t ms = 0;
    if (!ParseTime(it->second, &ms, &error)) return BadParam(name, error);
    (std::string_view(name) == "from" ? f.from_ms : f.to_ms) = ms;
  }
  if (f.from_ms && f.to_ms && *f.from_ms > *f.to_ms) return BadParam("from", "after to");
  for (const char* name : {"offset", "limit"}) {
    auto it = request.query.find(name);
    if (it == request.query.end()) continue;
    int64_t v = 0;
    if (!ParseInt(it->second, &v))
      return BadParam(name, "\"" + it->second + "\" is not an integer");
    if (std::string_view(name) == "offset") {
      if (v < 0) return BadParam(name, "must be >= 0");
      f.offset = v;
    } else {
      if (v < 1 || v > AuditLog::kMaxLimit) {
        return BadParam(name, "must be between 1 and " + std::to_string(AuditLog::kMaxLimit));
      }
      f.limit = v;
    }
  }
  f.subject = request.Query("subject");
  f.outcome = request.Query("outcome");
  if (!f.outcome.empty() && !IsAuditOutcome(f.outcome)) {
    return BadParam("outcome", "\"" + f.outcome +
                                   "\" is not one of ok, denied, unauthenticated, invalid, error");
  }
  f.method = request.Query("method");
  for (char& c : f.method) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z')
      return BadParam("method", "\"" + request.Query("method") + "\" is not an HTTP method");
  }

  StatusOr<AuditPage> page = log.List(f);
  if (!page.ok()) return http::ApiResponse::FromStatus(page.status());
  json entries = json::array();
  for (const AuditEntry& e : page->entries) {
    entries.push_back({{"id", e.id},
                       {"time", InFormattableRange(e.time_ms) ? json(FormatRfc3339Millis(e.time_ms))
                                                              : json(nullptr)},
                       {"time_ms", e.time_ms},
                       {"subject", e.subject},
                       {"roles", e.roles},
                       {"remote_addr", e.remote_addr},
                       {"method", e.method},
                       {"path", e.path},
                       {"status", e.status},
                       {"outcome", e.outcome},
                       {"detail", e.detail}});
  }
  json body = {{"entries", std::move(entries)},
               {"total", page->total},
               {"offset", page->offset},
               {"limit", page->limit}};
  return http::ApiResponse::Json(200, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

}  // namespace bam::rulesvc::auth
