// Enricher: computes an alert's business Impact at firing time from Prometheus, with queries built
// from the catalog (its `impact:` section and the KPIs' recording rules, see
// ../../../shared/specs/rule-catalog.md). Formulas: docs/rulesvc.md, "Enrichment".
//
// Never throws and never blocks longer than Options::deadline in total: when Prometheus is
// unavailable the first failure stops the remaining queries and Impact::unavailable says why.
//
// Thread-safety: this class is thread-safe (it only reads the catalog; the client is thread-safe).
#ifndef BAM_RULESVC_ENRICH_ENRICHER_H_
#define BAM_RULESVC_ENRICH_ENRICHER_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/enrich/impact.h"
#include "rulesvc/enrich/prometheus_client.h"

namespace bam::rulesvc::enrich {

struct AlertInfo {
  // The alert's labels: bam_kpi, bam_rule_id, severity and dimensions (platform, ...).
  std::map<std::string, std::string> labels;
  int64_t starts_at_ms = 0;  // Unix ms
  int64_t now_ms = 0;        // evaluation time, Unix ms; REQUIRES: >= starts_at_ms
  // The rule's threshold when the caller knows it; otherwise the KPI's threshold for the alert's
  // severity (warning / critical), if the KPI has one.
  std::optional<Threshold> threshold = {};
};

class Enricher {
 public:
  struct Options {
    std::chrono::milliseconds deadline{5000};                  // total budget for one Enrich call
    std::string deployments_metric = "bam_deployments_total";  // counter of deployments
    std::string deployments_label = "service";                 // grouped by this label
    std::chrono::milliseconds deployments_before{30 * 60 * 1000};  // window before starts_at
    std::chrono::milliseconds deployments_after{5 * 60 * 1000};    // and after it
    std::string traffic_kpi = "sessions_per_hour";  // KPI id; skipped when not in the catalog
    int past_weeks = 4;                             // weeks of history for the alert's KPI
  };

  // `catalog` and `client` must outlive the Enricher. REQUIRES: client != nullptr.
  Enricher(const Catalog& catalog, PrometheusClient* client, Options options);
  Enricher(const Catalog& catalog, PrometheusClient* client)
      : Enricher(catalog, client, Options()) {}

  Impact Enrich(const AlertInfo& alert) const;

 private:
  const Catalog& catalog_;
  PrometheusClient* client_;
  const Options options_;
};

}  // namespace bam::rulesvc::enrich

#endif  // BAM_RULESVC_ENRICH_ENRICHER_H_
