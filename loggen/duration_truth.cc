#include "loggen/duration_truth.h"

#include <string>

#include "loggen/civil_time.h"

namespace bam::loggen {

namespace {

std::string BoundName(double bound) {
  nlohmann::json j = bound;
  std::string s = j.dump();
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

}  // namespace

DurationTruth::DurationTruth(int64_t timeout_ms, std::vector<double> bounds_s)
    : timeout_ms_(timeout_ms), bounds_s_(std::move(bounds_s)), buckets_(bounds_s_.size(), 0) {}

void DurationTruth::Expire() {
  // Lines are written in time order, so starts are in order too; entries whose key has ended (or
  // restarted) are skipped.
  while (!order_.empty() && order_.front().first < now_ms_ - timeout_ms_) {
    auto [start, key] = order_.front();
    order_.pop_front();
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second == start) {
      pending_.erase(it);
      ++timeouts_;
    }
  }
}

void DurationTruth::Advance(int64_t time_ms) {
  if (time_ms <= now_ms_) return;
  now_ms_ = time_ms;
  Expire();
}

void DurationTruth::Start(uint64_t key, int64_t time_ms) {
  Advance(time_ms);
  ++started_;
  if (pending_.count(key) != 0) return;
  if (time_ms < now_ms_ - timeout_ms_) {  // only when lines come out of time order
    ++timeouts_;
    return;
  }
  pending_.emplace(key, time_ms);
  order_.emplace_back(time_ms, key);
}

void DurationTruth::End(uint64_t key, int64_t time_ms) {
  Advance(time_ms);
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    ++orphans_;
    return;
  }
  const int64_t ms = std::max<int64_t>(0, time_ms - it->second);
  pending_.erase(it);
  ++completed_;
  sum_ms_ += ms;
  for (size_t b = 0; b < bounds_s_.size(); ++b) {
    if (static_cast<double>(ms) / 1000.0 <= bounds_s_[b]) {
      ++buckets_[b];
      break;
    }
  }
}

void DurationTruth::Cancelled(uint64_t key) {
  if (pending_.count(key) != 0) ++cancelled_;
}

nlohmann::ordered_json DurationTruth::ToJson() const {
  nlohmann::ordered_json j;
  j["timeout_s"] = timeout_ms_ / 1000;
  j["started"] = started_;
  j["completed"] = completed_;
  j["sum_ms"] = sum_ms_;
  j["sum_seconds"] = static_cast<double>(sum_ms_) / 1000.0;
  nlohmann::ordered_json buckets = nlohmann::ordered_json::object();
  uint64_t cumulative = 0;
  for (size_t b = 0; b < bounds_s_.size(); ++b) {
    cumulative += buckets_[b];
    buckets[BoundName(bounds_s_[b])] = cumulative;
  }
  buckets["+Inf"] = completed_;
  j["buckets"] = buckets;
  j["orphans"] = orphans_;
  j["timeouts"] = timeouts_;
  j["pending"] = pending_.size();
  j["cancelled"] = cancelled_;
  j["evaluated_at"] = now_ms_ == INT64_MIN ? std::string() : FormatRfc3339(now_ms_);
  return j;
}

}  // namespace bam::loggen
