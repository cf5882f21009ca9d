#include "exporter/store/self_metrics.h"

namespace bam::exporter {

const char* RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kParseError:
      return "parse_error";
    case RejectReason::kBadValue:
      return "bad_value";
    case RejectReason::kTooLong:
      return "too_long";
    case RejectReason::kNegativeValue:
      return "negative_value";
    case RejectReason::kCount:
      break;
  }
  return "unknown";
}

SelfMetrics::SelfMetrics(prometheus::Registry& registry, const std::string& version)
    : lines_read_(prometheus::BuildCounter()
                      .Name("bam_exporter_lines_read_total")
                      .Help("Lines read from each source, before parsing.")
                      .Register(registry)),
      lines_rejected_(prometheus::BuildCounter()
                          .Name("bam_exporter_lines_rejected_total")
                          .Help("Lines, or metric updates from a line, not counted, by reason.")
                          .Register(registry)),
      series_overflow_(prometheus::BuildCounter()
                           .Name("bam_exporter_series_overflow_total")
                           .Help("Updates folded into a metric's overflow series because its "
                                 "max_series budget was reached.")
                           .Register(registry)),
      source_errors_(prometheus::BuildCounter()
                         .Name("bam_exporter_source_errors_total")
                         .Help("Errors reading a source, by kind.")
                         .Register(registry)),
      build_info_(prometheus::BuildGauge()
                      .Name("bam_exporter_build_info")
                      .Help("Always 1; the version label says which bam-exporter is running.")
                      .Register(registry)),
      config_reloads_(prometheus::BuildCounter()
                          .Name("bam_exporter_config_reloads_total")
                          .Help("Configuration reloads by result; a failed reload keeps the "
                                "running configuration.")
                          .Register(registry)) {
  build_info_.Add({{"version", version}}).Set(1);
  config_reloads_.Add({{"result", "success"}});
  config_reloads_.Add({{"result", "failure"}});
}

void SelfMetrics::CountReload(bool success) {
  config_reloads_.Add({{"result", success ? "success" : "failure"}}).Increment();
}

SourceStats SelfMetrics::RegisterSource(const std::string& source) {
  SourceStats stats;
  stats.lines_read = &lines_read_.Add({{"source", source}});
  for (size_t i = 0; i < stats.rejected.size(); ++i) {
    stats.rejected[i] = &lines_rejected_.Add(
        {{"source", source}, {"reason", RejectReasonName(static_cast<RejectReason>(i))}});
  }
  return stats;
}

prometheus::Counter* SelfMetrics::RegisterOverflow(const std::string& metric) {
  return &series_overflow_.Add({{"metric", metric}});
}

prometheus::Counter& SelfMetrics::SourceError(const std::string& source, const std::string& kind) {
  return source_errors_.Add({{"source", source}, {"kind", kind}});
}

}  // namespace bam::exporter
