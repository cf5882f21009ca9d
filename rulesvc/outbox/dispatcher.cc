#include "rulesvc/outbox/dispatcher.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "rulesvc/outbox/notification_json.h"

namespace bam::rulesvc::outbox {
namespace {

const prometheus::Histogram::BucketBoundaries& DeliveryBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.05, 0.1, 0.25, 0.5, 1,
                                                                   2.5,  5,   10,   30};
  return kBuckets;
}

}  // namespace

int64_t SystemClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Dispatcher::Dispatcher(AlertStore* store, std::map<std::string, channels::Channel*> channels,
                       prometheus::Registry& registry, DispatcherOptions options,
                       std::function<int64_t()> clock)
    : store_(store),
      channels_(std::move(channels)),
      options_(std::move(options)),
      clock_(std::move(clock)),
      notifications_(prometheus::BuildCounter()
                         .Name("bam_rulesvc_notifications_total")
                         .Help("Notification delivery outcomes by channel: delivered, retry "
                               "(failed, due again later) or dead (dead-lettered).")
                         .Register(registry)),
      delivery_seconds_(prometheus::BuildHistogram()
                            .Name("bam_rulesvc_notification_delivery_seconds")
                            .Help("Duration of one delivery attempt by channel.")
                            .Register(registry)),
      pending_(prometheus::BuildGauge()
                   .Name("bam_rulesvc_outbox_pending")
                   .Help("Notifications in the outbox not yet delivered nor dead-lettered.")
                   .Register(registry)
                   .Add({})),
      store_errors_(prometheus::BuildCounter()
                        .Name("bam_rulesvc_outbox_store_errors_total")
                        .Help("Outbox store calls that failed (the items are retried after "
                              "their lease).")
                        .Register(registry)
                        .Add({})) {
  // Series for every configured channel exist from the start (rate() needs the zero).
  std::lock_guard<std::mutex> lock(run_mu_);
  for (const auto& [name, channel] : channels_) MetricsFor(name);
}

Dispatcher::~Dispatcher() { Stop(); }

Dispatcher::ChannelMetrics& Dispatcher::MetricsFor(const std::string& channel) {
  auto it = metrics_.find(channel);
  if (it != metrics_.end()) return it->second;
  ChannelMetrics m{&notifications_.Add({{"channel", channel}, {"result", "delivered"}}),
                   &notifications_.Add({{"channel", channel}, {"result", "retry"}}),
                   &notifications_.Add({{"channel", channel}, {"result", "dead"}}),
                   &delivery_seconds_.Add({{"channel", channel}}, DeliveryBuckets())};
  return metrics_.emplace(channel, m).first->second;
}

void Dispatcher::Count(const std::string& channel, Result r) {
  ChannelMetrics& m = MetricsFor(channel);
  switch (r) {
    case Result::kDelivered:
      m.delivered->Increment();
      break;
    case Result::kRetry:
      m.retry->Increment();
      break;
    case Result::kDead:
      m.dead->Increment();
      break;
  }
}

void Dispatcher::NoteStoreError(const Status& s, RunResult* result) {
  store_errors_.Increment();
  if (result->status.ok()) result->status = s;
}

RunResult Dispatcher::RunOnce(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(run_mu_);
  RunResult result;
  auto claimed = store_->ClaimDue(now_ms, options_.batch_size, options_.lease.count());
  if (!claimed.ok()) {
    NoteStoreError(claimed.status(), &result);
    return result;
  }
  result.claimed = static_cast<int>(claimed->size());
  for (const OutboxItem& item : *claimed) {
    if (StopRequested()) {
      // Release instead of waiting out the lease: due at once for whoever runs next.
      Status s = store_->MarkFailed(item.id, now_ms, "dispatcher stopped before delivery");
      if (!s.ok()) NoteStoreError(s, &result);
      continue;
    }
    Settle(item, now_ms, &result);
  }
  if (auto counts = store_->CountOutbox(); counts.ok()) {
    pending_.Set(static_cast<double>(counts->pending));
  } else {
    NoteStoreError(counts.status(), &result);
  }
  return result;
}

void Dispatcher::Settle(const OutboxItem& item, int64_t now_ms, RunResult* result) {
  auto dead = [&](const std::string& error) {
    Status s = store_->MarkDead(item.id, error);
    if (!s.ok()) return NoteStoreError(s, result);
    Count(item.channel, Result::kDead);
    ++result->dead;
  };
  auto retry = [&](int64_t delay_ms, const std::string& error) {
    int64_t next = now_ms + delay_ms;
    Status s = store_->MarkFailed(item.id, next, error);
    if (!s.ok()) return NoteStoreError(s, result);
    Count(item.channel, Result::kRetry);
    ++result->retried;
    if (!result->earliest_retry_ms || next < *result->earliest_retry_ms) {
      result->earliest_retry_ms = next;
    }
    std::lock_guard<std::mutex> wake_lock(mu_);
    scheduled_retries_.insert(next);
  };

  if (now_ms - item.created_at_ms >= options_.max_age.count()) {
    std::string error = "expired: not delivered within max_age";
    if (!item.last_error.empty()) error += "; last error: " + item.last_error;
    return dead(error);
  }
  const int64_t backoff_ms = BackoffDelay(item.attempts, options_.backoff).count();
  auto channel = channels_.find(item.channel);
  if (channel == channels_.end() || channel->second == nullptr) {
    return retry(backoff_ms, "unknown channel \"" + item.channel + "\"");
  }
  auto notification = NotificationFromJson(item.payload);
  if (!notification.ok()) return dead(notification.status().message());

  const auto start = std::chrono::steady_clock::now();
  channels::DeliveryResult r = channel->second->Deliver(*notification);
  MetricsFor(item.channel)
      .seconds->Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (r.ok) {
    Status s = store_->MarkDelivered(item.id, now_ms);
    if (!s.ok()) return NoteStoreError(s, result);
    Count(item.channel, Result::kDelivered);
    ++result->delivered;
    return;
  }
  if (!r.retryable) return dead(r.error.empty() ? "permanent delivery failure" : r.error);
  const int64_t retry_after_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(r.retry_after).count();
  retry(std::max(backoff_ms, retry_after_ms), r.error);
}

void Dispatcher::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  stop_ = false;
  notified_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Dispatcher::Stop() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!thread_.joinable()) return;  // not running, or another Stop() is joining it
    stop_ = true;
    thread = std::move(thread_);
  }
  cv_.notify_all();
  thread.join();
  std::lock_guard<std::mutex> lock(mu_);
  running_ = false;
}

void Dispatcher::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
  }
  cv_.notify_all();
}

bool Dispatcher::StopRequested() {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

void Dispatcher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    notified_ = false;
    lock.unlock();
    const int64_t run_at = clock_();
    RunResult r = RunOnce(run_at);
    const int64_t now = clock_();
    lock.lock();
    if (stop_) break;
    // Retries due at run_at were claimed by that run (a full batch loops at once). Not those due
    // by `now`: one scheduled during a slow run may already be due and must still wake us.
    scheduled_retries_.erase(scheduled_retries_.begin(), scheduled_retries_.upper_bound(run_at));
    if (r.status.ok() && r.claimed >= options_.batch_size) continue;  // more may be due
    int64_t wake = now + options_.poll_interval.count();
    if (!scheduled_retries_.empty()) wake = std::min(wake, *scheduled_retries_.begin());
    cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(0, wake - now)),
                 [this] { return stop_ || notified_; });
  }
}

}  // namespace bam::rulesvc::outbox
