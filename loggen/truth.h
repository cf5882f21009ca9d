// Truth: the exact account of what bam-loggen wrote, serialised as the --truth JSON file.
//
// Count() is called once per written line; Shadow() receives the generator's shadow events, which
// carry the world without each incident (see generator.h). For incident k, over events with ts in
// [start, end):
//   revenue_actual   = sum of checkout_success amounts written
//   revenue_expected = revenue_actual - (that sum over the replayed sessions as written)
//                                     + (that sum over the same sessions replayed without incident
//                                     k)
// and likewise for orders created and cancelled.
//
// Beside the totals: "by_day" (per UTC day of the line's ts: lines, by_event, completed revenue),
// and "order_processing" (DurationTruth for order_created -> order_shipped by order_id, with
// exporter/examples/ecommerce.yml's timeout and buckets for bam_order_processing_seconds).
// Not thread-safe.
#ifndef BAM_LOGGEN_TRUTH_H_
#define BAM_LOGGEN_TRUTH_H_

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "loggen/duration_truth.h"
#include "loggen/event.h"
#include "loggen/scenario.h"
#include "loggen/status.h"

namespace bam::loggen {

// Settings echoed in the truth file's "run" object.
struct RunInfo {
  uint64_t seed = 0;
  std::string mode;
  std::string format;
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // exclusive; for a realtime run stopped early, the stop time
  double scale = 1.0;
  double rate = 0;
};

class Truth {
 public:
  // bam_order_processing_seconds in exporter/examples/ecommerce.yml: timeout 72h, these buckets.
  static constexpr int64_t kOrderProcessingTimeoutMs = 72LL * 3600 * 1000;
  static const std::vector<double>& OrderProcessingBuckets();

  explicit Truth(std::vector<Incident> incidents);

  void Count(const Event& line);
  void Shadow(const Event& shadow);

  uint64_t lines() const { return lines_; }
  int64_t revenue_cents() const;

  // The truth file as JSON (key order fixed, so identical runs give identical files).
  nlohmann::ordered_json ToJson(const RunInfo& run) const;
  // Writes ToJson() to `path`, pretty-printed, with a final newline.
  Status WriteFile(const std::string& path, const RunInfo& run) const;

 private:
  struct IncidentCount {
    int64_t actual_cents = 0, expected_cents = 0;
    int64_t orders_actual = 0, orders_expected = 0;
    int64_t cancelled_actual = 0, cancelled_expected = 0;
    std::set<uint64_t> affected_users;
  };
  static void Add(const Event& e, int sign, int64_t* cents, int64_t* orders, int64_t* cancelled);

  struct DayCount {
    uint64_t lines = 0;
    std::array<uint64_t, kEventKindCount> by_event{};
    int64_t revenue_cents = 0;
  };

  std::vector<Incident> incidents_;
  std::vector<IncidentCount> counts_;
  uint64_t lines_ = 0;
  std::array<std::array<std::array<uint64_t, kRegionCount>, kPlatformCount>, kEventKindCount>
      by_event_{};
  std::array<std::array<int64_t, kRegionCount>, kPlatformCount> revenue_cents_{};
  std::array<std::array<uint64_t, kPlatformCount>, kEndpointCount> api_responses_{};
  std::array<uint64_t, kPaymentCodeCount> payment_errors_{};
  std::array<std::array<uint64_t, 3>, kPaymentMethodCount>
      transactions_{};                      // [method][completed|failed|refunded]
  std::array<uint64_t, 2> fraud_checks_{};  // [not detected, detected]
  std::map<int64_t, DayCount> by_day_;      // key: days since the Unix epoch (UTC)
  DurationTruth order_processing_;
};

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_TRUTH_H_
