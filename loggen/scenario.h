// Scenarios: incidents injected over a time window, and the Effects they have on the shop at an
// instant.
//
// `--scenario=NAME@RFC3339/DURATION` (absolute) or `NAME@+OFFSET/DURATION` (relative to the log's
// start). The model reads Effects at the time of each decision; ScenarioSet::At can leave one
// incident out, which is how the generator replays a session in the world without that incident.
// Immutable after construction; thread-safe for concurrent const use.
#ifndef BAM_LOGGEN_SCENARIO_H_
#define BAM_LOGGEN_SCENARIO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bam::loggen {

enum class ScenarioKind : uint8_t {
  kPaymentOutage,
  kApiSlowdown,
  kTrafficDrop,
  kCancellationSurge,
  kFraudBurst,
  kDeployment,
  kMondayDip,
};

std::string_view ScenarioName(ScenarioKind kind);
// Every scenario name, in enum order.
const std::vector<std::string>& ScenarioNames();

// A parsed --scenario value, before the log's start is known.
struct ScenarioSpec {
  ScenarioKind kind = ScenarioKind::kPaymentOutage;
  bool relative = false;  // `@+5m`: at_ms is an offset from the log's start
  int64_t at_ms = 0;
  int64_t duration_ms = 0;
};

// Parses one --scenario value. On error returns nullopt and sets *error (and *hint, e.g. a close
// name).
std::optional<ScenarioSpec> ParseScenario(std::string_view text, std::string* error,
                                          std::string* hint);

struct Incident {
  ScenarioKind kind = ScenarioKind::kPaymentOutage;
  int64_t start_ms = 0;
  int64_t end_ms = 0;  // exclusive
};

// What the active incidents do to the shop at one instant. Defaults are the normal day.
struct Effects {
  double traffic_keep = 1.0;  // fraction of arriving sessions that still arrive
  double payment_fail_extra =
      0.0;                      // added to the baseline failure probability of a payment attempt
  double search_latency = 1.0;  // product_search latency multiplier
  double api_latency = 1.0;     // latency multiplier of the other endpoints
  double cart_factor = 1.0;     // multiplier of the add-to-cart probability
  double server_error_extra = 0.0;   // added probability of an HTTP 500 per API call
  double cancel_prob = 0.0;          // cancellation probability if above the baseline
  double fraud_session_ratio = 0.0;  // fraudulent sessions per normal session
};

class ScenarioSet {
 public:
  static constexpr int kNoneSkipped = -1;
  static constexpr int kAllSkipped = -2;

  ScenarioSet() = default;
  explicit ScenarioSet(std::vector<Incident> incidents) : incidents_(std::move(incidents)) {}

  // Effects at `ts_ms` of every incident but `skip` (an index, kNoneSkipped, or kAllSkipped).
  Effects At(int64_t ts_ms, int skip = kNoneSkipped) const;

  // Indices of the incidents whose effect window overlaps [from_ms, to_ms).
  void Overlapping(int64_t from_ms, int64_t to_ms, std::vector<int>* out) const;

  const std::vector<Incident>& incidents() const { return incidents_; }

  // A deployment incident writes its deployment line this long before its slowdown starts.
  static constexpr int64_t kDeploymentLeadMs = 60'000;

 private:
  std::vector<Incident> incidents_;
};

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_SCENARIO_H_
