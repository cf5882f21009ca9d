// Generator: drives the shop model through simulated time and writes what happens, in timestamp
// order.
//
// Sessions arrive (backfill: a Poisson process following the seasonality curves, ~11,000
// sessions/day times --scale; realtime: as many sessions as keep the written lines at --rate per
// second). Each session is simulated with every incident in force; when a session overlaps incident
// k it is simulated again with k left out, from the same random streams. The differences become
// *shadow events* queued beside the real ones, so the truth accounts for them at their own
// timestamps: revenue expected vs actual, orders, and the customers whose lines differ. Simulation
// starts a warm-up before --start so the log opens in a steady state; lines before --start are not
// written.
//
// Not thread-safe; one Run per Generator.
#ifndef BAM_LOGGEN_GENERATOR_H_
#define BAM_LOGGEN_GENERATOR_H_

#include <atomic>
#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include "loggen/event.h"
#include "loggen/line_writer.h"
#include "loggen/output.h"
#include "loggen/scenario.h"
#include "loggen/session_model.h"
#include "loggen/status.h"
#include "loggen/truth.h"

namespace bam::loggen {

struct GeneratorOptions {
  uint64_t seed = 1;
  int64_t start_ms = 0;
  int64_t duration_ms = -1;  // < 0: until stopped (realtime only)
  double scale = 1.0;        // backfill: sessions/day = kSessionsPerDay * scale * seasonality
  double rate = 1000;        // realtime: lines per second to write
  LineFormat format = LineFormat::kJson;
  std::vector<Incident> incidents;
  size_t flush_bytes = 1 << 20;  // write to the output when the buffer reaches this size
  uint64_t initial_customers =
      40000;  // accounts that exist (and have ordered) before the log starts
};

struct RealtimeStats {
  uint64_t lines = 0;
  double seconds = 0;     // wall-clock time from the first to the last batch
  double max_lag_ms = 0;  // worst delay of a batch behind its deadline
};

class Generator {
 public:
  static constexpr double kSessionsPerDay = 11000;
  static constexpr int64_t kBackfillWarmupMs = 2 * 3600 * 1000;
  static constexpr int64_t kRealtimeWarmupMs = 20 * 60 * 1000;

  // `out` must outlive the Generator.
  Generator(GeneratorOptions options, Output* out);

  // Writes [start, start + duration) as fast as possible. REQUIRES: duration_ms >= 0.
  Status RunBackfill();

  // Writes each line when the wall clock reaches its timestamp (batches every 10 ms) until the end
  // or until *stop becomes true. A start up to 10 s in the past (the warm-up's own duration) is
  // caught up at once; a start in the future is waited for. `stats` may be null.
  Status RunRealtime(const std::atomic<bool>* stop, RealtimeStats* stats);

  const Truth& truth() const { return truth_; }
  // End of what was written (exclusive): start + duration, or the stop time of a realtime run.
  int64_t end_ms() const { return end_ms_; }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.ts_ms != b.ts_ms ? a.ts_ms > b.ts_ms : a.seq > b.seq;
    }
  };

  void Push(Event e);
  // Simulates one arriving session (and the fraud bot it may bring along) and queues its events.
  void StartSession(int64_t start_ms);
  // Simulates `in` in the actual world and in each overlapping incident's counterfactual; `u`
  // decides whether the session exists in a world: u < Effects.*presence at its start. Returns the
  // baseline lines.
  uint64_t Process(const SessionInput& in, double u, double Effects::*presence, bool customer);
  void Account(int k, const SessionInput& in, bool customer);
  void ScheduleDeployments(int64_t until_ms);
  // Writes (or accounts) every queued event with ts < horizon_ms.
  Status EmitUntil(int64_t horizon_ms);
  Status Flush();

  GeneratorOptions options_;
  Output* out_;
  ScenarioSet scenarios_;
  LineWriter writer_;
  Truth truth_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::string buffer_;
  uint64_t next_seq_ = 0;
  uint64_t next_session_ = 1;
  uint64_t next_user_ = 1;
  std::vector<uint64_t> registered_;
  std::vector<bool> has_ordered_;
  int64_t next_day_ms_ = 0;
  int64_t end_ms_ = 0;
  uint64_t baseline_lines_ = 0;
  std::vector<Event> actual_, counterfactual_, scratch_;
  std::vector<int> overlapping_;
};

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_GENERATOR_H_
