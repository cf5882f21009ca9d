#include "exporter/store/metric_store.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <chrono>
#include <cstring>
#include <mutex>

#include "exporter/store/series_key.h"

namespace bam::exporter {

namespace {

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

const std::vector<double>& DefaultBuckets() {
  static const std::vector<double> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                               0.5,   1,    2.5,   5,    10};
  return kBuckets;
}

}  // namespace

struct MetricStore::Metric {
  MetricSpec spec;
  MetricSpec::Kind kind;
  std::vector<std::string> label_names;
  std::vector<double> buckets;
  uint64_t max_series = 0;
  prometheus::Family<prometheus::Counter>* counters = nullptr;
  prometheus::Family<prometheus::Gauge>* gauges = nullptr;
  prometheus::Family<prometheus::Histogram>* histograms = nullptr;
  // Series key (series_key.h) -> series (Counter*, Gauge* or Histogram*) and, for a metric that
  // expires idle series, the time of its last update.
  struct Entry {
    void* series = nullptr;
    int64_t last_update_ms = 0;
  };
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> series;
  int64_t expire_after_ms = 0;
  void* unlabelled = nullptr;  // the one series of a metric without labels
  void* overflow = nullptr;    // created on first overflow
  prometheus::Counter* overflow_total = nullptr;
  std::mutex mu;  // guards series and overflow
};

MetricStore::MetricStore(prometheus::Registry& registry, SelfMetrics* self)
    : registry_(registry), self_(self), clock_([] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      }) {}

MetricStore::~MetricStore() {
  for (Metric* m : metrics_) delete m;
}

MetricStore::MetricId MetricStore::Add(const MetricSpec& spec) {
  auto* m = new Metric;
  metrics_.push_back(m);
  by_name_.emplace(spec.name, static_cast<MetricId>(metrics_.size() - 1));
  m->spec = spec;
  m->kind = spec.kind;
  m->label_names = spec.label_names;
  m->buckets = spec.buckets.empty() ? DefaultBuckets() : spec.buckets;
  m->max_series = spec.max_series;
  switch (spec.kind) {
    case MetricSpec::Kind::kCounter:
      m->counters = &prometheus::BuildCounter().Name(spec.name).Help(spec.help).Register(registry_);
      break;
    case MetricSpec::Kind::kGauge:
      m->gauges = &prometheus::BuildGauge().Name(spec.name).Help(spec.help).Register(registry_);
      break;
    case MetricSpec::Kind::kHistogram:
      m->histograms =
          &prometheus::BuildHistogram().Name(spec.name).Help(spec.help).Register(registry_);
      break;
  }
  if (spec.max_series > 0) m->overflow_total = self_->RegisterOverflow(spec.name);
  m->expire_after_ms = spec.expire_after_ms;
  if (spec.label_names.empty()) {
    std::lock_guard<std::mutex> lock(m->mu);
    std::string key;
    EncodeSeriesKey({}, &key);
    m->unlabelled = FindOrCreateLocked(*m, {}, key);
  }
  return static_cast<MetricId>(metrics_.size() - 1);
}

void* MetricStore::FindOrCreateLocked(Metric& m, std::span<const std::string_view> label_values,
                                      const std::string& key) {
  if (auto it = m.series.find(std::string_view(key)); it != m.series.end()) {
    if (m.expire_after_ms > 0) it->second.last_update_ms = clock_();
    return it->second.series;
  }

  const bool over_budget = m.max_series > 0 && m.series.size() >= m.max_series;
  if (over_budget && m.overflow != nullptr) {
    m.overflow_total->Increment();
    return m.overflow;
  }
  prometheus::Labels labels;
  for (size_t i = 0; i < m.label_names.size(); ++i) {
    labels.emplace(m.label_names[i],
                   over_budget ? std::string(kOverflowLabelValue) : std::string(label_values[i]));
  }
  void* series = nullptr;
  if (m.counters) series = &m.counters->Add(labels);
  if (m.gauges) series = &m.gauges->Add(labels);
  if (m.histograms) {
    series = &m.histograms->Add(labels, prometheus::Histogram::BucketBoundaries(m.buckets));
  }
  if (over_budget) {
    m.overflow = series;
    m.overflow_total->Increment();
  } else {
    m.series.emplace(key, Metric::Entry{series, m.expire_after_ms > 0 ? clock_() : 0});
  }
  return series;
}

MetricStore::UpdateStatus MetricStore::Update(MetricId id,
                                              std::span<const std::string_view> label_values,
                                              double value) {
  Metric& m = *metrics_[id];
  if (m.kind == MetricSpec::Kind::kCounter && value < 0) return UpdateStatus::kNegative;
  void* series = m.unlabelled;
  std::unique_lock<std::mutex> lock;
  if (series == nullptr) {
    thread_local std::string key;  // per thread: lookups allocate nothing
    EncodeSeriesKey(label_values, &key);
    lock = std::unique_lock<std::mutex>(m.mu);
    series = FindOrCreateLocked(m, label_values, key);
    // A series lives until Remove: updating it unlocked is safe unless Expire may remove it.
    if (m.expire_after_ms == 0) lock.unlock();
  }
  switch (m.kind) {
    case MetricSpec::Kind::kCounter:
      static_cast<prometheus::Counter*>(series)->Increment(value);
      break;
    case MetricSpec::Kind::kGauge:
      static_cast<prometheus::Gauge*>(series)->Set(value);
      break;
    case MetricSpec::Kind::kHistogram:
      static_cast<prometheus::Histogram*>(series)->Observe(value);
      break;
  }
  return UpdateStatus::kOk;
}

bool MetricStore::Find(const std::string& name, MetricId* id) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return false;
  *id = it->second;
  return true;
}

const MetricSpec& MetricStore::spec(MetricId id) const { return metrics_[id]->spec; }

void MetricStore::SetMaxSeries(MetricId id, uint64_t max_series) {
  Metric& m = *metrics_[id];
  std::lock_guard<std::mutex> lock(m.mu);
  m.max_series = max_series;
  m.spec.max_series = max_series;
  if (max_series > 0 && m.overflow_total == nullptr) {
    m.overflow_total = self_->RegisterOverflow(m.spec.name);
  }
}

void MetricStore::SetExpireAfter(MetricId id, int64_t expire_after_ms) {
  Metric& m = *metrics_[id];
  std::lock_guard<std::mutex> lock(m.mu);
  m.expire_after_ms = expire_after_ms;
  m.spec.expire_after_ms = expire_after_ms;
  const int64_t now = clock_();
  for (auto& [key, entry] : m.series) entry.last_update_ms = now;  // idle from now on
}

void MetricStore::Expire(int64_t now_ms) {
  for (Metric* m : metrics_) {
    if (m == nullptr || m->expire_after_ms == 0 || m->unlabelled != nullptr) continue;
    std::lock_guard<std::mutex> lock(m->mu);
    for (auto it = m->series.begin(); it != m->series.end();) {
      if (it->second.last_update_ms + m->expire_after_ms > now_ms) {
        ++it;
        continue;
      }
      void* series = it->second.series;
      if (m->counters) m->counters->Remove(static_cast<prometheus::Counter*>(series));
      if (m->gauges) m->gauges->Remove(static_cast<prometheus::Gauge*>(series));
      if (m->histograms) m->histograms->Remove(static_cast<prometheus::Histogram*>(series));
      it = m->series.erase(it);
    }
  }
}

std::vector<std::string> MetricStore::Names() const {
  std::vector<std::string> names;
  for (const Metric* m : metrics_) {
    if (m != nullptr) names.push_back(m->spec.name);
  }
  return names;
}

void MetricStore::Remove(const std::string& name) {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return;
  Metric* m = metrics_[it->second];
  if (m->counters) registry_.Remove(*m->counters);
  if (m->gauges) registry_.Remove(*m->gauges);
  if (m->histograms) registry_.Remove(*m->histograms);
  metrics_[it->second] = nullptr;
  by_name_.erase(it);
  delete m;
}

size_t MetricStore::SeriesCount(MetricId id) const {
  Metric& m = *metrics_[id];
  if (m.unlabelled != nullptr) return 1;
  std::lock_guard<std::mutex> lock(m.mu);
  return m.series.size();
}

}  // namespace bam::exporter
