// UniqueMetric: the `unique` metric type — per label set, the number of distinct `key` values seen
// during the last `window`, exported as a gauge family named as the metric.
//
// Each label set keeps a ring of buckets + 1 HyperLogLog sketches, one per sub-window of width
// w = ceil(window / buckets); a key seen at time t goes into the sketch of sub-window floor(t / w).
// The value at time `now` is the estimate of the union of the sketches of the sub-windows not yet
// expired: the current, partial one and the `buckets` before it. So a key seen within the last
// `window` is always counted, and a key stops being counted between `window` and `window + w`
// after it was last seen: the window is accurate to one sub-window width.
//
// Time is the caller's: Add takes the line's event time (the source's `timestamp`) or its arrival
// time, and Refresh takes the time the gauges are computed for (wall clock when serving /metrics,
// the sample's time in backfill). Nothing here reads a clock, so live and backfill behave alike.
// Sub-windows stamped after `now` (a source whose clock runs ahead) are counted, not hidden.
// A key whose sub-window's slot in the ring already holds a newer sub-window (it is more than
// buckets + 1 sub-windows behind its label set's newest key) cannot be placed and is dropped (Add
// returns kTooOld); it could not change any value still exported.
//
// Values are computed in Refresh, not on Add: merging the sketches costs ~16 KiB of reads per
// sub-window per label set, so Add only touches one register. A label set whose sketches have not
// changed since the last Refresh, and whose window has not moved by a sub-window, is not
// recomputed.
//
// Memory per label set: buckets + 1 sketches, each empty (0 bytes), sparse (4 bytes per non-zero
// register, at most 2^p / 8 bytes) or dense (2^p bytes; 16 KiB at the default p = 14). Worst
// case at the defaults: 17 x 16 KiB = 272 KiB per label set, whatever the number of keys.
// Sketches of expired sub-windows are freed by Refresh.
//
// Label-set budget (max_series): past it, new label sets fold into the one series whose label
// values are all "__overflow__" (its value is the distinct count over all folded label sets), and
// every folded Add increments bam_exporter_series_overflow_total{metric}.
//
// Expiry (expire_after_ms > 0): Refresh removes the series of a label set whose newest key is older
// than now - expire_after_ms; a later key recreates it (counted against max_series again).
//
// Names must be valid (prometheus::CheckMetricName / CheckLabelName) before construction: Add
// never throws.
// Thread-safe: every method may be called concurrently (one mutex per metric).
#ifndef BAM_EXPORTER_STORE_UNIQUE_METRIC_H_
#define BAM_EXPORTER_STORE_UNIQUE_METRIC_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "exporter/store/hyperloglog.h"
#include "exporter/store/metric_store.h"  // kOverflowLabelValue
#include "exporter/store/self_metrics.h"

namespace bam::exporter {

struct UniqueMetricOptions {
  std::string name;                      // gauge family name, e.g. "bam_active_users"
  std::string help;                      // HELP text
  std::vector<std::string> label_names;  // order of the label values passed to Add
  int64_t window_ms = 0;                 // REQUIRES > 0 (config `window`)
  int buckets = 16;                      // sub-windows per window; REQUIRES 1 <= buckets <= 64
  int precision = HyperLogLog::kDefaultPrecision;  // 14: 16 KiB per dense sketch, 0.81% error
  uint64_t max_series = 0;                         // 0 = unlimited
  int64_t expire_after_ms = 0;                     // 0 = never remove a label set's series
};

class UniqueMetric {
 public:
  enum class AddStatus { kOk, kTooOld };

  // Registers the gauge family in `registry` (and, with a budget, the overflow counter through
  // `self`). A metric without labels has its one series from the start, at 0.
  // `registry` and `self` must outlive the metric; the destructor removes the family from
  // `registry` (a reload that drops the metric). REQUIRES: the options' REQUIRES; a name not
  // yet registered as another type.
  UniqueMetric(prometheus::Registry& registry, SelfMetrics* self, UniqueMetricOptions options);
  ~UniqueMetric();
  UniqueMetric(const UniqueMetric&) = delete;
  UniqueMetric& operator=(const UniqueMetric&) = delete;

  // Records that `key` was seen at `time_ms` by the label set `label_values`.
  // REQUIRES: label_values.size() == label_names.size().
  AddStatus Add(std::span<const std::string_view> label_values, std::string_view key,
                int64_t time_ms);

  // Sets every series' gauge to its estimate at `now_ms`, frees the sketches of expired
  // sub-windows, and removes expired label sets. Call it before each collection of the registry.
  void Refresh(int64_t now_ms);

  // The estimate for one label set at `now_ms` (0 for a label set never seen), without touching
  // the gauges. For tests and the status page.
  double Estimate(std::span<const std::string_view> label_values, int64_t now_ms) const;

  // Label sets with a series, not counting the overflow series.
  size_t SeriesCount() const;
  // Heap bytes held by the sketches and the label-set index (not the prometheus-cpp series).
  size_t MemoryBytes() const;

  const UniqueMetricOptions& options() const { return options_; }
  int64_t bucket_width_ms() const { return width_ms_; }

 private:
  struct Series;

  Series* FindOrCreateLocked(std::span<const std::string_view> label_values);
  double EstimateLocked(const Series& s, int64_t now_bucket) const;
  void RemoveLocked(Series* s);
  int64_t BucketOf(int64_t time_ms) const;

  const UniqueMetricOptions options_;
  const int64_t width_ms_;
  const int slots_;  // buckets + 1
  prometheus::Registry& registry_;
  prometheus::Family<prometheus::Gauge>& family_;
  prometheus::Counter* overflow_total_ = nullptr;

  mutable std::mutex mu_;
  // Length-prefixed, concatenated label values -> series. The overflow series is not in here.
  std::unordered_map<std::string, std::unique_ptr<Series>> series_;
  std::unique_ptr<Series> overflow_;
  std::string key_buffer_;       // reused for lookups
  mutable HyperLogLog scratch_;  // union of a series' live sketches, reused
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_STORE_UNIQUE_METRIC_H_
