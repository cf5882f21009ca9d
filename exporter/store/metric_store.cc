#include "exporter/store/metric_store.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

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
  // Label values, length-prefixed and concatenated -> series (Counter*, Gauge* or Histogram*).
  std::unordered_map<std::string, void*, KeyHash, std::equal_to<>> series;
  void* unlabelled = nullptr;  // the one series of a metric without labels
  void* overflow = nullptr;    // created on first overflow
  prometheus::Counter* overflow_total = nullptr;
  std::mutex mu;  // guards series and overflow
};

MetricStore::MetricStore(prometheus::Registry& registry, SelfMetrics* self)
    : registry_(registry), self_(self) {}

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
  if (spec.label_names.empty()) m->unlabelled = FindOrCreate(*m, {});
  return static_cast<MetricId>(metrics_.size() - 1);
}

void* MetricStore::FindOrCreate(Metric& m, std::span<const std::string_view> label_values) {
  thread_local std::string key;  // per thread: lookups allocate nothing
  EncodeSeriesKey(label_values, &key);
  std::lock_guard<std::mutex> lock(m.mu);
  if (auto it = m.series.find(std::string_view(key)); it != m.series.end()) return it->second;

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
    m.series.emplace(key, series);
  }
  return series;
}

MetricStore::UpdateStatus MetricStore::Update(MetricId id,
                                              std::span<const std::string_view> label_values,
                                              double value) {
  Metric& m = *metrics_[id];
  if (m.kind == MetricSpec::Kind::kCounter && value < 0) return UpdateStatus::kNegative;
  void* series = m.unlabelled != nullptr ? m.unlabelled : FindOrCreate(m, label_values);
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
