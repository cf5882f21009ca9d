// Pipeline: the config compiled into what the per-line path runs.
//
// Build() does all the work that can fail: it compiles every source's parser (regex patterns),
// timestamp layout, lookup table and expression, checks them against each other, and declares the
// metrics in the store. Every problem becomes a Diagnostic at FILE:LINE:COL, all of them reported.
// After a successful Build, the per-line path (SourceProcessor::OnLine) cannot fail: a line that
// does not parse or yields no number is counted by reason and skipped.
//
// A Pipeline is used from one thread (one per worker); it owns its parsers and scratch space.
#ifndef BAM_EXPORTER_MAPPING_PIPELINE_H_
#define BAM_EXPORTER_MAPPING_PIPELINE_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "exporter/config/config.h"
#include "exporter/sources/line_splitter.h"
#include "exporter/store/metric_store.h"
#include "exporter/store/self_metrics.h"

namespace bam::exporter {

class CompiledMetric;
class LookupTable;

// Maps lines of one source to metric updates. A LineSink, so readers feed it directly.
class SourceProcessor : public LineSink {
 public:
  ~SourceProcessor() override;
  void OnLine(std::string_view line) override;
  void OnTooLong() override;
  std::string_view LastRejection() const override;
  const SourceConfig& config() const { return *config_; }

  // For --backfill: `observer` is called on every line that parses and has a valid `timestamp`,
  // with that time, before the line updates any metric; it may block. (Lines without one are
  // applied at the pipeline's clock, unobserved.) Set before lines flow; an empty function removes
  // it.
  void set_time_observer(std::function<void(int64_t)> observer);

 private:
  friend class Pipeline;
  struct State;
  SourceProcessor();

  const SourceConfig* config_ = nullptr;
  std::unique_ptr<State> state_;
};

class Pipeline {
 public:
  ~Pipeline();

  // Compiles `config` (which must outlive the pipeline) and declares its metrics in `store`.
  // Returns nullptr if anything failed; every error is in *diags. `config` may be a partial config
  // from a loader that already reported errors into *diags: then everything is still compiled (so
  // all errors are reported in one run) but nothing is declared in the store. Notes that are not
  // errors (e.g. a metric type not implemented yet in this build) go to *warnings.
  static std::unique_ptr<Pipeline> Build(const Config& config, MetricStore* store,
                                         SelfMetrics* self, DiagnosticList* diags,
                                         std::vector<std::string>* warnings);

  // The processor of config.sources[i].
  SourceProcessor& source(size_t i) { return *sources_[i]; }
  size_t source_count() const { return sources_.size(); }

  // Brings `unique` windows, `duration` timeouts and `expire_after` up to `now_ms` (Unix ms). Call
  // before every collect: with the wall clock when live, with max_event_ms() after a one-shot read
  // of old logs. Thread-safe.
  void Refresh(int64_t now_ms);

  // The latest event time seen on any source with a `timestamp`, or 0. Thread-safe.
  int64_t max_event_ms() const { return max_event_ms_.load(std::memory_order_relaxed); }

  // Arrival time for lines of sources without a `timestamp` (default: the wall clock). Set before
  // lines flow; for tests.
  void set_clock(std::function<int64_t()> clock);

  // Milliseconds since the Unix epoch, from the system clock.
  static int64_t WallClockMillis();

 private:
  Pipeline();
  std::vector<std::unique_ptr<LookupTable>> tables_;
  std::vector<std::unique_ptr<CompiledMetric>> metrics_;
  std::vector<std::unique_ptr<SourceProcessor>> sources_;
  std::atomic<int64_t> max_event_ms_{0};
  MetricStore* store_ = nullptr;
  std::function<int64_t()> clock_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_MAPPING_PIPELINE_H_
