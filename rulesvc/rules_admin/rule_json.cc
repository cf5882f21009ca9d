#include "rulesvc/rules_admin/rule_json.h"

#include <algorithm>

#include "common/diagnostic.h"

namespace bam::rulesvc::rules_admin {
namespace {

using nlohmann::json;

constexpr std::string_view kHeader =
    "# Rules created through the bam-rulesvc API (/bam/rules). Managed by the service: edit them\n"
    "# through the API; the catalog files named in the configuration stay the GitOps source.\n";
constexpr int kHeaderLines = 2;

const std::vector<std::string> kSeverities = {"info", "warning", "critical"};

std::string TypeName(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "something else";
  }
}

class Checker {
 public:
  explicit Checker(std::vector<FieldError>* errors) : errors_(errors) {}

  void Error(std::string path, std::string message, std::string hint = "") {
    errors_->push_back({std::move(path), std::move(message), std::move(hint)});
  }

  bool String(const json& j, const std::string& path, std::string_view example) {
    if (j.is_string()) return true;
    Error(path, "expected a string, found " + TypeName(j), std::string(example));
    return false;
  }

  void StringMap(const json& j, const std::string& path, std::string_view example,
                 const std::vector<std::string>* keys, json* out) {
    if (!j.is_object()) {
      Error(path, "expected an object, found " + TypeName(j), std::string(example));
      return;
    }
    json result = json::object();
    for (const auto& [k, v] : j.items()) {
      std::string p = path + "." + k;
      if (keys != nullptr && std::find(keys->begin(), keys->end(), k) == keys->end()) {
        std::string close = SuggestClosest(k, *keys);
        Error(p, "unknown key \"" + k + "\"",
              close.empty() ? "one of " + JoinNames(*keys) : "\"" + close + "\"");
        continue;
      }
      if (String(v, p, example)) result[k] = v;
    }
    *out = std::move(result);
  }

 private:
  std::vector<FieldError>* errors_;
};

}  // namespace

const std::vector<std::string>& RuleFields() {
  static const std::vector<std::string> kFields = {
      "id",     "name",    "description", "when",        "severity",
      "labels", "actions", "message",     "runbook_url", "enabled"};
  return kFields;
}

const std::vector<std::string>& ReadOnlyFields() {
  static const std::vector<std::string> kFields = {"source", "kpi",     "alerts",
                                                   "groups", "applied", "severities"};
  return kFields;
}

json RuleFromJson(const json& body, std::vector<FieldError>* errors) {
  size_t before = errors->size();
  Checker c(errors);
  if (!body.is_object()) {
    c.Error("", "expected a JSON object with the rule's fields, found " + TypeName(body),
            R"({"id": "conversion-low", "when": "checkout_success_rate < 90 for 10m"})");
    return json();
  }
  for (const auto& [k, v] : body.items()) {
    const auto& fields = RuleFields();
    if (std::find(fields.begin(), fields.end(), k) != fields.end()) continue;
    const auto& ro = ReadOnlyFields();
    if (std::find(ro.begin(), ro.end(), k) != ro.end()) continue;
    std::string close = SuggestClosest(k, fields);
    c.Error(k, "unknown field \"" + k + "\"",
            close.empty() ? "one of " + JoinNames(fields) : "\"" + close + "\"");
  }
  json out = json::object();
  for (const std::string& name : RuleFields()) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) continue;
    const json& v = *it;
    if (name == "when") {
      if (v.is_object()) {
        json m;
        c.StringMap(v, "when", R"({"warning": "K < 95 for 10m", "critical": "K < 90 for 10m"})",
                    &kSeverities, &m);
        if (m.is_object()) out[name] = std::move(m);
      } else if (v.is_string()) {
        out[name] = v;
      } else {
        c.Error("when", "expected a string or an object of severities, found " + TypeName(v),
                R"("checkout_success_rate < 90 for 10m")");
      }
    } else if (name == "labels") {
      json m;
      c.StringMap(v, "labels", R"({"team": "checkout"})", nullptr, &m);
      if (m.is_object()) out[name] = std::move(m);
    } else if (name == "actions") {
      if (!v.is_array()) {
        c.Error("actions", "expected an array of channel names, found " + TypeName(v),
                R"(["slack_ops", "email_ops"])");
        continue;
      }
      json list = json::array();
      for (size_t i = 0; i < v.size(); ++i) {
        if (c.String(v[i], "actions[" + std::to_string(i) + "]", R"("slack_ops")")) {
          list.push_back(v[i]);
        }
      }
      out[name] = std::move(list);
    } else if (name == "enabled") {
      if (v.is_boolean()) {
        out[name] = v;
      } else {
        c.Error("enabled", "expected true or false, found " + TypeName(v), "\"enabled\": false");
      }
    } else if (c.String(v, name, name == "severity" ? R"("critical")" : R"("text")")) {
      out[name] = v;
    }
  }
  if (errors->size() != before) return json();
  return out;
}

json RuleToJson(const Rule& rule) {
  json j = json::object();
  j["id"] = rule.id;
  if (!rule.name.empty() && rule.name != rule.id) j["name"] = rule.name;
  if (!rule.description.empty()) j["description"] = rule.description;
  if (rule.conditions.size() == 1) {
    j["when"] = rule.conditions[0].when.text;
    j["severity"] = rule.conditions[0].severity;
  } else if (!rule.conditions.empty()) {
    json when = json::object();
    for (const RuleCondition& c : rule.conditions) when[c.severity] = c.when.text;
    j["when"] = std::move(when);
  }
  if (!rule.labels.empty()) j["labels"] = rule.labels;
  if (!rule.actions.empty()) j["actions"] = rule.actions;
  if (!rule.message.empty()) j["message"] = rule.message.text;
  if (!rule.runbook_url.empty()) j["runbook_url"] = rule.runbook_url;
  if (!rule.enabled) j["enabled"] = false;
  return j;
}

std::string OverlayText(const std::vector<json>& rules) {
  std::string text(kHeader);
  text += "version: 1\n";
  if (rules.empty()) return text + "rules: []\n";
  text += "rules:\n";
  for (const json& r : rules) {
    // One line per rule; dump() escapes control characters, so a line break in a field stays "\n".
    text += "  - " + r.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  }
  return text;
}

int OverlayLine(size_t index) { return kHeaderLines + 3 + static_cast<int>(index); }

}  // namespace bam::rulesvc::rules_admin
