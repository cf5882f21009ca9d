#include "rulesvc/rules_admin/rule_manager.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "rulesvc/compiler/compiler.h"
#include "rulesvc/compiler/conventions.h"
#include "rulesvc/compiler/rule_writer.h"
#include "rulesvc/rules_admin/atomic_file.h"
#include "rulesvc/rules_admin/prometheus_admin.h"
#include "rulesvc/rules_admin/promtool_check.h"
#include "rulesvc/rules_admin/rule_json.h"

namespace bam::rulesvc::rules_admin {
namespace {

namespace cv = conventions;
using http::ApiRequest;
using http::ApiResponse;
using http::Permission;
using http::Principal;
using nlohmann::json;

// The loaded and compiled state for one overlay, or the diagnostics that stopped it.
struct Built {
  std::shared_ptr<RuleManager::Snapshot> snap = std::make_shared<RuleManager::Snapshot>();
  std::string overlay_text;
  std::string rules_text;
  DiagnosticList diags;
  bool ok = false;
};

Built Build(const RuleManager::Options& o, const std::vector<json>& overlay) {
  Built b;
  b.overlay_text = OverlayText(overlay);
  Catalog& cat = b.snap->catalog;
  bool ok = LoadCatalogs(o.catalog_files, &cat, &b.diags);
  ok = ParseCatalog(o.overlay_path, b.overlay_text, &cat, &b.diags) && ok;
  // The compiler's checks need a catalog that loaded; diagnostics of both stages come back at once
  // only when loading succeeded.
  ok = ok && Compile(cat, &b.snap->rules, &b.diags);
  b.diags.Sort();
  for (const Rule& r : cat.rules) {
    if (r.file == o.overlay_path) b.snap->api_rule_ids.insert(r.id);
  }
  if (!ok) return b;
  b.rules_text = o.format == "operator" ? WritePrometheusRule(b.snap->rules, "bam-rules")
                                        : WritePrometheusRules(b.snap->rules);
  b.ok = true;
  return b;
}

const Rule* FindRule(const Catalog& cat, std::string_view id) {
  for (const Rule& r : cat.rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

const RuleGroup* FindGroup(const RuleFile& file, const std::string& name) {
  for (const RuleGroup& g : file.groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

std::string Where(const Rule& r) {
  return r.file + ":" + std::to_string(r.pos.line) + ":" + std::to_string(r.pos.column);
}

json RenderRule(const RuleManager::Snapshot& snap, const Rule& rule) {
  json j = RuleToJson(rule);
  j["name"] = rule.name.empty() ? rule.id : rule.name;
  j["enabled"] = rule.enabled;
  if (rule.conditions.size() > 1) {
    json sev = json::array();
    for (const RuleCondition& c : rule.conditions) sev.push_back(c.severity);
    j["severities"] = std::move(sev);
  }
  bool api = snap.api_rule_ids.count(rule.id) != 0;
  j["source"] = api ? std::string("api") : "catalog:" + rule.file;
  if (!api) {
    j["file"] = rule.file;
    j["line"] = rule.pos.line;
  }
  json groups = json::array(), alerts = json::array();
  std::string kpi;
  std::string group_name = cv::RuleGroupName(rule.id);
  if (const RuleGroup* g = FindGroup(snap.rules, group_name)) {
    groups.push_back(group_name);
    for (const AlertingRule& a : g->alerts) {
      auto sev = a.labels.find(std::string(cv::kSeverityLabel));
      alerts.push_back({{"alert", a.alert},
                        {"severity", sev == a.labels.end() ? "" : sev->second},
                        {"group", group_name}});
      auto k = a.labels.find(std::string(cv::kKpiLabel));
      if (kpi.empty() && k != a.labels.end()) kpi = k->second;
    }
  }
  j["kpi"] = kpi;
  j["groups"] = std::move(groups);
  j["alerts"] = std::move(alerts);
  return j;
}

ApiResponse JsonError(int status, std::string_view code, std::string_view message,
                      json extra = json::object()) {
  json err = {{"code", code}, {"message", message}};
  for (auto& [k, v] : extra.items()) err[k] = v;
  json body = {{"error", std::move(err)}, {"applied", false}};
  return ApiResponse::Json(status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

// The byte offset in `t.text` that the loader maps to `pos`, if any.
std::optional<size_t> OffsetOf(const TextAt& t, Position pos) {
  for (size_t o = 0; o <= t.text.size(); ++o) {
    Position p = t.At(o);
    if (p.line == pos.line && p.column == pos.column) return o;
  }
  return std::nullopt;
}

// Diagnostics as JSON; those inside the submitted rule (overlay line `line`, 0 = none) are
// located relative to it: "when:1:14: unknown KPI ..." instead of a line of the overlay file.
// Sets *in_rule when at least one is.
json RenderDiagnostics(const DiagnosticList& diags, const Catalog& partial,
                       const std::string& overlay, int line, bool* in_rule) {
  *in_rule = false;
  const Rule* submitted = nullptr;
  for (const Rule& r : partial.rules) {
    if (r.file == overlay && r.pos.line == line) submitted = &r;
  }
  json list = json::array();
  for (const Diagnostic& d : diags.items()) {
    json item = {{"message", d.message}};
    if (!d.hint.empty()) item["hint"] = d.hint;
    if (line > 0 && d.file == overlay && d.pos.line == line) {
      *in_rule = true;
      std::string field = d.path;
      size_t dot = field.find("].");
      field = dot == std::string::npos ? "" : field.substr(dot + 2);
      std::string where = field.empty() ? "rule" : field;
      if (submitted != nullptr) {
        std::vector<const TextAt*> texts;
        for (const RuleCondition& c : submitted->conditions) texts.push_back(&c.when);
        texts.push_back(&submitted->message);
        for (const TextAt* t : texts) {
          if (t->path != d.path || t->text.empty()) continue;
          if (auto o = OffsetOf(*t, d.pos)) {
            item["column"] = *o + 1;
            where += ":1:" + std::to_string(*o + 1);
          }
          break;
        }
      }
      item["field"] = field;
      item["text"] = where + ": " + d.message + (d.hint.empty() ? "" : "\n\tTry " + d.hint);
    } else {
      item["file"] = d.file;
      if (d.pos.line > 0) {
        item["line"] = d.pos.line;
        item["column"] = d.pos.column;
      }
      if (!d.path.empty()) item["field"] = d.path;
      item["text"] = d.Format();
    }
    list.push_back(std::move(item));
  }
  return list;
}

std::string IdFrom(const ApiRequest& r, const std::string& prefix) {
  auto it = r.path_params.find("id");
  if (it != r.path_params.end()) return it->second;
  if (r.path.size() > prefix.size() + 1 && r.path.compare(0, prefix.size(), prefix) == 0 &&
      r.path[prefix.size()] == '/') {
    return r.path.substr(prefix.size() + 1);
  }
  return "";
}

std::optional<ApiResponse> Forbidden(const Principal& who, Permission p) {
  if (who.Allows(p)) return std::nullopt;
  return ApiResponse::Error(403, "forbidden",
                            p == Permission::kRead
                                ? "reading rules needs a role"
                                : "changing rules needs the analyst or admin role");
}

// Parses a request body as JSON and checks its shape. On error returns the 400 answer.
std::optional<ApiResponse> ParseBody(const std::string& body, json* rule) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    return JsonError(400, "invalid_argument",
                     "the body is not JSON (byte " + std::to_string(e.byte) + ")",
                     {{"detail", e.what()}});
  }
  std::vector<FieldError> errors;
  *rule = RuleFromJson(j, &errors);
  if (errors.empty()) return std::nullopt;
  json list = json::array();
  std::string text;
  for (const FieldError& e : errors) {
    json item = {{"field", e.path}, {"message", e.message}};
    if (!e.hint.empty()) item["hint"] = e.hint;
    std::string line = (e.path.empty() ? "body" : e.path) + ": " + e.message;
    if (!e.hint.empty()) line += "\n\tTry " + e.hint;
    item["text"] = line;
    text += (text.empty() ? "" : "\n") + line;
    list.push_back(std::move(item));
  }
  return JsonError(400, "invalid_argument", text, {{"diagnostics", std::move(list)}});
}

// Does Prometheus show `expected` (every group, with the same rules) and not `gone`? Returns ""
// when it does, else what differs.
std::string Compare(const RuleFile& expected, const std::vector<LoadedGroup>& loaded,
                    const std::string& gone) {
  auto matches = [](const RuleGroup& want, const LoadedGroup& got) -> std::string {
    if (got.rules.size() != want.records.size() + want.alerts.size()) {
      return "group " + want.name + " has " + std::to_string(got.rules.size()) + " rules loaded, " +
             std::to_string(want.records.size() + want.alerts.size()) + " written";
    }
    size_t i = 0;
    for (const RecordingRule& r : want.records) {
      const LoadedRule& l = got.rules[i++];
      if (l.name != r.record || l.labels != r.labels) {
        return "group " + want.name + ": recording rule " + r.record + " differs (loaded " +
               l.name + ")";
      }
    }
    for (const AlertingRule& a : want.alerts) {
      const LoadedRule& l = got.rules[i++];
      if (l.name != a.alert || l.labels != a.labels || l.annotations != a.annotations ||
          static_cast<int64_t>(l.duration_s * 1000 + 0.5) != a.for_ms) {
        return "group " + want.name + ": alert " + a.alert + " is not the one written";
      }
    }
    return "";
  };
  for (const RuleGroup& want : expected.groups) {
    std::string last = "group " + want.name + " is not loaded";
    bool found = false;
    for (const LoadedGroup& got : loaded) {
      if (got.name != want.name) continue;
      last = matches(want, got);
      if (last.empty()) {
        found = true;
        break;
      }
    }
    if (!found) return last;
  }
  if (!gone.empty()) {
    for (const LoadedGroup& got : loaded) {
      if (got.name == gone) return "group " + gone + " is still loaded";
    }
  }
  return "";
}

}  // namespace

RuleManager::RuleManager(Options options) : options_(std::move(options)) {}

Status RuleManager::Init() {
  std::lock_guard<std::mutex> lock(mutate_mu_);
  // The overlay is loaded as a catalog file; its rules become the in-memory list of API rules.
  StatusOr<std::optional<std::string>> prev = ReadIfExists(options_.overlay_path);
  if (!prev.ok()) return prev.status();
  std::vector<std::string> files = options_.catalog_files;
  if (prev->has_value()) files.push_back(options_.overlay_path);
  auto snap = std::make_shared<Snapshot>();
  DiagnosticList diags;
  bool ok =
      LoadCatalogs(files, &snap->catalog, &diags) && Compile(snap->catalog, &snap->rules, &diags);
  if (!ok) {
    diags.Sort();
    return Status::InvalidArgument("the rule catalogs do not compile:\n" + diags.Format());
  }
  overlay_.clear();
  for (const Rule& r : snap->catalog.rules) {
    if (r.file != options_.overlay_path) continue;
    snap->api_rule_ids.insert(r.id);
    overlay_.push_back(RuleToJson(r));
  }
  if (!options_.rules_out.empty()) {
    std::string text = options_.format == "operator" ? WritePrometheusRule(snap->rules, "bam-rules")
                                                     : WritePrometheusRules(snap->rules);
    Status s = WriteAtomically(options_.rules_out, text);
    if (!s.ok()) return s;
    if (!options_.prometheus_url.empty() && options_.format == "prometheus") {
      init_reload_status_ =
          PrometheusAdmin(options_.prometheus_url, options_.reload_timeout).Reload();
    }
  }
  std::lock_guard<std::mutex> snap_lock(snap_mu_);
  snap_ = std::move(snap);
  return Status();
}

std::shared_ptr<const RuleManager::Snapshot> RuleManager::snapshot() const {
  std::lock_guard<std::mutex> lock(snap_mu_);
  return snap_;
}

std::shared_ptr<const Catalog> RuleManager::catalog() const {
  std::shared_ptr<const Snapshot> s = snapshot();
  if (!s) return nullptr;
  return std::shared_ptr<const Catalog>(s, &s->catalog);
}

void RuleManager::SetOnChange(std::function<void(std::shared_ptr<const Snapshot>)> callback) {
  std::lock_guard<std::mutex> lock(mutate_mu_);
  on_change_ = std::move(callback);
}

Status RuleManager::init_reload_status() const { return init_reload_status_; }

ApiResponse RuleManager::RuleResponse(const Snapshot& snap, const std::string& id) const {
  const Rule* r = FindRule(snap.catalog, id);
  if (r == nullptr) {
    std::vector<std::string> ids;
    for (const Rule& rule : snap.catalog.rules) ids.push_back(rule.id);
    std::string close = SuggestClosest(id, ids);
    return JsonError(404, "not_found", "no rule \"" + id + "\"",
                     close.empty() ? json::object() : json{{"hint", "\"" + close + "\""}});
  }
  return ApiResponse::Json(
      200, RenderRule(snap, *r).dump(-1, ' ', false, json::error_handler_t::replace));
}

ApiResponse RuleManager::HandleList(const ApiRequest&, const Principal& who) {
  if (auto f = Forbidden(who, Permission::kRead)) return *f;
  std::shared_ptr<const Snapshot> snap = snapshot();
  if (!snap) return ApiResponse::Error(503, "unavailable", "rules are not loaded yet");
  std::vector<const Rule*> rules;
  for (const Rule& r : snap->catalog.rules) rules.push_back(&r);
  std::sort(rules.begin(), rules.end(), [](const Rule* a, const Rule* b) { return a->id < b->id; });
  json list = json::array();
  for (const Rule* r : rules) list.push_back(RenderRule(*snap, *r));
  json body = {{"rules", std::move(list)}};
  return ApiResponse::Json(200, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

ApiResponse RuleManager::HandleGet(const ApiRequest& request, const Principal& who) {
  if (auto f = Forbidden(who, Permission::kRead)) return *f;
  std::shared_ptr<const Snapshot> snap = snapshot();
  if (!snap) return ApiResponse::Error(503, "unavailable", "rules are not loaded yet");
  return RuleResponse(*snap, IdFrom(request, options_.api_prefix));
}

ApiResponse RuleManager::HandleCreate(const ApiRequest& request, const Principal& who) {
  if (auto f = Forbidden(who, Permission::kEditRules)) return *f;
  json rule;
  if (auto bad = ParseBody(request.body, &rule)) return *bad;
  if (!rule.contains("id")) {
    return JsonError(400, "invalid_argument", "id: missing required field",
                     {{"hint", R"("id": "conversion-low" (lower-case words joined by "-"))"}});
  }
  std::string id = rule["id"].get<std::string>();
  std::lock_guard<std::mutex> lock(mutate_mu_);
  std::shared_ptr<const Snapshot> snap = snapshot();
  if (!snap) return ApiResponse::Error(503, "unavailable", "rules are not loaded yet");
  if (const Rule* r = FindRule(snap->catalog, id)) {
    bool api = snap->api_rule_ids.count(id) != 0;
    return JsonError(409, "already_exists",
                     "rule \"" + id + "\" already exists" +
                         (api ? " (created through the API)" : " in " + Where(*r)),
                     {{"hint", api ? "PUT " + options_.api_prefix + "/" + id + " to change it"
                                   : std::string("another id")}});
  }
  std::vector<json> rules = overlay_;
  rules.push_back(std::move(rule));
  return Mutate(Change::kCreate, id, std::move(rules));
}

ApiResponse RuleManager::HandleUpdate(const ApiRequest& request, const Principal& who) {
  if (auto f = Forbidden(who, Permission::kEditRules)) return *f;
  std::string id = IdFrom(request, options_.api_prefix);
  json rule;
  if (auto bad = ParseBody(request.body, &rule)) return *bad;
  if (rule.contains("id") && rule["id"].get<std::string>() != id) {
    return JsonError(400, "invalid_argument",
                     "id: the body's id \"" + rule["id"].get<std::string>() +
                         "\" differs from the URL's \"" + id + "\"",
                     {{"hint",
                       "leaving \"id\" out; a rule cannot be renamed (DELETE it and "
                       "POST the new one)"}});
  }
  json with_id = std::move(rule);
  with_id["id"] = id;
  std::lock_guard<std::mutex> lock(mutate_mu_);
  std::shared_ptr<const Snapshot> snap = snapshot();
  if (!snap) return ApiResponse::Error(503, "unavailable", "rules are not loaded yet");
  const Rule* existing = FindRule(snap->catalog, id);
  if (existing == nullptr) return RuleResponse(*snap, id);
  if (snap->api_rule_ids.count(id) == 0) {
    return JsonError(409, "read_only",
                     "rule \"" + id + "\" comes from catalog file " + Where(*existing) +
                         ", the GitOps source; the API cannot change it",
                     {{"hint", "editing " + Where(*existing) + " in the repository"}});
  }
  std::vector<json> rules = overlay_;
  for (json& r : rules) {
    if (r.value("id", "") == id) r = with_id;
  }
  return Mutate(Change::kUpdate, id, std::move(rules));
}

ApiResponse RuleManager::HandleDelete(const ApiRequest& request, const Principal& who) {
  if (auto f = Forbidden(who, Permission::kEditRules)) return *f;
  std::string id = IdFrom(request, options_.api_prefix);
  std::lock_guard<std::mutex> lock(mutate_mu_);
  std::shared_ptr<const Snapshot> snap = snapshot();
  if (!snap) return ApiResponse::Error(503, "unavailable", "rules are not loaded yet");
  const Rule* existing = FindRule(snap->catalog, id);
  if (existing == nullptr) return RuleResponse(*snap, id);
  if (snap->api_rule_ids.count(id) == 0) {
    return JsonError(409, "read_only",
                     "rule \"" + id + "\" comes from catalog file " + Where(*existing) +
                         ", the GitOps source; the API cannot delete it",
                     {{"hint", "removing it from " + Where(*existing) +
                                   " in the repository, or \"enabled: false\" there"}});
  }
  std::vector<json> rules;
  for (const json& r : overlay_) {
    if (r.value("id", "") != id) rules.push_back(r);
  }
  return Mutate(Change::kDelete, id, std::move(rules));
}

// REQUIRES: mutate_mu_ held.
ApiResponse RuleManager::Mutate(Change change, const std::string& id, std::vector<json> rules) {
  int line = 0;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].value("id", "") == id) line = OverlayLine(i);
  }
  Built b = Build(options_, rules);
  if (!b.ok) {
    bool in_rule = false;
    json diags = RenderDiagnostics(b.diags, b.snap->catalog, options_.overlay_path, line, &in_rule);
    std::string text;
    for (const auto& d : diags) text += (text.empty() ? "" : "\n") + d["text"].get<std::string>();
    // Problems in the submitted rule are the caller's to fix (400); problems elsewhere (a catalog
    // file broken on disk) block every change until they are fixed there (409).
    return JsonError(in_rule ? 400 : 409, in_rule ? "invalid_rule" : "catalog_invalid", text,
                     {{"diagnostics", std::move(diags)}});
  }

  json report = json::object();
  bool applied = false;
  std::string note;
  if (options_.rules_out.empty()) {
    Status s = WriteAtomically(options_.overlay_path, b.overlay_text);
    if (!s.ok()) return ApiResponse::FromStatus(s);
    note = "rules_out is not configured: the rule is checked and stored in " +
           options_.overlay_path + ", but no Prometheus rule file is written";
  } else {
    StatusOr<std::optional<std::string>> prev_overlay = ReadIfExists(options_.overlay_path);
    if (!prev_overlay.ok()) return ApiResponse::FromStatus(prev_overlay.status());
    StatusOr<std::optional<std::string>> prev_rules = ReadIfExists(options_.rules_out);
    if (!prev_rules.ok()) return ApiResponse::FromStatus(prev_rules.status());

    Status failure;
    int failure_http = 0;
    std::string failure_code;
    Status s = WriteAtomically(options_.overlay_path, b.overlay_text);
    if (s.ok()) s = WriteAtomically(options_.rules_out, b.rules_text);
    if (!s.ok()) {
      failure = s;
      failure_http = 500;
      failure_code = "write_failed";
    } else if (options_.prometheus_url.empty() || options_.format != "prometheus") {
      note = options_.prometheus_url.empty()
                 ? "no Prometheus URL is configured: " + options_.rules_out +
                       " is written but Prometheus was not reloaded"
                 : "format " + options_.format + ": " + options_.rules_out +
                       " is written for the Prometheus Operator, which applies it";
    } else {
      PrometheusAdmin prom(options_.prometheus_url, options_.reload_timeout);
      s = prom.Reload();
      if (!s.ok()) {
        failure = s;
        bool refused = s.code() == StatusCode::kFailedPrecondition;
        failure_http = refused ? 422 : 503;
        failure_code = refused ? "rejected_by_prometheus" : "prometheus_unavailable";
      } else {
        std::string gone =
            change == Change::kDelete || !FindGroup(b.snap->rules, cv::RuleGroupName(id))
                ? cv::RuleGroupName(id)
                : "";
        const auto deadline = std::chrono::steady_clock::now() + options_.verify_timeout;
        std::string last;
        while (true) {
          StatusOr<std::vector<LoadedGroup>> loaded = prom.Rules();
          last = loaded.ok() ? Compare(b.snap->rules, *loaded, gone) : loaded.status().message();
          if (last.empty() || std::chrono::steady_clock::now() >= deadline) break;
          std::this_thread::sleep_for(options_.verify_interval);
        }
        if (!last.empty()) {
          failure = Status::Unavailable("prometheus reloaded but does not show the rules: " + last);
          failure_http = 502;
          failure_code = "not_loaded";
        } else {
          applied = true;
        }
      }
    }
    if (failure_http != 0) {
      json rollback = json::object();
      Status r1 = Restore(options_.overlay_path, *prev_overlay);
      Status r2 = Restore(options_.rules_out, *prev_rules);
      rollback["restored"] = r1.ok() && r2.ok();
      if (!r1.ok()) rollback["overlay_error"] = r1.message();
      if (!r2.ok()) rollback["rules_out_error"] = r2.message();
      if (!options_.prometheus_url.empty() && options_.format == "prometheus" &&
          failure_code != "write_failed") {
        Status r = PrometheusAdmin(options_.prometheus_url, options_.reload_timeout).Reload();
        rollback["reload"] = r.ok() ? "ok" : r.message();
      }
      json extra = {{"prometheus", failure.message()}, {"rollback", std::move(rollback)}};
      std::string message = failure.message();
      if (failure_code == "rejected_by_prometheus") {
        std::string why = PromtoolProblems(options_.promtool, b.rules_text,
                                           options_.rules_out + ".check.yml", options_.rules_out);
        if (!why.empty()) {
          extra["details"] = why;
          message += "\n" + why;
        }
      }
      return JsonError(failure_http, failure_code, message + "\nthe previous rules are kept",
                       std::move(extra));
    }
  }

  overlay_ = std::move(rules);
  std::shared_ptr<const Snapshot> snap = b.snap;
  {
    std::lock_guard<std::mutex> lock(snap_mu_);
    snap_ = snap;
  }
  if (on_change_) on_change_(snap);

  json body;
  if (change == Change::kDelete) {
    body = {{"id", id}, {"deleted", true}};
  } else {
    body = RenderRule(*snap, *FindRule(snap->catalog, id));
  }
  body["applied"] = applied;
  if (!note.empty()) body["note"] = note;
  ApiResponse r = ApiResponse::Json(change == Change::kCreate ? 201 : 200,
                                    body.dump(-1, ' ', false, json::error_handler_t::replace));
  if (change == Change::kCreate) r.headers.emplace_back("Location", options_.api_prefix + "/" + id);
  return r;
}

}  // namespace bam::rulesvc::rules_admin
