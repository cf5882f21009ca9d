#include "exporter/exposition/text.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <sstream>

namespace bam::exporter {

void SortSeries(std::vector<prometheus::MetricFamily>* families) {
  for (auto& family : *families) {
    for (auto& metric : family.metric) std::sort(metric.label.begin(), metric.label.end());
    std::stable_sort(family.metric.begin(), family.metric.end(),
                     [](const prometheus::ClientMetric& a, const prometheus::ClientMetric& b) {
                       return a.label < b.label;
                     });
  }
}

std::string SerializeText(const prometheus::Registry& registry) {
  std::vector<prometheus::MetricFamily> families = registry.Collect();
  SortSeries(&families);
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

}  // namespace bam::exporter
