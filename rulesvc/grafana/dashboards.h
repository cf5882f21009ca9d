// Grafana dashboards generated from the business catalog, so a KPI card's colours always equal
// its alert thresholds (docs/grafana.md):
//   bam-executive.json     uid bam-exec        KPI cards, revenue per hour, estimated loss, alerts
//   bam-operations.json    uid bam-ops         API latency, errors, payment errors, service health
//   bam-kpi-detail.json    uid bam-kpi-detail  one KPI chosen by a variable, 7/15/30 days
//   bam-exporter.json      uid bam-exporter    the exporter's own metrics
// Every panel queries the provisioned Prometheus data source by uid; KPI values come from the
// KPIs' recording rules (`bam:<kpi>:<form><window>`). Output is deterministic (ordered JSON, two
// spaces, trailing newline) so committed dashboards can be golden-tested. Stateless; thread-safe.
#ifndef BAM_RULESVC_GRAFANA_DASHBOARDS_H_
#define BAM_RULESVC_GRAFANA_DASHBOARDS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/compiler/rule_model.h"

namespace bam::rulesvc::grafana {

inline constexpr int kSchemaVersion = 39;  // Grafana 10.4 and 11.x read (and migrate) it
inline constexpr std::string_view kPrometheusUid = "bam-prometheus";

struct DashboardOptions {
  std::string datasource_uid = std::string(kPrometheusUid);
  // Operations dashboard: the raw metrics it reads, as exporter/examples/ecommerce.yml names them.
  std::string api_latency_histogram = "bam_api_response_seconds";   // labels endpoint, le
  std::string errors_counter = "bam_errors_total";                  // label platform
  std::string payment_errors_counter = "bam_payment_errors_total";  // label payment_method
};

struct Dashboard {
  std::string file_name;  // "bam-executive.json"
  std::string uid;        // "bam-exec"
  nlohmann::ordered_json json;
};

// The four dashboards, in the order above. `rules` is the compiled catalog (Compile() succeeded):
// a KPI whose recording rule is in the `bam-kpis` group is read from it, else from its PromQL.
std::vector<Dashboard> GenerateDashboards(const Catalog& catalog, const RuleFile& rules,
                                          const DashboardOptions& options = {});

// The file text: JSON indented by two spaces, UTF-8 kept as is, newline-terminated.
std::string DashboardText(const Dashboard& dashboard);

// The recorded series of a KPI: its recording rule's name if `rules` has it, else the KPI's
// value expression (parenthesised).
std::string KpiSeries(const Kpi& kpi, const RuleFile& rules);

}  // namespace bam::rulesvc::grafana

#endif  // BAM_RULESVC_GRAFANA_DASHBOARDS_H_
