#include "rulesvc/outbox/dispatcher.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "rulesvc/channels/testing/http_recorder.h"
#include "rulesvc/channels/testing/sample_notification.h"
#include "rulesvc/channels/webhook.h"
#include "rulesvc/outbox/notification_json.h"

namespace bam::rulesvc::outbox {
namespace {

namespace fs = std::filesystem;
using channels::testing::HttpRecorder;

constexpr int64_t kT0 = 1800000000000;  // fake clock origin (ms)

// Polls `done` until it holds or 10 s pass.
bool PollUntil(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bam_outbox_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(recorder_.Start());
    std::string error;
    channels::WebhookConfig config;
    config.name = "hook";
    config.url = recorder_.base_url() + "/in";
    channel_ = channels::MakeWebhookChannel(config, &error);
    ASSERT_NE(channel_, nullptr) << error;
    OpenStore();
  }
  void TearDown() override {
    dispatcher_.reset();
    store_.reset();
    recorder_.Stop();
    fs::remove_all(dir_);
  }

  void OpenStore() {
    dispatcher_.reset();
    store_.reset();
    auto s = AlertStore::Open({.state_dir = dir_ / "state"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // A new dispatcher (and registry) over the current store, clock = fake_now_.
  void NewDispatcher(DispatcherOptions options = {}) {
    dispatcher_.reset();
    registry_ = std::make_unique<prometheus::Registry>();
    dispatcher_ = std::make_unique<Dispatcher>(
        store_.get(), std::map<std::string, channels::Channel*>{{"hook", channel_.get()}},
        *registry_, options, [this] { return fake_now_; });
  }

  // Records one event created at `created_ms` with one "hook" notification per title; returns
  // the outbox ids.
  std::vector<int64_t> Enqueue(const std::vector<std::string>& titles, int64_t created_ms,
                               const std::string& channel = "hook") {
    EventRecord e;
    e.group_key = "{}:{}";
    e.fingerprint = "fp" + std::to_string(++events_);
    e.starts_at_ms = created_ms;
    e.alertname = "PaymentSuccessLow";
    e.received_at_ms = created_ms;
    std::vector<NotificationRequest> requests;
    for (const auto& title : titles) {
      channels::Notification n = channels::testing::SampleFiring();
      n.title = title;
      requests.push_back({channel, NotificationToJson(n)});
    }
    auto r = store_->RecordEvent(e, requests);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->outbox_ids : std::vector<int64_t>{};
  }

  // Titles of the requests the receiver got from index `from` on.
  std::multiset<std::string> TitlesFrom(size_t from) {
    std::multiset<std::string> titles;
    auto requests = recorder_.requests();
    for (size_t i = from; i < requests.size(); ++i) {
      titles.insert(nlohmann::json::parse(requests[i].body)["title"].get<std::string>());
    }
    return titles;
  }

  double Value(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    for (const auto& family : registry_->Collect()) {
      if (family.name != name) continue;
      for (const auto& metric : family.metric) {
        std::map<std::string, std::string> got;
        for (const auto& l : metric.label) got[l.name] = l.value;
        if (got != labels) continue;
        if (family.type == prometheus::MetricType::Counter) return metric.counter.value;
        if (family.type == prometheus::MetricType::Gauge) return metric.gauge.value;
        if (family.type == prometheus::MetricType::Histogram) {
          return static_cast<double>(metric.histogram.sample_count);
        }
      }
    }
    return -1;
  }
  double Notifications(const std::string& result) {
    return Value("bam_rulesvc_notifications_total", {{"channel", "hook"}, {"result", result}});
  }

  OutboxItem Item(int64_t id) {
    auto item = store_->GetOutboxItem(id);
    EXPECT_TRUE(item.ok()) << item.status().ToString();
    return item.ok() ? *item : OutboxItem{};
  }

  fs::path dir_;
  HttpRecorder recorder_;
  std::unique_ptr<channels::Channel> channel_;
  std::unique_ptr<AlertStore> store_;
  std::unique_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Dispatcher> dispatcher_;
  int64_t fake_now_ = kT0;
  int events_ = 0;
};

TEST_F(DispatcherTest, ChannelDownThenBackDeliversEachMessageOnceWithBackoff) {
  NewDispatcher();
  auto ids = Enqueue({"a", "b"}, kT0);
  ASSERT_EQ(ids.size(), 2u);
  recorder_.Respond(503, "down");

  // Attempts 1..3 fail; the next attempt is due 1 s, 2 s, 4 s later.
  int64_t now = kT0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    RunResult r = dispatcher_->RunOnce(now);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.retried, 2) << "attempt " << attempt;
    const int64_t next = now + (int64_t{1000} << (attempt - 1));
    EXPECT_EQ(r.earliest_retry_ms, next);
    for (int64_t id : ids) {
      OutboxItem item = Item(id);
      EXPECT_EQ(item.attempts, attempt);
      EXPECT_EQ(item.next_attempt_at_ms, next);
      EXPECT_EQ(item.state, OutboxState::kPending);
      EXPECT_NE(item.last_error.find("503"), std::string::npos) << item.last_error;
    }
    EXPECT_EQ(dispatcher_->RunOnce(next - 1).claimed, 0);  // not due before its backoff
    now = next;
  }
  EXPECT_EQ(now, kT0 + 7000);
  EXPECT_EQ(recorder_.requests().size(), 6u);

  recorder_.Respond(200, "ok");
  RunResult r = dispatcher_->RunOnce(now);
  EXPECT_EQ(r.delivered, 2);
  EXPECT_EQ(TitlesFrom(6), (std::multiset<std::string>{"a", "b"}));
  for (int64_t id : ids) {
    EXPECT_EQ(Item(id).state, OutboxState::kDelivered);
    EXPECT_EQ(Item(id).attempts, 4);
  }
  EXPECT_EQ(dispatcher_->RunOnce(now + 3600000).claimed, 0);  // nothing delivered twice
  EXPECT_EQ(recorder_.requests().size(), 8u);

  EXPECT_EQ(Notifications("retry"), 6);
  EXPECT_EQ(Notifications("delivered"), 2);
  EXPECT_EQ(Notifications("dead"), 0);
  EXPECT_EQ(Value("bam_rulesvc_outbox_pending"), 0);
  EXPECT_EQ(Value("bam_rulesvc_notification_delivery_seconds", {{"channel", "hook"}}), 8);
}

TEST_F(DispatcherTest, RetryAfterLongerThanBackoffWins) {
  NewDispatcher();
  auto ids = Enqueue({"a"}, kT0);
  recorder_.Respond(503, "busy", {"Retry-After: 30"});
  RunResult r = dispatcher_->RunOnce(kT0);
  EXPECT_EQ(r.retried, 1);
  EXPECT_EQ(Item(ids[0]).next_attempt_at_ms, kT0 + 30000);
  EXPECT_EQ(Value("bam_rulesvc_outbox_pending"), 1);
}

TEST_F(DispatcherTest, PermanentFailureIsDeadImmediately) {
  NewDispatcher();
  auto ids = Enqueue({"a"}, kT0);
  recorder_.Respond(400, "bad request");
  RunResult r = dispatcher_->RunOnce(kT0);
  EXPECT_EQ(r.dead, 1);
  EXPECT_EQ(r.retried, 0);
  OutboxItem item = Item(ids[0]);
  EXPECT_EQ(item.state, OutboxState::kDead);
  EXPECT_NE(item.last_error.find("400"), std::string::npos) << item.last_error;
  EXPECT_EQ(dispatcher_->RunOnce(kT0 + 3600000).claimed, 0);
  EXPECT_EQ(recorder_.requests().size(), 1u);
  EXPECT_EQ(Notifications("dead"), 1);
  EXPECT_EQ(Notifications("retry"), 0);
  EXPECT_EQ(Value("bam_rulesvc_outbox_pending"), 0);
}

TEST_F(DispatcherTest, UnreadablePayloadIsDead) {
  NewDispatcher();
  EventRecord e;
  e.group_key = "g";
  e.fingerprint = "bad-payload";
  e.received_at_ms = kT0;
  auto rec = store_->RecordEvent(e, {{"hook", "not json"}});
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  EXPECT_EQ(dispatcher_->RunOnce(kT0).dead, 1);
  EXPECT_EQ(recorder_.requests().size(), 0u);
  EXPECT_EQ(Notifications("dead"), 1);
}

TEST_F(DispatcherTest, OlderThanMaxAgeIsDead) {
  DispatcherOptions options;
  options.max_age = std::chrono::minutes(1);
  NewDispatcher(options);
  auto ids = Enqueue({"a"}, kT0);
  recorder_.Respond(503, "down");
  EXPECT_EQ(dispatcher_->RunOnce(kT0).retried, 1);
  // Due again at kT0 + 1 s, but first claimed only once max_age has passed (a long outage).

  RunResult r = dispatcher_->RunOnce(kT0 + 60000);
  EXPECT_EQ(r.claimed, 1);
  EXPECT_EQ(r.dead, 1);
  OutboxItem item = Item(ids[0]);
  EXPECT_EQ(item.state, OutboxState::kDead);
  EXPECT_NE(item.last_error.find("max_age"), std::string::npos) << item.last_error;
  EXPECT_EQ(recorder_.requests().size(), 1u);  // not attempted once expired
  EXPECT_EQ(Notifications("retry"), 1);
  EXPECT_EQ(Notifications("dead"), 1);
  EXPECT_EQ(Value("bam_rulesvc_outbox_pending"), 0);
}

TEST_F(DispatcherTest, UnknownChannelIsRetriedNotDropped) {
  NewDispatcher();
  auto ids = Enqueue({"a"}, kT0, "removed-channel");
  RunResult r = dispatcher_->RunOnce(kT0);
  EXPECT_EQ(r.retried, 1);
  EXPECT_EQ(Item(ids[0]).state, OutboxState::kPending);
  EXPECT_EQ(Value("bam_rulesvc_notifications_total",
                  {{"channel", "removed-channel"}, {"result", "retry"}}),
            1);
}

TEST_F(DispatcherTest, RestartDeliversEverythingPending) {
  DispatcherOptions options;
  options.batch_size = 1;
  NewDispatcher(options);
  auto ids = Enqueue({"a", "b", "c"}, kT0);
  recorder_.Respond(503, "down");
  EXPECT_EQ(dispatcher_->RunOnce(kT0).retried, 1);  // "a" failed once, due at kT0 + 1 s
  // "b" is claimed by a delivery that dies with the process: leased for 60 s.
  auto in_flight = store_->ClaimDue(kT0, 1, 60000);
  ASSERT_TRUE(in_flight.ok());
  ASSERT_EQ(in_flight->size(), 1u);
  // "c" was never attempted.

  OpenStore();  // the process restarts: close the file, open it again
  NewDispatcher();
  recorder_.Respond(200, "ok");
  const size_t before = recorder_.requests().size();
  RunResult early = dispatcher_->RunOnce(kT0 + 1000);
  EXPECT_EQ(early.delivered, 2);  // "a" and "c"; "b" is still leased
  RunResult after_lease = dispatcher_->RunOnce(kT0 + 60000);
  EXPECT_EQ(after_lease.delivered, 1);
  EXPECT_EQ(TitlesFrom(before), (std::multiset<std::string>{"a", "b", "c"}));
  auto counts = store_->CountOutbox();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->delivered, 3);
  EXPECT_EQ(Notifications("delivered"), 3);
}

TEST_F(DispatcherTest, BackgroundThreadDeliversAfterNotifyAndStopsPromptly) {
  DispatcherOptions options;
  options.poll_interval = std::chrono::hours(1);
  registry_ = std::make_unique<prometheus::Registry>();
  // Poll interval of an hour: only Notify() can explain a prompt delivery.
  dispatcher_ = std::make_unique<Dispatcher>(
      store_.get(), std::map<std::string, channels::Channel*>{{"hook", channel_.get()}}, *registry_,
      options);
  dispatcher_->Start();
  dispatcher_->Start();  // no-op

  auto ids = Enqueue({"new"}, SystemClockMs());
  dispatcher_->Notify();
  ASSERT_TRUE(PollUntil([&] { return Item(ids[0]).state == OutboxState::kDelivered; }));
  EXPECT_EQ(TitlesFrom(0), (std::multiset<std::string>{"new"}));

  const auto start = std::chrono::steady_clock::now();
  dispatcher_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  dispatcher_->Stop();  // idempotent
  EXPECT_EQ(Notifications("delivered"), 1);

  dispatcher_->Start();  // restartable
  auto more = Enqueue({"again"}, SystemClockMs());
  dispatcher_->Notify();
  ASSERT_TRUE(PollUntil([&] { return Item(more[0]).state == OutboxState::kDelivered; }));
  dispatcher_->Stop();
}

TEST_F(DispatcherTest, BackgroundThreadWakesForScheduledRetry) {
  DispatcherOptions options;
  options.backoff.initial = std::chrono::milliseconds(50);
  options.backoff.max = std::chrono::milliseconds(50);
  options.poll_interval = std::chrono::hours(1);
  registry_ = std::make_unique<prometheus::Registry>();
  dispatcher_ = std::make_unique<Dispatcher>(
      store_.get(), std::map<std::string, channels::Channel*>{{"hook", channel_.get()}}, *registry_,
      options);
  recorder_.Respond(503, "down");
  auto ids = Enqueue({"x"}, SystemClockMs());
  dispatcher_->Start();
  ASSERT_TRUE(PollUntil([&] { return recorder_.requests().size() >= 1; }));
  recorder_.Respond(200, "ok");
  // No Notify(): the thread wakes at the retry it scheduled, not after the hour-long poll.
  ASSERT_TRUE(PollUntil([&] { return Item(ids[0]).state == OutboxState::kDelivered; }));
  dispatcher_->Stop();
}

}  // namespace
}  // namespace bam::rulesvc::outbox
