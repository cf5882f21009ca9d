// MetricStore: the business metrics, held in prometheus-cpp families.
//
// Metrics are declared at config time (Add); the per-line path calls Update with label values and
// gets the series through a hash lookup on the label values — no Labels map is built unless the
// series is new. Each metric may have a series budget (max_series): past it, new label sets are
// folded into one overflow series whose label values are all "__overflow__", and every folded
// update increments bam_exporter_series_overflow_total{metric}.
//
// Names must have been validated (prometheus::CheckMetricName / CheckLabelName) before Add:
// Update never throws.
// Update is thread-safe (several sources update one store; a metric's series table is guarded by
// its own mutex, values are prometheus-cpp atomics), and Collect on the registry may run
// concurrently. Add, Find and spec are config-time calls: not concurrently with each other.
#ifndef BAM_EXPORTER_STORE_METRIC_STORE_H_
#define BAM_EXPORTER_STORE_METRIC_STORE_H_

#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "exporter/store/self_metrics.h"

namespace bam::exporter {

inline constexpr std::string_view kOverflowLabelValue = "__overflow__";

struct MetricSpec {
  enum class Kind { kCounter, kGauge, kHistogram };
  std::string name;
  std::string help;
  Kind kind = Kind::kCounter;
  std::vector<std::string> label_names;  // order of the label values passed to Update
  std::vector<double> buckets;           // histogram upper bounds; empty = Prometheus defaults
  uint64_t max_series = 0;               // 0 = unlimited
  int64_t expire_after_ms = 0;           // 0 = series never expire (see Expire)
};

class MetricStore {
 public:
  using MetricId = uint32_t;
  enum class UpdateStatus { kOk, kNegative };

  // `registry` and `self` must outlive the store.
  MetricStore(prometheus::Registry& registry, SelfMetrics* self);
  ~MetricStore();
  MetricStore(const MetricStore&) = delete;
  MetricStore& operator=(const MetricStore&) = delete;

  // Declares a metric. REQUIRES: a valid, not yet registered name; valid label names.
  MetricId Add(const MetricSpec& spec);

  // Counter: adds `value` (kNegative and nothing done when value < 0). Gauge: sets it.
  // Histogram: observes it. REQUIRES: label_values.size() == the metric's label count; value
  // finite.
  UpdateStatus Update(MetricId id, std::span<const std::string_view> label_values, double value);

  // Number of distinct label sets of `id`, not counting the overflow series.
  size_t SeriesCount(MetricId id) const;

  // The metric already declared under `name`, if any: several config mappings may feed one metric.
  bool Find(const std::string& name, MetricId* id) const;
  const MetricSpec& spec(MetricId id) const;

  // Changes the series budget of `id` (a reload changed max_series). Existing series stay.
  void SetMaxSeries(MetricId id, uint64_t max_series);

  // Changes how long an idle series of `id` is kept (a reload changed expire_after).
  void SetExpireAfter(MetricId id, int64_t expire_after_ms);

  // Removes every labelled series of a metric with expire_after that has not been updated since
  // now_ms - expire_after (by the store's clock), freeing its place in the budget. The overflow
  // series and the one series of a metric without labels never expire. Thread-safe.
  void Expire(int64_t now_ms);

  // The clock updates are stamped with for expiry (default: system clock, Unix ms). Set before
  // any Update; for tests.
  void set_clock(std::function<int64_t()> clock) { clock_ = std::move(clock); }

  // The registry the metrics live in (for metric kinds kept outside the store: unique, duration).
  prometheus::Registry& registry() { return registry_; }

  // Names of the declared metrics, in declaration order.
  std::vector<std::string> Names() const;

  // Removes a metric and its series from the registry (a reload dropped or changed it). Its id is
  // never reused. REQUIRES: no Update of this metric runs or will run (sources are stopped).
  void Remove(const std::string& name);

 private:
  struct Metric;
  // REQUIRES: m.mu held.
  void* FindOrCreateLocked(Metric& m, std::span<const std::string_view> label_values,
                           const std::string& key);

  prometheus::Registry& registry_;
  SelfMetrics* self_;
  std::vector<Metric*> metrics_;
  std::unordered_map<std::string, MetricId> by_name_;
  std::function<int64_t()> clock_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_STORE_METRIC_STORE_H_
