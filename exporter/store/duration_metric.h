// DurationMetric: the `duration` metric type — the time between a start line and the end line that
// shares its `key`, observed in seconds into a histogram family named as the metric, plus:
//   <name>_orphans_total           an end whose key has no pending start (no labels: the labels are
//                                  evaluated on the start line, and there is none)
//   <name>_timeouts_total{...}     a start with no end within `timeout`
//   <name>_evictions_total{...}    a pending start dropped because max_pending starts were pending
//   <name>_clock_skew_total{...}   an end stamped before its start (observed as 0 s)
// The labelled ones carry the start line's label set, like the histogram; they exist, at 0, from
// the moment a label set is first seen.
//
// Pairing rules:
//  - A start whose key is already pending is ignored: the FIRST start is kept (its time and its
//    labels), so a retried "order_created" does not shorten the measured time.
//  - An end removes its pending start and observes (end - start) / 1000 s. An end with no pending
//    start (never started, already ended, timed out or evicted) is an orphan.
//  - A start times out when the metric's clock passes start + timeout (an end at exactly
//    start + timeout still counts). The clock is the largest time passed to Start, End or Sweep;
//    every call first advances it and times out what it has passed, so an end that comes after the
//    timeout is an orphan (and its start a timeout). timeout_ms == 0: starts never time out.
//  - A start already past its timeout when it arrives (an old line) counts as a timeout at once.
//  - When max_pending starts are pending, a new start evicts the OLDEST pending start (smallest
//    start time; it may be the new one itself), counted in <name>_evictions_total.
//
// Time is the caller's: event time (the source's `timestamp`) or arrival time. Nothing here reads a
// clock; Sweep(now) is how wall-clock time reaches the metric in live mode, so starts time out
// even when no line arrives. In backfill, call Sweep with event time only (or not at all), so a
// backfill gives the same counts as the live run over the same lines.
//
// Memory per pending start: one unordered_map node (key std::string + start time, label-set index
// and heap position: about 64 bytes plus the key's bytes past 15, plus allocator overhead) and 8
// bytes in the time-ordered heap: about 100 bytes for keys of up to 15 bytes; 1M pending starts
// (the default budget) take about 100 MB. MemoryBytes() adds it up.
//
// Label-set budget (max_series): past it, new label sets fold into the one series whose label
// values are all "__overflow__", and every folded start increments
// bam_exporter_series_overflow_total{metric}.
//
// Names must be valid (prometheus::CheckMetricName / CheckLabelName, the derived counter names
// included) before construction: Start, End and Sweep never throw.
// Thread-safe: every method may be called concurrently (one mutex per metric).
#ifndef BAM_EXPORTER_STORE_DURATION_METRIC_H_
#define BAM_EXPORTER_STORE_DURATION_METRIC_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "exporter/store/self_metrics.h"

namespace bam::exporter {

struct DurationMetricOptions {
  std::string name;  // histogram family name, e.g. "bam_order_fulfilment_seconds"
  std::string help;  // HELP text of the histogram
  std::vector<std::string> label_names;  // order of the label values passed to Start
  std::vector<double> buckets;       // upper bounds in seconds; empty = DefaultDurationBuckets()
  int64_t timeout_ms = 0;            // 0 = starts never time out
  uint64_t max_series = 0;           // label-set budget; 0 = unlimited
  uint64_t max_pending = 1'000'000;  // pending-start budget; REQUIRES > 0
};

// 1s 10s 1m 5m 10m 30m 1h 6h 1d 3d 7d: business processes, not request latencies.
const std::vector<double>& DefaultDurationBuckets();

class DurationMetric {
 public:
  enum class StartStatus { kPending, kAlreadyPending, kTimedOut, kEvicted };
  enum class EndStatus { kObserved, kClockSkew, kOrphan };

  // Registers the histogram and counter families in `registry` (and, with a budget, the overflow
  // counter through `self`). `registry` and `self` must outlive the metric; the destructor removes
  // the families from `registry`. REQUIRES: the options' REQUIRES; names not yet registered.
  DurationMetric(prometheus::Registry& registry, SelfMetrics* self, DurationMetricOptions options);
  ~DurationMetric();
  DurationMetric(const DurationMetric&) = delete;
  DurationMetric& operator=(const DurationMetric&) = delete;

  // A start line for `key` at `time_ms`, its labels evaluated on that line.
  // REQUIRES: label_values.size() == label_names.size().
  StartStatus Start(std::span<const std::string_view> label_values, std::string_view key,
                    int64_t time_ms);

  // An end line for `key` at `time_ms`.
  EndStatus End(std::string_view key, int64_t time_ms);

  // Advances the clock to `now_ms` (if later) and counts the starts it has timed out.
  void Sweep(int64_t now_ms);

  size_t PendingCount() const;
  // Label sets with a series, not counting the overflow series.
  size_t SeriesCount() const;
  // Heap bytes held by the pending starts and the label-set index (not the prometheus-cpp series).
  size_t MemoryBytes() const;

  const DurationMetricOptions& options() const { return options_; }

 private:
  struct Series;
  struct Pending {
    int64_t start_ms;
    uint32_t series;    // index into series_
    uint32_t heap_pos;  // index into heap_
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using PendingMap = std::unordered_map<std::string, Pending, KeyHash, std::equal_to<>>;
  using Node = PendingMap::value_type;

  uint32_t FindOrCreateSeriesLocked(std::span<const std::string_view> label_values);
  void AdvanceLocked(int64_t time_ms);
  void EraseLocked(Node* node);  // from the heap and the map
  // Min-heap on start time, each node's heap_pos kept current.
  void HeapPush(Node* node);
  void HeapRemove(uint32_t pos);
  void HeapUp(uint32_t pos);
  void HeapDown(uint32_t pos);
  void HeapSet(uint32_t pos, Node* node);

  const DurationMetricOptions options_;
  prometheus::Registry& registry_;
  prometheus::Family<prometheus::Histogram>& histograms_;
  prometheus::Family<prometheus::Counter>& orphans_family_;
  prometheus::Family<prometheus::Counter>& timeouts_;
  prometheus::Family<prometheus::Counter>& evictions_;
  prometheus::Family<prometheus::Counter>& clock_skew_;
  prometheus::Counter& orphans_;
  prometheus::Counter* overflow_total_ = nullptr;

  mutable std::mutex mu_;
  int64_t clock_ms_;
  std::vector<std::unique_ptr<Series>> series_;
  // Length-prefixed, concatenated label values -> index into series_ (overflow not included).
  std::unordered_map<std::string, uint32_t, KeyHash, std::equal_to<>> series_index_;
  uint32_t overflow_ = UINT32_MAX;  // index of the overflow series, once created
  std::string key_buffer_;
  PendingMap pending_;
  std::vector<Node*> heap_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_STORE_DURATION_METRIC_H_
