#include "exporter/store/unique_metric.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "exporter/store/series_key.h"

namespace bam::exporter {

namespace {

constexpr int64_t kNoBucket = std::numeric_limits<int64_t>::min();

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

}  // namespace

struct UniqueMetric::Series {
  Series(int slots, int precision)
      : epochs(static_cast<size_t>(slots), kNoBucket),
        sketches(static_cast<size_t>(slots), HyperLogLog(precision)) {}

  std::string map_key;  // empty for the overflow series
  prometheus::Gauge* gauge = nullptr;
  std::vector<int64_t> epochs;  // sub-window held by each slot, kNoBucket = none
  std::vector<HyperLogLog> sketches;
  int64_t newest_ms = std::numeric_limits<int64_t>::min();
  bool dirty = true;                 // a sketch changed since the gauge was computed
  int64_t computed_for = kNoBucket;  // sub-window `now` was in when the gauge was computed
};

UniqueMetric::UniqueMetric(prometheus::Registry& registry, SelfMetrics* self,
                           UniqueMetricOptions options)
    : options_(std::move(options)),
      width_ms_(
          std::max<int64_t>(1, (options_.window_ms + options_.buckets - 1) / options_.buckets)),
      slots_(options_.buckets + 1),
      registry_(registry),
      family_(prometheus::BuildGauge().Name(options_.name).Help(options_.help).Register(registry)),
      scratch_(options_.precision) {
  if (options_.max_series > 0 && !options_.label_names.empty()) {
    overflow_total_ = self->RegisterOverflow(options_.name);
  }
  if (options_.label_names.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    FindOrCreateLocked({});
  }
}

UniqueMetric::~UniqueMetric() { registry_.Remove(family_); }

int64_t UniqueMetric::BucketOf(int64_t time_ms) const { return FloorDiv(time_ms, width_ms_); }

UniqueMetric::Series* UniqueMetric::FindOrCreateLocked(
    std::span<const std::string_view> label_values) {
  EncodeSeriesKey(label_values, &key_buffer_);
  if (auto it = series_.find(key_buffer_); it != series_.end()) return it->second.get();

  const bool over_budget = options_.max_series > 0 && !options_.label_names.empty() &&
                           series_.size() >= options_.max_series;
  if (over_budget) {
    overflow_total_->Increment();
    if (overflow_ != nullptr) return overflow_.get();
  }
  prometheus::Labels labels;
  for (size_t i = 0; i < options_.label_names.size(); ++i) {
    labels.emplace(options_.label_names[i],
                   over_budget ? std::string(kOverflowLabelValue) : std::string(label_values[i]));
  }
  auto series = std::make_unique<Series>(slots_, options_.precision);
  series->gauge = &family_.Add(labels);
  Series* raw = series.get();
  if (over_budget) {
    overflow_ = std::move(series);
  } else {
    raw->map_key = key_buffer_;
    series_.emplace(key_buffer_, std::move(series));
  }
  return raw;
}

UniqueMetric::AddStatus UniqueMetric::Add(std::span<const std::string_view> label_values,
                                          std::string_view key, int64_t time_ms) {
  const uint64_t hash = HashKey(key);  // outside the lock
  const int64_t bucket = BucketOf(time_ms);
  const size_t slot = static_cast<size_t>(bucket - FloorDiv(bucket, slots_) * slots_);
  std::lock_guard<std::mutex> lock(mu_);
  Series* s = FindOrCreateLocked(label_values);
  if (s->epochs[slot] > bucket) return AddStatus::kTooOld;  // slot reused by a newer sub-window
  if (s->epochs[slot] < bucket) {
    s->sketches[slot].Clear();
    s->epochs[slot] = bucket;
  }
  s->sketches[slot].AddHash(hash);
  s->newest_ms = std::max(s->newest_ms, time_ms);
  s->dirty = true;
  return AddStatus::kOk;
}

double UniqueMetric::EstimateLocked(const Series& s, int64_t now_bucket) const {
  const int64_t oldest_live = now_bucket - options_.buckets;
  const HyperLogLog* only = nullptr;
  int live = 0;
  for (size_t i = 0; i < s.epochs.size(); ++i) {
    if (s.epochs[i] != kNoBucket && s.epochs[i] >= oldest_live && !s.sketches[i].empty()) {
      only = &s.sketches[i];
      ++live;
    }
  }
  if (live == 0) return 0;
  if (live == 1) return only->Estimate();
  scratch_.Clear();
  for (size_t i = 0; i < s.epochs.size(); ++i) {
    if (s.epochs[i] != kNoBucket && s.epochs[i] >= oldest_live) scratch_.Merge(s.sketches[i]);
  }
  return scratch_.Estimate();
}

void UniqueMetric::RemoveLocked(Series* s) {
  family_.Remove(s->gauge);
  if (s == overflow_.get()) {
    overflow_.reset();
  } else {
    series_.erase(s->map_key);
  }
}

void UniqueMetric::Refresh(int64_t now_ms) {
  const int64_t now_bucket = BucketOf(now_ms);
  const int64_t oldest_live = now_bucket - options_.buckets;
  const bool expiry = options_.expire_after_ms > 0;
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Series*> all;
  all.reserve(series_.size() + 1);
  for (auto& [key, s] : series_) all.push_back(s.get());
  if (overflow_ != nullptr) all.push_back(overflow_.get());
  for (Series* s : all) {
    if (expiry && s->newest_ms != std::numeric_limits<int64_t>::min() &&
        s->newest_ms < now_ms - options_.expire_after_ms) {
      RemoveLocked(s);
      continue;
    }
    for (size_t i = 0; i < s->epochs.size(); ++i) {
      if (s->epochs[i] != kNoBucket && s->epochs[i] < oldest_live) {
        s->sketches[i].Clear();
        s->epochs[i] = kNoBucket;
        s->dirty = true;
      }
    }
    if (!s->dirty && s->computed_for == now_bucket) continue;
    // A count of distinct keys reads as a whole number; the sketch's fraction is noise.
    s->gauge->Set(std::round(EstimateLocked(*s, now_bucket)));
    s->dirty = false;
    s->computed_for = now_bucket;
  }
  scratch_.Clear();  // do not keep 16 KiB per metric between scrapes
}

double UniqueMetric::Estimate(std::span<const std::string_view> label_values,
                              int64_t now_ms) const {
  std::string key;
  EncodeSeriesKey(label_values, &key);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(key);
  if (it == series_.end()) return 0;
  const double estimate = EstimateLocked(*it->second, BucketOf(now_ms));
  scratch_.Clear();
  return estimate;
}

size_t UniqueMetric::SeriesCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return series_.size();
}

size_t UniqueMetric::MemoryBytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t bytes = series_.bucket_count() * sizeof(void*);
  auto add = [&bytes](const Series& s) {
    bytes += sizeof(Series) + s.map_key.capacity() + s.epochs.capacity() * sizeof(int64_t) +
             s.sketches.capacity() * sizeof(HyperLogLog);
    for (const HyperLogLog& h : s.sketches) bytes += h.MemoryBytes();
  };
  for (const auto& [key, s] : series_) {
    bytes += key.capacity() + sizeof(key) + sizeof(s);
    add(*s);
  }
  if (overflow_ != nullptr) add(*overflow_);
  return bytes;
}

}  // namespace bam::exporter
