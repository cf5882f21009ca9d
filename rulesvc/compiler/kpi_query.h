// KPI -> PromQL: the expression of a KPI's value, aggregated by a label set, and the pieces the
// alert forms need (the underlying counter, the ratio's denominator). Stateless; thread-safe.
#ifndef BAM_RULESVC_COMPILER_KPI_QUERY_H_
#define BAM_RULESVC_COMPILER_KPI_QUERY_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rulesvc/catalog/catalog.h"

namespace bam::rulesvc {

// A selector `name{matchers}` split in two: ("bam_x_total", "{status=\"ok\"}") or (name, "").
struct SelectorParts {
  std::string name;
  std::string matchers;
};
SelectorParts SplitSelector(std::string_view selector);

// `sum by (a, b) ` (with a trailing space) / `sum`, for any aggregation operator.
std::string AggregateBy(std::string_view op, const std::vector<std::string>& labels);

// "a, b" for `on(...)` and `by (...)`.
std::string LabelList(const std::vector<std::string>& labels);

// The KPI's value aggregated by `by`, over its own window. A ratio KPI with unit percent is
// multiplied by 100. REQUIRES: kpi.kind != kExpr or `by` equals kpi.by.
std::string KpiValueExpr(const Kpi& kpi, const std::vector<std::string>& by);

// The KPI's window as recorded (0 for gauge and expr KPIs).
int64_t KpiWindow(const Kpi& kpi);

// The recording-rule form name of the KPI's kind ("ratio", "avg", ...).
std::string_view KpiForm(const Kpi& kpi);

// The counter whose increase means "something happened" for this KPI: the ratio's denominator,
// the rate/increase metric, a histogram's _count. Empty for gauge and expr KPIs.
std::string KpiCounter(const Kpi& kpi);

// `sum by (by) (increase(counter[window]))` of KpiCounter(). REQUIRES: KpiCounter non-empty.
std::string CounterIncrease(const Kpi& kpi, const std::vector<std::string>& by, int64_t window_ms,
                            std::string_view offset = "");

// The ratio's error ratio over `window_ms` (1 - good/total), aggregated by `by`. REQUIRES: ratio.
std::string ErrorRatioExpr(const Kpi& kpi, const std::vector<std::string>& by, int64_t window_ms);

// A PromQL number literal: shortest round-trip spelling ("0.9", "1500", "14.4").
std::string PromNumber(double v);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_COMPILER_KPI_QUERY_H_
