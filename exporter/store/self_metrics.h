// SelfMetrics: the exporter's own metrics (bam_exporter_*), registered in the same registry as the
// business metrics so one scrape (or one --one-shot print) shows both.
//
// Every degraded path on the per-line path increments one of these; the series a source can need
// are created when the source is registered, so the per-line path only touches references.
// Registration is not thread-safe (config time); the counters themselves are thread-safe.
#ifndef BAM_EXPORTER_STORE_SELF_METRICS_H_
#define BAM_EXPORTER_STORE_SELF_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <array>
#include <memory>
#include <string>

namespace bam::exporter {

// Why a line (or a metric update from it) was not counted. Names are the `reason` label values.
enum class RejectReason { kParseError, kBadValue, kTooLong, kNegativeValue, kCount };

const char* RejectReasonName(RejectReason reason);

// The per-source counters, resolved once. Pointers stay valid while the SelfMetrics lives.
struct SourceStats {
  prometheus::Counter* lines_read = nullptr;
  std::array<prometheus::Counter*, static_cast<size_t>(RejectReason::kCount)> rejected{};

  void Reject(RejectReason reason) { rejected[static_cast<size_t>(reason)]->Increment(); }
};

class SelfMetrics {
 public:
  // Registers the families in `registry` and sets bam_exporter_build_info{version} to 1.
  SelfMetrics(prometheus::Registry& registry, const std::string& version);

  // Creates (at 0) every per-source series for `source` and returns references to them.
  SourceStats RegisterSource(const std::string& source);

  // Creates bam_exporter_series_overflow_total{metric} at 0 and returns it.
  prometheus::Counter* RegisterOverflow(const std::string& metric);

  // bam_exporter_source_errors_total{source,kind}, created on first use (not on the per-line path).
  prometheus::Counter& SourceError(const std::string& source, const std::string& kind);

  // bam_exporter_config_reloads_total{result="success"|"failure"}; both exist from the start.
  void CountReload(bool success);

 private:
  prometheus::Family<prometheus::Counter>& lines_read_;
  prometheus::Family<prometheus::Counter>& lines_rejected_;
  prometheus::Family<prometheus::Counter>& series_overflow_;
  prometheus::Family<prometheus::Counter>& source_errors_;
  prometheus::Family<prometheus::Gauge>& build_info_;
  prometheus::Family<prometheus::Counter>& config_reloads_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_STORE_SELF_METRICS_H_
