// StepBarrier: walks several sources through event time together, one step at a time, so that a
// snapshot of the metrics at each step boundary B holds exactly the lines stamped before B (--
// backfill).
//
// Each source is read by its own thread, in its own time order, and calls Before(source, t) ahead
// of applying a line stamped t. A source whose next line is at or past the next boundary B waits
// there; when every source still reading waits (or has finished), the last one to arrive takes
// the snapshots of every boundary up to the earliest waiting line, B, B + step, ... (so a gap in
// the logs still gets its samples), and releases them all. Boundaries are multiples of the step in
// Unix time (with a step that divides 24 h, midnight UTC is one); the first is the one at or before
// the earliest line, the last (Finish) the first one after the latest line.
//
// A line stamped before the last snapshot (a source out of time order) is applied at once and shows
// in the next snapshot; late_lines() counts them.
//
// Thread-safe: Before and Done are called from the source threads; the snapshot function runs on
// one of them while every other source waits, so it sees no concurrent update.
#ifndef BAM_EXPORTER_APP_STEP_BARRIER_H_
#define BAM_EXPORTER_APP_STEP_BARRIER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace bam::exporter {

class StepBarrier {
 public:
  // Called with each boundary (Unix ms), in increasing order, under the barrier's lock.
  using Snapshot = std::function<void(int64_t boundary_ms)>;

  // REQUIRES: sources >= 1, step_ms >= 1.
  StepBarrier(int sources, int64_t step_ms, Snapshot snapshot);

  // Source `source` is about to apply a line stamped `time_ms`: returns once every boundary at or
  // before `time_ms` has its snapshot.
  void Before(int source, int64_t time_ms);

  // Source `source` has no more lines. Call once per source, also when it had none.
  void Done(int source);

  // REQUIRES: every source Done. Takes the snapshot of the first boundary after every line seen
  // (none when no line was seen).
  void Finish();

  uint64_t late_lines() const;
  uint64_t snapshots() const;

 private:
  static constexpr int64_t kNotWaiting = INT64_MIN;
  bool AllWaitingLocked() const;
  void AdvanceLocked();

  const int64_t step_ms_;
  const Snapshot snapshot_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<int64_t> waiting_;  // per source: the time it waits at, or kNotWaiting
  std::vector<bool> done_;
  bool started_ = false;  // next_ is set
  int64_t next_ = 0;      // the next boundary without a snapshot
  uint64_t late_ = 0;
  uint64_t snapshots_ = 0;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_STEP_BARRIER_H_
