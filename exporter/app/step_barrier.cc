#include "exporter/app/step_barrier.h"

#include <algorithm>

namespace bam::exporter {

namespace {

// floor(t / step) * step, also for negative t.
int64_t FloorTo(int64_t t, int64_t step) {
  int64_t q = t / step;
  if (t % step != 0 && t < 0) --q;
  return q * step;
}

}  // namespace

StepBarrier::StepBarrier(int sources, int64_t step_ms, Snapshot snapshot)
    : step_ms_(step_ms),
      snapshot_(std::move(snapshot)),
      waiting_(static_cast<size_t>(sources), kNotWaiting),
      done_(static_cast<size_t>(sources), false) {}

bool StepBarrier::AllWaitingLocked() const {
  bool any = false;
  for (size_t i = 0; i < waiting_.size(); ++i) {
    if (done_[i]) continue;
    // A source released from the current boundary but not yet running again still holds an
    // earlier time: it is not waiting.
    if (waiting_[i] == kNotWaiting || (started_ && waiting_[i] < next_)) return false;
    any = true;
  }
  return any;
}

void StepBarrier::AdvanceLocked() {
  int64_t earliest = INT64_MAX;
  for (size_t i = 0; i < waiting_.size(); ++i) {
    if (!done_[i]) earliest = std::min(earliest, waiting_[i]);
  }
  if (!started_) {
    next_ = FloorTo(earliest, step_ms_);
    started_ = true;
  }
  while (next_ <= earliest) {
    snapshot_(next_);
    ++snapshots_;
    next_ += step_ms_;
  }
  cv_.notify_all();
}

void StepBarrier::Before(int source, int64_t time_ms) {
  std::unique_lock<std::mutex> lock(mu_);
  if (started_ && time_ms < next_ - step_ms_) ++late_;
  auto& waiting = waiting_[static_cast<size_t>(source)];
  while (!started_ || time_ms >= next_) {
    waiting = time_ms;
    if (AllWaitingLocked()) {
      AdvanceLocked();
    } else {
      cv_.wait(lock);
    }
  }
  waiting = kNotWaiting;
}

void StepBarrier::Done(int source) {
  std::lock_guard<std::mutex> lock(mu_);
  done_[static_cast<size_t>(source)] = true;
  waiting_[static_cast<size_t>(source)] = kNotWaiting;
  if (AllWaitingLocked()) AdvanceLocked();
}

void StepBarrier::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_) return;
  snapshot_(next_);
  ++snapshots_;
  next_ += step_ms_;
}

uint64_t StepBarrier::late_lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return late_;
}

uint64_t StepBarrier::snapshots() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snapshots_;
}

}  // namespace bam::exporter
