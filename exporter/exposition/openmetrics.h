// OpenMetrics text with sample timestamps, the input of `promtool tsdb create-blocks-from
// openmetrics` (--backfill). One family's metadata and one series' samples at a time, so a caller
// can keep the samples of each family together while it walks through time.
//
// Names follow OpenMetrics: a counter family is named without its `_total` suffix in HELP and TYPE
// lines and its samples carry it (prometheus-cpp names counter families with the suffix; either
// way works). Numbers are printed in their shortest exact form, +Inf/-Inf/NaN spelled as
// OpenMetrics does; timestamps are seconds, with milliseconds as decimals when there are any.
// Stateless functions; thread-safe.
#ifndef BAM_EXPORTER_EXPOSITION_OPENMETRICS_H_
#define BAM_EXPORTER_EXPOSITION_OPENMETRICS_H_

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <string>

namespace bam::exporter {

// The family's "# HELP" (when it has a help text) and "# TYPE" lines.
std::string OpenMetricsFamilyHeader(const prometheus::MetricFamily& family);

// Appends the sample lines of one series of `family` stamped `timestamp_ms` (Unix ms): one line
// for a counter, gauge or untyped series; `_bucket` lines (each bound, then +Inf), `_sum` and
// `_count` for a histogram; quantile lines, `_sum` and `_count` for a summary.
// REQUIRES: `metric` belongs to `family`.
void AppendOpenMetricsSamples(const prometheus::MetricFamily& family,
                              const prometheus::ClientMetric& metric, int64_t timestamp_ms,
                              std::string* out);

// The same series with every value at 0 (what a counter or histogram was before its first event).
prometheus::ClientMetric ZeroedMetric(const prometheus::ClientMetric& metric);

// `{a="x",b="y"}` with OpenMetrics escaping, or "" without labels. For identifying a series.
std::string OpenMetricsLabels(const prometheus::ClientMetric& metric);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_EXPOSITION_OPENMETRICS_H_
