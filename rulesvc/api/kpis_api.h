// KpisApi: the /bam/kpis handlers — every catalog KPI with its current value (an instant query of
// the KPI's PromQL through PrometheusClient), its status from its thresholds, and optionally its
// history (a range query), plus the CSV export. Route matching, authentication and the role check
// are the caller's.
//
//   GET /bam/kpis[?history=7d|15d|30d[&step=1m|1h|1d]]       HandleList   200 {"kpis": [...]}
//   GET /bam/kpis/{id}[?history=…&step=…]                    HandleGet    200 one KPI
//   GET /bam/kpis/{id}/export?format=csv&range=7d&step=1h    HandleExport 200 text/csv
//
// The value is the KPI aggregated over all its labels (KpiValueExpr(kpi, {}); an `expr` KPI's own
// PromQL), queried raw rather than through its recording rule, so that history exists from the
// first sample of the underlying metrics and not only since the rule was loaded.
// Status: "red" when the critical threshold is breached, else "orange" when the warning one is,
// else "green"; "unknown" when there is no value or the KPI has no thresholds.
// Prometheus unreachable: HandleList answers 200 with every value null, status "unknown" and a
// top-level "unavailable" reason (the catalog part stays useful); HandleGet and HandleExport
// answer 503 unavailable. A request of more than 11 000 points (Prometheus's per-series limit,
// e.g. 30d at 1m) is a 400 that names the steps that fit.
//
// This class is thread-safe (the catalog provider and PrometheusClient must be).
#ifndef BAM_RULESVC_API_KPIS_API_H_
#define BAM_RULESVC_API_KPIS_API_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/enrich/prometheus_client.h"
#include "rulesvc/http/api_types.h"

namespace bam::rulesvc::api {

// The catalog in force now; the rules API may swap it at any time. May return null (then 503).
using CatalogProvider = std::function<std::shared_ptr<const Catalog>()>;

class KpisApi {
 public:
  struct Options {
    CatalogProvider catalog;                         // REQUIRES: set
    enrich::PrometheusClient* prometheus = nullptr;  // REQUIRES: non-null; outlives this object
    std::function<int64_t()> now_ms = {};            // Unix ms; default: the system clock
    std::chrono::milliseconds timeout{5000};         // per query (the client's own limit applies)
  };

  explicit KpisApi(Options options);

  http::ApiResponse HandleList(const http::ApiRequest& req, const http::Principal& who) const;
  http::ApiResponse HandleGet(const http::ApiRequest& req, const http::Principal& who) const;
  http::ApiResponse HandleExport(const http::ApiRequest& req, const http::Principal& who) const;

 private:
  int64_t Now() const;
  const Options options_;
};

// The PromQL of the KPI's aggregate value.
std::string KpiAggregateQuery(const Kpi& kpi);

// "green" | "orange" | "red" | "unknown" for `value` against the KPI's thresholds.
std::string KpiStatus(const Kpi& kpi, std::optional<double> value);

}  // namespace bam::rulesvc::api

#endif  // BAM_RULESVC_API_KPIS_API_H_
