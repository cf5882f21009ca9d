#include "rulesvc/webhook/webhook_parser.h"

#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "rulesvc/webhook/fingerprint.h"
#include "rulesvc/webhook/rfc3339.h"

namespace bam::rulesvc {
namespace {

using json = nlohmann::json;

const char* TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "object";
    case json::value_t::array:
      return "array";
    case json::value_t::string:
      return "string";
    case json::value_t::boolean:
      return "boolean";
    case json::value_t::binary:
      return "binary";
    case json::value_t::discarded:
      return "discarded";
    default:
      return "number";
  }
}

Status WrongType(const std::string& path, const char* want, const json& got) {
  return Status::InvalidArgument(path + ": want " + want + ", got " + TypeName(got));
}

// The member `key` of `obj`, or nullptr when absent or null.
const json* Member(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string Join(const std::string& path, const char* key) {
  return path.empty() ? std::string(key) : path + "." + key;
}

Status GetString(const json& obj, const std::string& path, const char* key, std::string* out) {
  const json* v = Member(obj, key);
  if (v == nullptr) return {};
  if (!v->is_string()) return WrongType(Join(path, key), "a string", *v);
  *out = v->get<std::string>();
  return {};
}

Status GetLabels(const json& obj, const std::string& path, const char* key, LabelMap* out) {
  const json* v = Member(obj, key);
  if (v == nullptr) return {};
  const std::string p = Join(path, key);
  if (!v->is_object()) return WrongType(p, "an object", *v);
  for (const auto& [name, value] : v->items()) {
    if (!value.is_string()) return WrongType(p + "." + name, "a string", value);
    (*out)[name] = value.get<std::string>();
  }
  return {};
}

Status GetStatus(const json& obj, const std::string& path, AlertStatus* out) {
  const json* v = Member(obj, "status");
  if (v == nullptr) return {};
  const std::string p = Join(path, "status");
  if (!v->is_string()) return WrongType(p, "a string", *v);
  const auto& s = v->get_ref<const std::string&>();
  if (s == "firing") {
    *out = AlertStatus::kFiring;
  } else if (s == "resolved") {
    *out = AlertStatus::kResolved;
  } else {
    return Status::InvalidArgument(p + ": unknown status \"" + s + "\" (want firing or resolved)");
  }
  return {};
}

// Parses a time member; *present is false when absent, null, or Go's zero time.
Status GetTime(const json& obj, const std::string& path, const char* key, bool* present,
               int64_t* out) {
  *present = false;
  const json* v = Member(obj, key);
  if (v == nullptr) return {};
  const std::string p = Join(path, key);
  if (!v->is_string()) return WrongType(p, "a string", *v);
  const auto t = ParseRfc3339Millis(v->get_ref<const std::string&>());
  if (!t.ok()) return Status::InvalidArgument(p + ": " + t.status().message());
  if (*t == kGoZeroTimeMillis) return {};
  *present = true;
  *out = *t;
  return {};
}

Status ParseAlert(const json& j, const std::string& path, AlertStatus group_status, AlertEvent* a) {
  if (!j.is_object()) return WrongType(path, "an object", j);
  a->status = group_status;
  if (Status s = GetStatus(j, path, &a->status); !s.ok()) return s;
  if (Status s = GetLabels(j, path, "labels", &a->labels); !s.ok()) return s;
  if (Status s = GetLabels(j, path, "annotations", &a->annotations); !s.ok()) return s;
  bool present = false;
  if (Status s = GetTime(j, path, "startsAt", &present, &a->starts_at_ms); !s.ok()) return s;
  if (!present) {
    return Status::InvalidArgument(Join(path, "startsAt") +
                                   ": missing (required: it identifies the incident)");
  }
  int64_t ends = 0;
  if (Status s = GetTime(j, path, "endsAt", &present, &ends); !s.ok()) return s;
  if (present) a->ends_at_ms = ends;
  if (Status s = GetString(j, path, "generatorURL", &a->generator_url); !s.ok()) return s;
  if (Status s = GetString(j, path, "fingerprint", &a->fingerprint); !s.ok()) return s;
  if (a->fingerprint.empty()) {
    a->fingerprint = LabelsFingerprint(a->labels);
    a->fingerprint_computed = true;
  }
  return {};
}

Status ParseVersion(const json& root, WebhookMessage* m) {
  const json* v = Member(root, "version");
  if (v == nullptr) return {};  // very old senders; treat as "4"
  if (!v->is_string()) return WrongType("version", "a string", *v);
  m->version = v->get<std::string>();
  if (m->version == "4") return {};
  const json* org = Member(root, "orgId");
  if (m->version == "1" && org != nullptr && org->is_number_integer()) {
    m->origin = PayloadOrigin::kGrafana;
    return {};
  }
  return Status::InvalidArgument("version: unsupported webhook payload version \"" + m->version +
                                 "\" (want \"4\", or \"1\" from Grafana with orgId)");
}

Status ParseRoot(const json& root, WebhookMessage* m) {
  if (!root.is_object()) return WrongType("payload", "an object", root);
  if (Status s = ParseVersion(root, m); !s.ok()) return s;
  if (Status s = GetString(root, "", "groupKey", &m->group_key); !s.ok()) return s;
  if (const json* t = Member(root, "truncatedAlerts"); t != nullptr) {
    if (!t->is_number_integer() || t->get<int64_t>() < 0) {
      return WrongType("truncatedAlerts", "a non-negative integer", *t);
    }
    m->truncated_alerts = t->get<int64_t>();
  }
  if (Status s = GetStatus(root, "", &m->status); !s.ok()) return s;
  if (Status s = GetString(root, "", "receiver", &m->receiver); !s.ok()) return s;
  if (Status s = GetLabels(root, "", "groupLabels", &m->group_labels); !s.ok()) return s;
  if (Status s = GetLabels(root, "", "commonLabels", &m->common_labels); !s.ok()) return s;
  if (Status s = GetLabels(root, "", "commonAnnotations", &m->common_annotations); !s.ok()) {
    return s;
  }
  if (Status s = GetString(root, "", "externalURL", &m->external_url); !s.ok()) return s;
  const json* alerts = Member(root, "alerts");
  if (alerts == nullptr) return Status::InvalidArgument("alerts: missing (want an array)");
  if (!alerts->is_array()) return WrongType("alerts", "an array", *alerts);
  m->alerts.resize(alerts->size());
  for (size_t i = 0; i < alerts->size(); ++i) {
    const std::string path = "alerts[" + std::to_string(i) + "]";
    if (Status s = ParseAlert((*alerts)[i], path, m->status, &m->alerts[i]); !s.ok()) return s;
  }
  return {};
}

}  // namespace

const char* AlertStatusName(AlertStatus s) {
  return s == AlertStatus::kResolved ? "resolved" : "firing";
}

StatusOr<WebhookMessage> ParseWebhook(std::string_view body) {
  try {
    json root;
    try {
      root = json::parse(body.begin(), body.end());
    } catch (const json::parse_error& e) {
      return Status::InvalidArgument(std::string("payload: invalid JSON: ") + e.what());
    }
    WebhookMessage m;
    if (Status s = ParseRoot(root, &m); !s.ok()) return s;
    return m;
  } catch (const std::exception& e) {
    return Status::Internal(std::string("parsing webhook payload: ") + e.what());
  }
}

}  // namespace bam::rulesvc
