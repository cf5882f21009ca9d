#include "rulesvc/api/alerts_api.h"

#include <chrono>
#include <string>
#include <utility>

#include "rulesvc/api/params.h"
#include "rulesvc/webhook/rfc3339.h"

namespace bam::rulesvc::api {
namespace {

using http::ApiRequest;
using http::ApiResponse;
using http::Principal;
using nlohmann::json;

json Time(int64_t ms) { return FormatRfc3339Millis(ms); }

json OptionalTime(const std::optional<int64_t>& ms) {
  // Alertmanager's "no end" (Go's zero time) is stored as such by older paths; show it as null.
  if (!ms || *ms == kGoZeroTimeMillis) return nullptr;
  return Time(*ms);
}

// A stored JSON object (labels, annotations): {} when it does not parse, so one bad row never
// breaks a listing.
json ObjectOrEmpty(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return !j.is_discarded() && j.is_object() ? j : json::object();
}

ApiResponse BadRequest(const std::string& message) {
  return ApiResponse::Error(400, "invalid_argument", message);
}

// The query string of the list request with `offset` replaced, for the Link header.
std::string NextLink(const ApiRequest& req, int64_t next_offset) {
  std::string q;
  for (const auto& [k, v] : req.query) {
    if (k == "offset") continue;
    q += (q.empty() ? "" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
  }
  q += (q.empty() ? "" : "&") + std::string("offset=") + std::to_string(next_offset);
  return "<" + (req.path.empty() ? std::string("/bam/alerts") : req.path) + "?" + q +
         ">; rel=\"next\"";
}

// Parses a JSON request body that must be an object.
StatusOr<json> BodyObject(const ApiRequest& req) {
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument("the request body must be a JSON object");
  }
  return j;
}

}  // namespace

json CommentToJson(const Comment& c) {
  return {
      {"id", c.id}, {"author", c.author}, {"created_at", Time(c.created_at_ms)}, {"text", c.text}};
}

AlertsApi::AlertsApi(AlertStore* store, std::function<int64_t()> now_ms)
    : store_(store), now_ms_(std::move(now_ms)) {}

StatusOr<json> AlertsApi::AlertJson(const AlertRecord& a) const {
  json j = {{"id", a.id},
            {"fingerprint", a.fingerprint},
            {"alertname", a.alertname},
            {"bam_rule_id", a.bam_rule_id},
            {"severity", a.severity},
            {"status", a.status},
            {"starts_at", Time(a.starts_at_ms)},
            {"ends_at", OptionalTime(a.ends_at_ms)},
            {"labels", ObjectOrEmpty(a.labels_json)},
            {"annotations", ObjectOrEmpty(a.annotations_json)},
            {"impact", nullptr},
            {"impact_unavailable_reason", nullptr},
            {"read", a.read},
            {"treated", a.treated},
            {"comment_count", a.comment_count},
            {"comments", json::array()},
            {"first_received_at", Time(a.first_received_at_ms)},
            {"last_event_at", Time(a.last_event_at_ms)}};
  if (a.enrichment_json) {
    json impact = json::parse(*a.enrichment_json, nullptr, /*allow_exceptions=*/false);
    if (!impact.is_discarded() && impact.is_object()) {
      j["impact"] = std::move(impact);
    } else {
      j["impact_unavailable_reason"] = "the stored enrichment is not valid JSON";
    }
  } else {
    // The reason is kept on the event that was (or was to be) enriched: the first firing one.
    auto events = store_->ListEvents(a.id);
    if (!events.ok()) return events.status();
    std::string reason = "not computed";
    for (const StoredEvent& e : *events) {
      if (e.record.status == "firing" && !e.record.enrichment_reason.empty()) {
        reason = e.record.enrichment_reason;
        break;
      }
    }
    j["impact_unavailable_reason"] = reason;
  }
  if (a.comment_count > 0) {
    auto comments = store_->ListComments(a.id);
    if (!comments.ok()) return comments.status();
    for (const Comment& c : *comments) j["comments"].push_back(CommentToJson(c));
  }
  return j;
}

ApiResponse AlertsApi::HandleList(const ApiRequest& req, const Principal&) const {
  if (Status s = CheckKnownParams(req, {"type", "rule", "severity", "status", "read", "treated",
                                        "from", "to", "offset", "limit"});
      !s.ok()) {
    return BadRequest(s.message());
  }
  AlertFilter filter;
  auto text = [&](const char* name, std::optional<std::string>* out) {
    if (std::string v = req.Query(name); !v.empty()) *out = v;
  };
  text("type", &filter.alertname);
  text("rule", &filter.bam_rule_id);
  text("severity", &filter.severity);
  text("status", &filter.status);
  if (filter.status && *filter.status != "firing" && *filter.status != "resolved") {
    return BadRequest("query parameter \"status\": \"" + *filter.status +
                      "\" is not a status; use firing or resolved");
  }
  for (auto [name, out] : {std::pair{"read", &filter.read}, {"treated", &filter.treated}}) {
    auto b = BoolParam(req, name);
    if (!b.ok()) return BadRequest(b.status().message());
    *out = *b;
  }
  for (auto [name, out] : {std::pair{"from", &filter.from_ms}, {"to", &filter.to_ms}}) {
    auto t = TimeParam(req, name);
    if (!t.ok()) return BadRequest(t.status().message());
    *out = *t;
  }
  if (filter.from_ms && filter.to_ms && *filter.from_ms > *filter.to_ms) {
    return BadRequest("query parameters \"from\" and \"to\": from is after to");
  }
  auto offset = IntParam(req, "offset", 0, 0, INT64_MAX);
  if (!offset.ok()) return BadRequest(offset.status().message());
  auto limit = IntParam(req, "limit", kDefaultLimit, 1, kMaxLimit);
  if (!limit.ok()) return BadRequest(limit.status().message());
  filter.offset = *offset;
  filter.limit = *limit;

  auto page = store_->ListAlerts(filter);
  if (!page.ok()) return ApiResponse::FromStatus(page.status());
  json alerts = json::array();
  for (const AlertRecord& a : page->alerts) {
    auto j = AlertJson(a);
    if (!j.ok()) return ApiResponse::FromStatus(j.status());
    alerts.push_back(std::move(*j));
  }
  const int64_t next = filter.offset + static_cast<int64_t>(page->alerts.size());
  const bool more = !page->alerts.empty() && next < page->total;
  json body = {{"alerts", std::move(alerts)},
               {"total", page->total},
               {"offset", filter.offset},
               {"limit", filter.limit},
               {"next_offset", more ? json(next) : json(nullptr)}};
  ApiResponse r = ApiResponse::Json(200, body.dump());
  if (more) r.headers.emplace_back("Link", NextLink(req, next));
  return r;
}

ApiResponse AlertsApi::HandleGet(const ApiRequest& req, const Principal&) const {
  auto id = IdParam(req);
  if (!id.ok()) return BadRequest(id.status().message());
  auto alert = store_->GetAlert(*id);
  if (!alert.ok()) return ApiResponse::FromStatus(alert.status());
  auto j = AlertJson(*alert);
  if (!j.ok()) return ApiResponse::FromStatus(j.status());
  auto events = store_->ListEvents(*id);
  if (!events.ok()) return ApiResponse::FromStatus(events.status());
  json list = json::array();
  for (const StoredEvent& e : *events) {
    list.push_back({{"id", e.id},
                    {"status", e.record.status},
                    {"group_key", e.record.group_key},
                    {"starts_at", Time(e.record.starts_at_ms)},
                    {"ends_at", OptionalTime(e.record.ends_at_ms)},
                    {"received_at", Time(e.record.received_at_ms)}});
  }
  (*j)["events"] = std::move(list);
  return ApiResponse::Json(200, j->dump());
}

ApiResponse AlertsApi::HandlePatch(const ApiRequest& req, const Principal&) const {
  auto id = IdParam(req);
  if (!id.ok()) return BadRequest(id.status().message());
  auto body = BodyObject(req);
  if (!body.ok()) return BadRequest(body.status().message() + ", e.g. {\"read\": true}");
  AlertPatch patch;
  for (const auto& [key, value] : body->items()) {
    std::optional<bool>* field = key == "read"      ? &patch.read
                                 : key == "treated" ? &patch.treated
                                                    : nullptr;
    if (field == nullptr) {
      return BadRequest("unknown field \"" + key + "\"; a patch may set read and treated");
    }
    if (!value.is_boolean()) {
      return BadRequest("field \"" + key + "\" must be true or false, not " + value.dump());
    }
    *field = value.get<bool>();
  }
  if (!patch.read && !patch.treated) {
    return BadRequest("empty patch; set read and/or treated, e.g. {\"treated\": true}");
  }
  auto alert = store_->PatchAlert(*id, patch);
  if (!alert.ok()) return ApiResponse::FromStatus(alert.status());
  auto j = AlertJson(*alert);
  if (!j.ok()) return ApiResponse::FromStatus(j.status());
  return ApiResponse::Json(200, j->dump());
}

ApiResponse AlertsApi::HandleListComments(const ApiRequest& req, const Principal&) const {
  auto id = IdParam(req);
  if (!id.ok()) return BadRequest(id.status().message());
  // ListComments of an unknown alert is an empty list; the API says 404.
  if (auto alert = store_->GetAlert(*id); !alert.ok()) {
    return ApiResponse::FromStatus(alert.status());
  }
  auto comments = store_->ListComments(*id);
  if (!comments.ok()) return ApiResponse::FromStatus(comments.status());
  json list = json::array();
  for (const Comment& c : *comments) list.push_back(CommentToJson(c));
  return ApiResponse::Json(200, json{{"comments", std::move(list)}}.dump());
}

ApiResponse AlertsApi::HandleAddComment(const ApiRequest& req, const Principal& who) const {
  auto id = IdParam(req);
  if (!id.ok()) return BadRequest(id.status().message());
  if (who.subject.empty()) {
    return ApiResponse::Error(401, "unauthenticated", "a comment needs a token with a subject");
  }
  auto body = BodyObject(req);
  if (!body.ok()) return BadRequest(body.status().message() + ", e.g. {\"text\": \"...\"}");
  for (const auto& [key, value] : body->items()) {
    if (key != "text") return BadRequest("unknown field \"" + key + "\"; a comment has only text");
  }
  if (!body->contains("text") || !(*body)["text"].is_string()) {
    return BadRequest("field \"text\" is required and must be a string");
  }
  const std::string text = (*body)["text"].get<std::string>();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return BadRequest("field \"text\" is empty");
  }
  if (size_t n = Utf8Length(text); n > kMaxCommentLength) {
    return BadRequest("field \"text\" has " + std::to_string(n) + " characters; at most " +
                      std::to_string(kMaxCommentLength) + " are allowed");
  }
  const int64_t now = now_ms_ ? now_ms_()
                              : std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  auto comment = store_->AddComment(*id, who.subject, text, now);
  if (!comment.ok()) return ApiResponse::FromStatus(comment.status());
  ApiResponse r = ApiResponse::Json(201, CommentToJson(*comment).dump());
  r.headers.emplace_back("Location", "/bam/alerts/" + std::to_string(*id) + "/comments");
  return r;
}

}  // namespace bam::rulesvc::api
