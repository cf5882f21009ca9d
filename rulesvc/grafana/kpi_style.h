// How a KPI looks on a Grafana panel: its unit as a Grafana unit id, its catalog thresholds as
// Grafana threshold steps (green/orange/red, respecting the operator's direction), and the
// catalog's URL templates turned into Grafana link templates. Stateless; thread-safe.
#ifndef BAM_RULESVC_GRAFANA_KPI_STYLE_H_
#define BAM_RULESVC_GRAFANA_KPI_STYLE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "rulesvc/catalog/catalog.h"

namespace bam::rulesvc::grafana {

inline constexpr std::string_view kGreen = "green";
inline constexpr std::string_view kOrange = "orange";
inline constexpr std::string_view kRed = "red";
// KPIs without thresholds are shown, not judged.
inline constexpr std::string_view kNeutral = "blue";

// Grafana's unit id for a catalog unit: percent -> "percent", ratio -> "percentunit",
// ms -> "ms", s -> "s", eur/eur_per_hour -> the currency of `currency_symbol` ("€" ->
// "currencyEUR", "$" -> "currencyUSD", "£" -> "currencyGBP", else "prefix:<symbol>"),
// per_second -> "cps", per_minute -> "cpm", per_hour -> "suffix:/h", count/users -> "short".
std::string GrafanaUnit(Unit unit, std::string_view currency_symbol);

// The `thresholds` object of a field config: {"mode": "absolute", "steps": [...]}.
// Grafana colours a value with the last step whose value is <= it (the first step, value null,
// is the base). A KPI that is bad when low ("< 95" warning, "< 90" critical) gets
// red (base) / orange from 90 / green from 95; bad when high ("> 500", "> 1000") gets
// green (base) / orange from 500 / red from 1000. The step values are the catalog's values,
// exactly. Only one of warning/critical: two colours. Neither: one neutral step.
// A strict operator ("<", ">") and Grafana's ">=" steps disagree only at the threshold itself.
nlohmann::ordered_json ThresholdSteps(const Kpi& kpi);

// A catalog URL template (settings.logs_url / dashboard_url) as a Grafana link URL:
// {{start}} -> ${__from:date:iso}, {{end}} -> ${__to:date:iso} (RFC 3339, as the service
// expands them), {{start_ms}} -> ${__from}, {{end_ms}} -> ${__to} (Unix milliseconds),
// {{kpi}} -> `kpi` (a KPI id, or "${kpi}" for a template variable), {{rule_id}} -> "" (a panel
// is not about one rule), {{label.NAME}} -> "" . Other text is kept.
std::string GrafanaLinkUrl(std::string_view url_template, std::string_view kpi);

}  // namespace bam::rulesvc::grafana

#endif  // BAM_RULESVC_GRAFANA_KPI_STYLE_H_
