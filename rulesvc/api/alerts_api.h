// AlertsApi: the /bam/alerts handlers — alert history with enrichment and user state, read from
// and written to AlertStore. Route matching, authentication and the role check are the caller's
// (the listener): these handlers assume the principal may call them.
//
//   GET   /bam/alerts                  HandleList         200 {"alerts", "total", "offset",
//                                                          "limit", "next_offset"} + Link header
//   GET   /bam/alerts/{id}             HandleGet          200 alert + "events"
//   PATCH /bam/alerts/{id}             HandlePatch        200 alert; body {"read"?, "treated"?}
//   GET   /bam/alerts/{id}/comments    HandleListComments 200 {"comments": [...]}
//   POST  /bam/alerts/{id}/comments    HandleAddComment   201 comment; body {"text"}
//
// Errors: 400 invalid_argument (the message names the parameter or field and says what is
// accepted), 404 not_found, 503 unavailable (store busy), 500 internal — always the
// {"error": {"code", "message"}} shape of ApiResponse::Error. The JSON of an alert is documented
// in docs/rulesvc.md, "REST API".
//
// This class is thread-safe (AlertStore is; the class holds no mutable state).
#ifndef BAM_RULESVC_API_ALERTS_API_H_
#define BAM_RULESVC_API_ALERTS_API_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "rulesvc/http/api_types.h"
#include "rulesvc/store/alert_store.h"

namespace bam::rulesvc::api {

class AlertsApi {
 public:
  static constexpr int64_t kDefaultLimit = 50;
  static constexpr int64_t kMaxLimit = 1000;
  static constexpr size_t kMaxCommentLength = 4000;  // Unicode code points

  // `store` must outlive this object. `now_ms` stamps comments (default: the system clock).
  explicit AlertsApi(AlertStore* store, std::function<int64_t()> now_ms = {});

  http::ApiResponse HandleList(const http::ApiRequest& req, const http::Principal& who) const;
  http::ApiResponse HandleGet(const http::ApiRequest& req, const http::Principal& who) const;
  http::ApiResponse HandlePatch(const http::ApiRequest& req, const http::Principal& who) const;
  http::ApiResponse HandleListComments(const http::ApiRequest& req,
                                       const http::Principal& who) const;
  // The author is who.subject (401 unauthenticated when empty).
  http::ApiResponse HandleAddComment(const http::ApiRequest& req, const http::Principal& who) const;

 private:
  // The alert's JSON with its comments (and the reason its impact is missing).
  StatusOr<nlohmann::json> AlertJson(const AlertRecord& alert) const;

  AlertStore* const store_;
  const std::function<int64_t()> now_ms_;
};

// JSON of one comment: {"id", "author", "created_at" (RFC 3339), "text"}.
nlohmann::json CommentToJson(const Comment& comment);

}  // namespace bam::rulesvc::api

#endif  // BAM_RULESVC_API_ALERTS_API_H_
