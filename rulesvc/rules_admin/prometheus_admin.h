// PrometheusAdmin: the two calls the rules API makes to Prometheus — `POST /-/reload` (Prometheus
// must run with --web.enable-lifecycle) and `GET /api/v1/rules` to see which rule groups are
// loaded. libcurl, one request at a time, a timeout per request.
//
// Errors are values: kUnavailable when Prometheus could not be reached or did not answer in time
// (retry later); kFailedPrecondition when it answered the reload with a non-2xx status — the
// message then carries Prometheus's own error text (e.g. the rule file it refused and why);
// kInternal for an answer that is not Prometheus's JSON.
//
// Thread-safety: this class is thread-safe (no shared mutable state).
#ifndef BAM_RULESVC_RULES_ADMIN_PROMETHEUS_ADMIN_H_
#define BAM_RULESVC_RULES_ADMIN_PROMETHEUS_ADMIN_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::rules_admin {

// One rule of a loaded group, as /api/v1/rules reports it.
struct LoadedRule {
  std::string name;       // alert name or recorded series
  std::string type;       // "alerting" | "recording"
  std::string query;      // the expression as Prometheus prints it
  double duration_s = 0;  // alerting: the `for`
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

struct LoadedGroup {
  std::string name;
  std::string file;
  std::vector<LoadedRule> rules;
};

// Parses a /api/v1/rules body. Exposed for tests.
StatusOr<std::vector<LoadedGroup>> ParseRulesResponse(const std::string& body);

class PrometheusAdmin {
 public:
  // `url`: base URL, e.g. "http://127.0.0.1:9090" (a trailing '/' is ignored).
  PrometheusAdmin(std::string url, std::chrono::milliseconds timeout);

  // POST <url>/-/reload. OK on 2xx.
  Status Reload() const;

  // GET <url>/api/v1/rules.
  StatusOr<std::vector<LoadedGroup>> Rules() const;

  const std::string& url() const { return url_; }

 private:
  std::string url_;
  std::chrono::milliseconds timeout_;
};

}  // namespace bam::rulesvc::rules_admin

#endif  // BAM_RULESVC_RULES_ADMIN_PROMETHEUS_ADMIN_H_
