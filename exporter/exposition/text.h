// Text exposition of a registry, in Prometheus text format 0.0.4, with a stable order: families in
// registration order, series sorted by their label values. Stable output is what makes golden
// files, diffs between runs and `--one-shot` output readable.
// Thread-safe: reads the registry through Collect().
#ifndef BAM_EXPORTER_EXPOSITION_TEXT_H_
#define BAM_EXPORTER_EXPOSITION_TEXT_H_

#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <string>
#include <vector>

namespace bam::exporter {

// Collects `registry` and returns its text exposition.
std::string SerializeText(const prometheus::Registry& registry);

// Sorts the series of each family by label set (in place).
void SortSeries(std::vector<prometheus::MetricFamily>* families);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_EXPOSITION_TEXT_H_
