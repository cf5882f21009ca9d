// The rule service's HTTP request/response values and the caller's identity, shared by the REST
// handlers (rulesvc/api/, rulesvc/rules_admin/), the authenticator (rulesvc/auth/) and the
// CivetWeb listener that builds them (rulesvc/http/server.h). Handlers are plain functions of
// (ApiRequest, Principal) -> ApiResponse, so they are tested without a socket.
//
// Value types; thread-compatible.
#ifndef BAM_RULESVC_HTTP_API_TYPES_H_
#define BAM_RULESVC_HTTP_API_TYPES_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::http {

// The four roles of rulesvc-config.md. A principal may hold several.
enum class Role { kAnalyst, kOps, kDirection, kAdmin };

// "analyst", "ops", "direction", "admin".
const char* RoleName(Role role);
// The inverse of RoleName. Returns false for anything else.
bool ParseRole(std::string_view name, Role* role);

// What a role may do. kRead: every GET of /bam/*. kEditRules: POST/PUT/DELETE /bam/rules.
// kComment: POST comments. kTreat: PATCH /bam/alerts. kAdmin: /bam/config, /bam/audit.
enum class Permission { kRead, kEditRules, kComment, kTreat, kAdmin };

// analyst: read, edit rules, comment. ops: read, treat, comment. direction: read. admin: all.
bool RoleAllows(Role role, Permission permission);

// Who is calling, from a verified token.
struct Principal {
  std::string subject;   // the token's `sub` (or preferred_username when present)
  std::set<Role> roles;  // mapped through auth.role_map; may be empty (then only 403s)
  bool Allows(Permission p) const {
    for (Role r : roles) {
      if (RoleAllows(r, p)) return true;
    }
    return false;
  }
};

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // URL-decoded, without the query string
  // Named segments of the matched route, e.g. {"id": "42"} for /bam/alerts/{id}.
  std::map<std::string, std::string> path_params;
  // Decoded query parameters; a repeated name keeps its first value.
  std::map<std::string, std::string> query;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string remote_addr;  // "127.0.0.1"

  // "" when absent.
  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;

  static ApiResponse Json(int status, std::string body) {
    ApiResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  // {"error": {"code": "<code>", "message": "<message>"}} — the error shape of every endpoint.
  // `code` is a stable machine word ("not_found", "invalid_argument", "forbidden", ...).
  static ApiResponse Error(int status, std::string_view code, std::string_view message);
  // Maps a Status: invalid argument 400, not found 404, failed precondition 409,
  // unavailable 503, internal 500.
  static ApiResponse FromStatus(const Status& status);
};

}  // namespace bam::rulesvc::http

#endif  // BAM_RULESVC_HTTP_API_TYPES_H_
