// DurationTruth: what a `duration` metric (exporter/store/duration_metric.h) must report for one
// start/end pair of events sharing a key, computed from the lines as they are written — the truth
// file's "order_processing" object (order_created -> order_shipped by order_id).
//
// It follows the metric's pairing rules, so the numbers are exact, not estimates:
//  - the first start of a key is kept while it is pending; a start of a pending key is ignored;
//  - an end takes its key's pending start: completed, duration = end - start (ms), counted in every
//    bucket whose bound (seconds) it does not exceed; an end without a pending start is an orphan;
//  - a start times out when a later line's time passes start + timeout (an end at exactly
//    start + timeout still completes); an end after that is an orphan.
// `now` is the latest time seen: Start, End and Advance (every written line) move it forward, which
// is what the exporter's clock is at the end of a --one-shot read of the same log.
// Not thread-safe.
#ifndef BAM_LOGGEN_DURATION_TRUTH_H_
#define BAM_LOGGEN_DURATION_TRUTH_H_

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bam::loggen {

class DurationTruth {
 public:
  // `timeout_ms` > 0; `bounds_s` increasing bucket upper bounds in seconds.
  DurationTruth(int64_t timeout_ms, std::vector<double> bounds_s);

  void Start(uint64_t key, int64_t time_ms);
  void End(uint64_t key, int64_t time_ms);
  // Any other line at `time_ms`: moves the clock (and times out what it passes).
  void Advance(int64_t time_ms);
  // The start of `key`, if pending, will never end (its order was cancelled): counted apart.
  void Cancelled(uint64_t key);

  uint64_t completed() const { return completed_; }
  int64_t sum_ms() const { return sum_ms_; }
  uint64_t orphans() const { return orphans_; }
  uint64_t timeouts() const { return timeouts_; }

  // {"timeout_s", "started", "completed", "sum_ms", "sum_seconds", "buckets"
  //  {bound: cumulative count, ..., "+Inf"}, "orphans", "timeouts", "pending", "cancelled",
  //  "evaluated_at"}.
  nlohmann::ordered_json ToJson() const;

 private:
  void Expire();

  const int64_t timeout_ms_;
  const std::vector<double> bounds_s_;
  int64_t now_ms_ = INT64_MIN;
  std::unordered_map<uint64_t, int64_t> pending_;   // key -> start time
  std::deque<std::pair<int64_t, uint64_t>> order_;  // (start, key) in start order (lines are)
  std::vector<uint64_t> buckets_;                   // non-cumulative, per bound
  uint64_t started_ = 0, completed_ = 0, orphans_ = 0, timeouts_ = 0, cancelled_ = 0;
  int64_t sum_ms_ = 0;
};

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_DURATION_TRUTH_H_
