// RuleManager: the catalog rules behind /bam/rules — listed, created, replaced and deleted through
// the API, compiled, written to Prometheus's rule file, reloaded and verified, or rolled back.
//
// Two kinds of rules:
//   - rules of the catalog files named in the configuration: the GitOps source, read-only here
//     (PUT/DELETE answer 409 naming the file and line to edit, as Grafana does for provisioned
//     alert rules);
//   - rules created through the API: kept in an overlay catalog file (`<state_dir>/api-rules.yml`,
//     only `version` and `rules:`) loaded after the catalog files, ids unique across all of them.
//
// A mutation: shape check of the JSON body (400, JSON paths) -> the new overlay text -> the whole
// catalog set loaded and compiled with the ordinary loader and compiler (400 with diagnostics
// located in the submitted rule) -> overlay and rules_out replaced atomically -> POST /-/reload ->
// GET /api/v1/rules until the compiled groups are loaded (and the deleted rule's group is gone)
// -> success, or both files restored to their previous bytes, Prometheus reloaded again, and a
// report: 422 when Prometheus refused the file (its error text), 503 when it could not be
// reached, 502 when it reloaded but did not show the rules. Without `rules_out` a change is
// checked and stored in the overlay only, answered with "applied": false.
//
// Thread-safety: this class is thread-safe. Mutations are serialised; reads use an immutable
// snapshot swapped after each successful change.
#ifndef BAM_RULESVC_RULES_ADMIN_RULE_MANAGER_H_
#define BAM_RULESVC_RULES_ADMIN_RULE_MANAGER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/compiler/rule_model.h"
#include "rulesvc/http/api_types.h"
#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::rules_admin {

class RuleManager {
 public:
  struct Options {
    std::vector<std::string> catalog_files;  // the GitOps catalogs, in load order; read-only
    std::string overlay_path;                // API rules; created on the first POST
    std::string rules_out;                   // Prometheus rule file; "" = store and check only
    std::string format = "prometheus";       // prometheus | operator (a PrometheusRule manifest)
    std::string prometheus_url;              // "" = write rules_out but never reload or verify
    std::chrono::milliseconds reload_timeout{10000};  // per HTTP request to Prometheus
    std::chrono::milliseconds verify_timeout{10000};  // total time to see the groups loaded
    std::chrono::milliseconds verify_interval{200};   // between /api/v1/rules polls
    std::string api_prefix = "/bam/rules";            // for Location headers
    // After Prometheus refuses a file, `promtool check rules` explains why (Prometheus's reload
    // answer does not); looked up on PATH. "" = no explanation beyond Prometheus's answer.
    std::string promtool = "promtool";
  };

  // What the rest of the service reads: the loaded catalog (all files, overlay last) and its
  // compiled rule groups.
  struct Snapshot {
    Catalog catalog;
    RuleFile rules;
    std::set<std::string> api_rule_ids;  // rules that live in the overlay
  };

  explicit RuleManager(Options options);
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  // Loads every catalog file and the overlay (missing overlay = no API rules), compiles, and
  // writes rules_out atomically (when configured) so the service starts from a file that matches
  // its catalog; then asks Prometheus to reload (best effort: the outcome is in
  // init_reload_status(), a Prometheus that is down does not stop the service). Returns
  // kInvalidArgument with every diagnostic when the catalogs do not compile, kInternal when a
  // file cannot be written. REQUIRES: called once, before any other method.
  Status Init();

  // The current snapshot; never null after a successful Init(). Stays valid (and unchanged) for
  // as long as the caller holds it.
  std::shared_ptr<const Snapshot> snapshot() const;
  // The current catalog (aliasing snapshot()).
  std::shared_ptr<const Catalog> catalog() const;

  // Called after each successful change with the new snapshot, on the mutating thread, with the
  // mutation lock held (do not call back into a mutation). Set before serving requests.
  void SetOnChange(std::function<void(std::shared_ptr<const Snapshot>)> callback);

  // Outcome of Init()'s reload; OK when no Prometheus is configured.
  Status init_reload_status() const;

  // GET /bam/rules: {"rules": [...]} sorted by id. Every rule: id, name, description, kpi, when,
  // severity or severities, labels, actions, message, runbook_url, enabled, source ("api" or
  // "catalog:<file>"), file/line for catalog rules, groups and alerts (name, severity).
  http::ApiResponse HandleList(const http::ApiRequest& request, const http::Principal& who);
  // GET /bam/rules/{id}: one rule; 404 naming the closest id.
  http::ApiResponse HandleGet(const http::ApiRequest& request, const http::Principal& who);
  // POST /bam/rules: 201 + Location with the rule and "applied"; 409 if the id exists.
  http::ApiResponse HandleCreate(const http::ApiRequest& request, const http::Principal& who);
  // PUT /bam/rules/{id}: replaces an API rule (the body's id must match or be absent); 409 for a
  // catalog-file rule, 404 for an unknown id.
  http::ApiResponse HandleUpdate(const http::ApiRequest& request, const http::Principal& who);
  // DELETE /bam/rules/{id}: removes an API rule; 409 for a catalog-file rule, 404 if unknown.
  http::ApiResponse HandleDelete(const http::ApiRequest& request, const http::Principal& who);

 private:
  enum class Change { kCreate, kUpdate, kDelete };
  http::ApiResponse Mutate(Change change, const std::string& id, std::vector<nlohmann::json> rules);
  http::ApiResponse RuleResponse(const Snapshot& snap, const std::string& id) const;

  const Options options_;
  std::mutex mutate_mu_;  // serialises Init and mutations
  mutable std::mutex snap_mu_;
  std::shared_ptr<const Snapshot> snap_;  // guarded by snap_mu_
  std::vector<nlohmann::json> overlay_;   // guarded by mutate_mu_
  std::function<void(std::shared_ptr<const Snapshot>)> on_change_;
  Status init_reload_status_;
};

}  // namespace bam::rulesvc::rules_admin

#endif  // BAM_RULESVC_RULES_ADMIN_RULE_MANAGER_H_
