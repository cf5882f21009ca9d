#include "exporter/store/duration_metric.h"

#include <algorithm>
#include <limits>

#include "exporter/store/metric_store.h"  // kOverflowLabelValue
#include "exporter/store/series_key.h"

namespace bam::exporter {

const std::vector<double>& DefaultDurationBuckets() {
  static const std::vector<double> kBuckets = {1,    10,    60,    300,    600,   1800,
                                               3600, 21600, 86400, 259200, 604800};
  return kBuckets;
}

struct DurationMetric::Series {
  prometheus::Histogram* histogram = nullptr;
  prometheus::Counter* timeouts = nullptr;
  prometheus::Counter* evictions = nullptr;
  prometheus::Counter* clock_skew = nullptr;
};

DurationMetric::DurationMetric(prometheus::Registry& registry, SelfMetrics* self,
                               DurationMetricOptions options)
    : options_(std::move(options)),
      registry_(registry),
      histograms_(
          prometheus::BuildHistogram().Name(options_.name).Help(options_.help).Register(registry)),
      orphans_family_(
          prometheus::BuildCounter()
              .Name(options_.name + "_orphans_total")
              .Help("End lines of " + options_.name + " whose key had no pending start.")
              .Register(registry)),
      timeouts_(prometheus::BuildCounter()
                    .Name(options_.name + "_timeouts_total")
                    .Help("Starts of " + options_.name + " with no end within the timeout.")
                    .Register(registry)),
      evictions_(prometheus::BuildCounter()
                     .Name(options_.name + "_evictions_total")
                     .Help("Pending starts of " + options_.name +
                           " dropped, oldest first, because max_pending starts were pending.")
                     .Register(registry)),
      clock_skew_(prometheus::BuildCounter()
                      .Name(options_.name + "_clock_skew_total")
                      .Help("Ends of " + options_.name +
                            " stamped before their start, observed as 0 seconds.")
                      .Register(registry)),
      orphans_(orphans_family_.Add({})),
      clock_ms_(std::numeric_limits<int64_t>::min()) {
  if (options_.max_series > 0 && !options_.label_names.empty()) {
    overflow_total_ = self->RegisterOverflow(options_.name);
  }
  if (options_.label_names.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    FindOrCreateSeriesLocked({});
  }
}

DurationMetric::~DurationMetric() {
  registry_.Remove(histograms_);
  registry_.Remove(orphans_family_);
  registry_.Remove(timeouts_);
  registry_.Remove(evictions_);
  registry_.Remove(clock_skew_);
}

uint32_t DurationMetric::FindOrCreateSeriesLocked(std::span<const std::string_view> label_values) {
  EncodeSeriesKey(label_values, &key_buffer_);
  if (auto it = series_index_.find(std::string_view(key_buffer_)); it != series_index_.end()) {
    return it->second;
  }
  const bool over_budget = options_.max_series > 0 && !options_.label_names.empty() &&
                           series_index_.size() >= options_.max_series;
  if (over_budget) {
    overflow_total_->Increment();
    if (overflow_ != UINT32_MAX) return overflow_;
  }
  prometheus::Labels labels;
  for (size_t i = 0; i < options_.label_names.size(); ++i) {
    labels.emplace(options_.label_names[i],
                   over_budget ? std::string(kOverflowLabelValue) : std::string(label_values[i]));
  }
  auto s = std::make_unique<Series>();
  s->histogram = &histograms_.Add(
      labels, prometheus::Histogram::BucketBoundaries(
                  options_.buckets.empty() ? DefaultDurationBuckets() : options_.buckets));
  s->timeouts = &timeouts_.Add(labels);
  s->evictions = &evictions_.Add(labels);
  s->clock_skew = &clock_skew_.Add(labels);
  const auto index = static_cast<uint32_t>(series_.size());
  series_.push_back(std::move(s));
  if (over_budget) {
    overflow_ = index;
  } else {
    series_index_.emplace(key_buffer_, index);
  }
  return index;
}

void DurationMetric::AdvanceLocked(int64_t time_ms) {
  clock_ms_ = std::max(clock_ms_, time_ms);
  const int64_t timeout = options_.timeout_ms;
  if (timeout <= 0 || clock_ms_ < std::numeric_limits<int64_t>::min() + timeout) return;
  const int64_t deadline = clock_ms_ - timeout;  // starts before this have timed out
  while (!heap_.empty() && heap_[0]->second.start_ms < deadline) {
    Node* node = heap_[0];
    series_[node->second.series]->timeouts->Increment();
    EraseLocked(node);
  }
}

DurationMetric::StartStatus DurationMetric::Start(std::span<const std::string_view> label_values,
                                                  std::string_view key, int64_t time_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  AdvanceLocked(time_ms);
  if (pending_.find(key) != pending_.end()) return StartStatus::kAlreadyPending;
  const uint32_t series = FindOrCreateSeriesLocked(label_values);
  const int64_t timeout = options_.timeout_ms;
  if (timeout > 0 && time_ms < clock_ms_ - timeout) {  // an old line, already past its timeout
    series_[series]->timeouts->Increment();
    return StartStatus::kTimedOut;
  }
  Node* node = &*pending_.emplace(std::string(key), Pending{time_ms, series, 0}).first;
  HeapPush(node);
  if (pending_.size() > options_.max_pending) {
    Node* oldest = heap_[0];
    series_[oldest->second.series]->evictions->Increment();
    const bool self = oldest == node;
    EraseLocked(oldest);
    if (self) return StartStatus::kEvicted;
  }
  return StartStatus::kPending;
}

DurationMetric::EndStatus DurationMetric::End(std::string_view key, int64_t time_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  AdvanceLocked(time_ms);
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    orphans_.Increment();
    return EndStatus::kOrphan;
  }
  const Pending p = it->second;
  EraseLocked(&*it);
  Series& s = *series_[p.series];
  if (time_ms < p.start_ms) {
    s.clock_skew->Increment();
    s.histogram->Observe(0);
    return EndStatus::kClockSkew;
  }
  s.histogram->Observe(static_cast<double>(time_ms - p.start_ms) / 1000.0);
  return EndStatus::kObserved;
}

void DurationMetric::Sweep(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  AdvanceLocked(now_ms);
}

void DurationMetric::EraseLocked(Node* node) {
  HeapRemove(node->second.heap_pos);
  pending_.erase(pending_.find(std::string_view(node->first)));
}

void DurationMetric::HeapSet(uint32_t pos, Node* node) {
  heap_[pos] = node;
  node->second.heap_pos = pos;
}

void DurationMetric::HeapPush(Node* node) {
  heap_.push_back(node);
  node->second.heap_pos = static_cast<uint32_t>(heap_.size() - 1);
  HeapUp(node->second.heap_pos);
}

void DurationMetric::HeapRemove(uint32_t pos) {
  Node* last = heap_.back();
  heap_.pop_back();
  if (pos >= heap_.size()) return;  // it was the last one
  HeapSet(pos, last);
  HeapUp(pos);
  HeapDown(last->second.heap_pos);
}

void DurationMetric::HeapUp(uint32_t pos) {
  Node* node = heap_[pos];
  while (pos > 0) {
    const uint32_t parent = (pos - 1) / 2;
    if (heap_[parent]->second.start_ms <= node->second.start_ms) break;
    HeapSet(pos, heap_[parent]);
    pos = parent;
  }
  HeapSet(pos, node);
}

void DurationMetric::HeapDown(uint32_t pos) {
  Node* node = heap_[pos];
  const auto size = static_cast<uint32_t>(heap_.size());
  for (;;) {
    uint32_t child = 2 * pos + 1;
    if (child >= size) break;
    if (child + 1 < size && heap_[child + 1]->second.start_ms < heap_[child]->second.start_ms) {
      ++child;
    }
    if (node->second.start_ms <= heap_[child]->second.start_ms) break;
    HeapSet(pos, heap_[child]);
    pos = child;
  }
  HeapSet(pos, node);
}

size_t DurationMetric::PendingCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

size_t DurationMetric::SeriesCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return series_index_.size();
}

size_t DurationMetric::MemoryBytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  // A libstdc++ hash node: next pointer, the pair, the cached hash; malloc rounds to 16 bytes and
  // adds an 8-byte header.
  constexpr size_t kNode = (sizeof(void*) + sizeof(Node) + sizeof(size_t) + 8 + 15) / 16 * 16;
  constexpr size_t kInlineKey = 15;  // std::string's in-object capacity (libstdc++)
  size_t bytes = pending_.bucket_count() * sizeof(void*) + pending_.size() * kNode +
                 heap_.capacity() * sizeof(Node*);
  for (const auto& [key, p] : pending_) {
    if (key.capacity() > kInlineKey) bytes += (key.capacity() + 1 + 8 + 15) / 16 * 16;
  }
  bytes += series_index_.bucket_count() * sizeof(void*) +
           series_index_.size() * (kNode + sizeof(uint32_t)) + series_.capacity() * sizeof(void*) +
           series_.size() * sizeof(Series);
  return bytes;
}

}  // namespace bam::exporter
