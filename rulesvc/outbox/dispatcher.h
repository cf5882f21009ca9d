// Dispatcher: the outbox worker. Drains AlertStore's notification outbox through the configured
// channels: claim due items (with a lease, so a crash mid-delivery means "deliver again later"),
// rebuild each Notification from its stored JSON payload (notification_json.h), deliver it once,
// then mark it delivered, failed (retried after an exponential backoff, or the server's
// Retry-After when longer) or dead (a permanent failure, an unreadable payload, or an item older
// than max_age). Every accepted notification is thus delivered at least once across restarts, or
// dead-lettered and counted.
//
// Metrics, registered in the given registry at construction:
//   bam_rulesvc_notifications_total{channel, result="delivered"|"retry"|"dead"}   counter
//   bam_rulesvc_outbox_pending                                                  gauge
//   bam_rulesvc_notification_delivery_seconds{channel}                          histogram
//   bam_rulesvc_outbox_store_errors_total                                        counter
// A store error never loses an item: it stays leased and becomes due again after the lease.
//
// Background mode: Start() runs one thread that calls RunOnce(clock()), then sleeps until the
// earliest retry this dispatcher scheduled, the poll interval (which also picks up items whose
// lease expired after a crash, or retries scheduled by an earlier process), or Notify() (new
// work), whichever comes first. A full batch is followed by another RunOnce at once.
//
// This class is thread-safe: RunOnce calls are serialised by an internal mutex; Start, Stop and
// Notify may be called from any thread.
#ifndef BAM_RULESVC_OUTBOX_DISPATCHER_H_
#define BAM_RULESVC_OUTBOX_DISPATCHER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "rulesvc/channels/channel.h"
#include "rulesvc/store/alert_store.h"
#include "rulesvc/store/backoff.h"
#include "rulesvc/webhook/status.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
class Registry;
}  // namespace prometheus

namespace bam::rulesvc::outbox {

struct DispatcherOptions {
  int batch_size = 32;  // items claimed per RunOnce; REQUIRES: > 0
  // Lease of a claimed item: an item whose delivery died with the process is due again after it.
  // Default 60 s; REQUIRES: longer than the slowest channel delivery (the channels' timeouts).
  std::chrono::milliseconds lease{60000};
  // Items created longer ago than this are dead-lettered at their next claim. Default 24 h
  // (rulesvc.yml outbox.max_age).
  std::chrono::milliseconds max_age{24LL * 3600 * 1000};
  // Retry schedule (rulesvc.yml outbox.initial_backoff / max_backoff). Default 1 s .. 5 min.
  BackoffPolicy backoff{};
  // Longest sleep of the background thread between two RunOnce. Default 1 s.
  std::chrono::milliseconds poll_interval{1000};
};

// What one RunOnce did.
struct RunResult {
  Status status;  // the first store error, if any (the rest of the batch is still processed)
  int claimed = 0;
  int delivered = 0;
  int retried = 0;  // marked failed, due again later
  int dead = 0;
  // The earliest next_attempt_at this run scheduled; nullopt when none was.
  std::optional<int64_t> earliest_retry_ms = std::nullopt;
};

// Milliseconds since the Unix epoch from the system clock.
int64_t SystemClockMs();

class Dispatcher {
 public:
  // `store`, every channel in `channels` (keyed by configured channel name) and `registry` are
  // not owned and must outlive the Dispatcher. `clock` gives now in ms since the epoch (inject a
  // fake one in tests; only the background thread calls it). REQUIRES: store != nullptr.
  Dispatcher(AlertStore* store, std::map<std::string, channels::Channel*> channels,
             prometheus::Registry& registry, DispatcherOptions options = {},
             std::function<int64_t()> clock = SystemClockMs);
  ~Dispatcher();  // Stop()s
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Claims up to batch_size items due at `now_ms` and settles each one (see the file comment).
  // An item naming a channel absent from `channels` is retried with backoff (a config reload may
  // bring the channel back) until max_age. Blocks for the deliveries (each bounded by its
  // channel's timeout). Updates bam_rulesvc_outbox_pending afterwards. Never throws.
  RunResult RunOnce(int64_t now_ms);

  // Starts the background thread. No-op when already running.
  void Start();
  // Stops the background thread and joins it: returns after the delivery in progress, if any
  // (items claimed but not yet attempted are released, due at once, for the next process; they
  // are not counted). Idempotent; Start() may follow. A Stop() concurrent with another returns
  // without waiting for the join.
  void Stop();
  // Wakes the background thread now (call after enqueueing). Cheap; no-op when not running.
  void Notify();

 private:
  enum class Result { kDelivered, kRetry, kDead };
  struct ChannelMetrics {
    prometheus::Counter* delivered;
    prometheus::Counter* retry;
    prometheus::Counter* dead;
    prometheus::Histogram* seconds;
  };

  void Loop();
  bool StopRequested();
  ChannelMetrics& MetricsFor(const std::string& channel);
  void Settle(const OutboxItem& item, int64_t now_ms, RunResult* result);
  void Count(const std::string& channel, Result r);
  void NoteStoreError(const Status& s, RunResult* result);

  AlertStore* const store_;
  const std::map<std::string, channels::Channel*> channels_;
  const DispatcherOptions options_;
  const std::function<int64_t()> clock_;

  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Histogram>& delivery_seconds_;
  prometheus::Gauge& pending_;
  prometheus::Counter& store_errors_;

  std::mutex run_mu_;  // serialises RunOnce; guards metrics_
  std::map<std::string, ChannelMetrics> metrics_;

  std::mutex mu_;  // guards the fields below
  std::condition_variable cv_;
  bool running_ = false;  // between Start() and the end of Stop()
  bool stop_ = false;
  bool notified_ = false;
  std::set<int64_t> scheduled_retries_;  // next_attempt_at values this dispatcher set, not yet due
  std::thread thread_;                   // joinable while running and not being stopped
};

}  // namespace bam::rulesvc::outbox

#endif  // BAM_RULESVC_OUTBOX_DISPATCHER_H_
