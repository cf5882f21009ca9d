// GET /bam/audit?from=&to=&subject=&outcome=&method=&offset=&limit= — one page of the audit log,
// newest first:
//   {"entries": [{"id", "time" (RFC 3339 UTC), "time_ms", "subject", "roles", "remote_addr",
//                 "method", "path", "status", "outcome", "detail"}, ...],
//    "total": N, "offset": O, "limit": L}
// from (inclusive) and to (exclusive) are RFC 3339 times or Unix milliseconds; limit 1..1000
// (default 100); offset >= 0 (default 0); outcome one of ok, denied, unauthenticated, invalid,
// error. A bad parameter answers 400 invalid_argument naming it.
//
// The caller (the router) has already checked Permission::kAdmin. Thread-safe.
#ifndef BAM_RULESVC_AUTH_AUDIT_HANDLER_H_
#define BAM_RULESVC_AUTH_AUDIT_HANDLER_H_

#include "rulesvc/auth/audit_log.h"
#include "rulesvc/http/api_types.h"

namespace bam::rulesvc::auth {

http::ApiResponse HandleAuditList(const AuditLog& log, const http::ApiRequest& request);

}  // namespace bam::rulesvc::auth

#endif  // BAM_RULESVC_AUTH_AUDIT_HANDLER_H_
