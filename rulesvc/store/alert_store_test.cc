#include "rulesvc/store/alert_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "rulesvc/store/backoff.h"

namespace bam::rulesvc {
namespace {

namespace fs = std::filesystem;

class AlertStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bam_store_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto s = AlertStore::Open({.state_dir = dir_ / "state"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  static EventRecord Event(std::string status = "firing", int64_t starts = 1000,
                           std::string fp = "568715ef3778af36") {
    EventRecord e;
    e.group_key = "{}:{alertname=\"OrderRateLow\"}";
    e.fingerprint = std::move(fp);
    e.starts_at_ms = starts;
    e.status = std::move(status);
    if (e.status == "resolved") e.ends_at_ms = starts + 60000;
    e.alertname = "OrderRateLow";
    e.bam_rule_id = "order_rate_low";
    e.severity = "page";
    e.labels_json = R"({"alertname":"OrderRateLow","severity":"page"})";
    e.annotations_json = R"({"summary":"orders low"})";
    e.received_at_ms = starts + 5;
    e.enrichment_reason = "pending";
    return e;
  }

  static std::vector<NotificationRequest> Two() {
    return {{"slack-ops", R"({"text":"a"})"}, {"mail-direction", "b"}};
  }

  RecordResult Record(const EventRecord& e, const std::vector<NotificationRequest>& n = Two()) {
    auto r = store_->RecordEvent(e, n);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RecordResult{};
  }

  fs::path dir_;
  std::unique_ptr<AlertStore> store_;
};

TEST_F(AlertStoreTest, OpenCreatesWalDatabaseAtCurrentSchema) {
  EXPECT_TRUE(fs::exists(dir_ / "state" / "bam-rulesvc.db"));
  EXPECT_EQ(*store_->SchemaVersion(), AlertStore::kSchemaVersion);
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "state" / "bam-rulesvc.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
  Reopen();  // migrating an up-to-date file is a no-op
  EXPECT_EQ(*store_->SchemaVersion(), AlertStore::kSchemaVersion);
}

TEST_F(AlertStoreTest, RefusesANewerSchema) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "state" / "bam-rulesvc.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = AlertStore::Open({.state_dir = dir_ / "state"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().ToString(),
            "failed precondition: database schema version 99 is newer than this build's 1");
}

TEST_F(AlertStoreTest, SamePayloadTwiceIsOneEventAndOneSetOfNotifications) {
  EXPECT_FALSE(*store_->HasEvent(Event()));
  const RecordResult first = Record(Event());
  EXPECT_TRUE(*store_->HasEvent(Event()));
  EventRecord resolved_twin = Event();
  resolved_twin.status = "resolved";
  EXPECT_FALSE(*store_->HasEvent(resolved_twin));
  EXPECT_TRUE(first.inserted);
  EXPECT_EQ(first.outbox_ids.size(), 2u);
  const RecordResult again = Record(Event());  // HA peer / retry
  EXPECT_FALSE(again.inserted);
  EXPECT_EQ(again.event_id, first.event_id);
  EXPECT_EQ(again.alert_id, first.alert_id);
  EXPECT_TRUE(again.outbox_ids.empty());
  EXPECT_EQ(store_->ListEvents(first.alert_id)->size(), 1u);
  EXPECT_EQ(store_->CountOutbox()->pending, 2);

  // Same alert through another route (group key): a second event, same incident.
  EventRecord other = Event();
  other.group_key = "{}:{service=\"checkout\"}";
  const RecordResult routed = Record(other);
  EXPECT_TRUE(routed.inserted);
  EXPECT_EQ(routed.alert_id, first.alert_id);
}

TEST_F(AlertStoreTest, ResolveIsANewTransitionAndClosesTheAlert) {
  const RecordResult fired = Record(Event());
  const RecordResult resolved = Record(Event("resolved"), {{"slack-ops", "resolved"}});
  EXPECT_TRUE(resolved.inserted);
  EXPECT_EQ(resolved.alert_id, fired.alert_id);
  const AlertRecord a = *store_->GetAlert(fired.alert_id);
  EXPECT_EQ(a.status, "resolved");
  EXPECT_EQ(a.ends_at_ms, std::optional<int64_t>(61000));
  EXPECT_EQ(a.last_event_at_ms, 1005);
  // A late firing retry from another peer does not reopen it.
  EventRecord late = Event();
  late.group_key = "other";
  Record(late, {});
  EXPECT_EQ(store_->GetAlert(fired.alert_id)->status, "resolved");
  EXPECT_EQ(store_->ListEvents(fired.alert_id)->size(), 3u);
}

TEST_F(AlertStoreTest, UserStateSurvivesResolveAndRefire) {
  const RecordResult fired = Record(Event());
  ASSERT_TRUE(store_->PatchAlert(fired.alert_id, {.read = true, .treated = true}).ok());
  const auto c = store_->AddComment(fired.alert_id, "alice", "called the PSP", 2000);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->author, "alice");

  Record(Event("resolved"));
  EventRecord retry = Event();
  retry.group_key = "peer-route";
  retry.received_at_ms = 90000;
  Record(retry);
  const RecordResult refire = Record(Event("firing", 500000));  // new incident, new startsAt
  EXPECT_NE(refire.alert_id, fired.alert_id);

  const AlertRecord a = *store_->GetAlert(fired.alert_id);
  EXPECT_TRUE(a.read);
  EXPECT_TRUE(a.treated);
  EXPECT_EQ(a.comment_count, 1);
  const auto comments = *store_->ListComments(fired.alert_id);
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0].text, "called the PSP");
  EXPECT_EQ(comments[0].created_at_ms, 2000);
  const AlertRecord fresh = *store_->GetAlert(refire.alert_id);
  EXPECT_FALSE(fresh.read);
  EXPECT_FALSE(fresh.treated);
  EXPECT_EQ(fresh.comment_count, 0);

  // Patch only one field.
  const auto patched = store_->PatchAlert(fired.alert_id, {.treated = false});
  ASSERT_TRUE(patched.ok());
  EXPECT_TRUE(patched->read);
  EXPECT_FALSE(patched->treated);
}

TEST_F(AlertStoreTest, EnrichmentStoredWithTheFiringEvent) {
  EventRecord e = Event();
  e.enrichment_json = R"({"loss_per_hour":15000})";
  e.enrichment_reason = "";
  const RecordResult r = Record(e);
  EXPECT_EQ(store_->GetAlert(r.alert_id)->enrichment_json,
            std::optional<std::string>(R"({"loss_per_hour":15000})"));
  ASSERT_TRUE(store_->SetEnrichment(r.event_id, std::nullopt, "prometheus timeout").ok());
  const auto events = *store_->ListEvents(r.alert_id);
  EXPECT_FALSE(events[0].record.enrichment_json.has_value());
  EXPECT_EQ(events[0].record.enrichment_reason, "prometheus timeout");
  EXPECT_EQ(store_->SetEnrichment(999, "{}", "").code(), StatusCode::kNotFound);
}

TEST_F(AlertStoreTest, OutboxLifecycleSurvivesReopen) {
  const RecordResult r = Record(Event(), {{"slack", "s"}, {"teams", "t"}, {"sms", "x"}});
  ASSERT_EQ(r.outbox_ids.size(), 3u);
  const int64_t now = 1005;

  auto claimed = store_->ClaimDue(now, 2, 30000);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ((*claimed)[0].channel, "slack");
  EXPECT_EQ((*claimed)[0].attempts, 1);
  EXPECT_EQ((*claimed)[0].next_attempt_at_ms, now + 30000);
  EXPECT_EQ((*claimed)[1].channel, "teams");
  // Claimed items are leased: a second claim only sees the third.
  auto rest = store_->ClaimDue(now, 10, 30000);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].channel, "sms");

  ASSERT_TRUE(store_->MarkDelivered((*claimed)[0].id, now + 10).ok());
  const int64_t retry_at = now + BackoffDelay(1, {}).count();
  ASSERT_TRUE(store_->MarkFailed((*claimed)[1].id, retry_at, "HTTP 503").ok());
  // sms: the process "dies" mid-delivery — no Mark* call.

  Reopen();  // restart
  EXPECT_EQ(store_->GetOutboxItem((*claimed)[0].id)->state, OutboxState::kDelivered);
  const OutboxItem teams = *store_->GetOutboxItem((*claimed)[1].id);
  EXPECT_EQ(teams.state, OutboxState::kPending);
  EXPECT_EQ(teams.last_error, "HTTP 503");
  EXPECT_EQ(teams.next_attempt_at_ms, retry_at);
  EXPECT_TRUE(store_->ClaimDue(retry_at - 1, 10, 30000)->empty());
  auto due = store_->ClaimDue(now + 30000, 10, 30000);  // backoff and lease both elapsed
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].channel, "teams");
  EXPECT_EQ((*due)[0].attempts, 2);
  EXPECT_EQ((*due)[1].channel, "sms");
  EXPECT_EQ((*due)[1].attempts, 2);
  ASSERT_TRUE(store_->MarkDelivered((*due)[0].id, now + 30001).ok());
  ASSERT_TRUE(store_->MarkDead((*due)[1].id, "gave up after 24h").ok());

  Reopen();
  const OutboxCounts counts = *store_->CountOutbox();
  EXPECT_EQ(counts.pending, 0);
  EXPECT_EQ(counts.delivered, 2);
  EXPECT_EQ(counts.dead, 1);
  EXPECT_TRUE(store_->ClaimDue(now + 10000000, 10, 1)->empty());
  EXPECT_EQ(store_->GetOutboxItem((*due)[1].id)->last_error, "gave up after 24h");
}

TEST_F(AlertStoreTest, OutboxTransitionErrors) {
  const RecordResult r = Record(Event(), {{"slack", "s"}});
  const int64_t id = r.outbox_ids[0];
  ASSERT_TRUE(store_->MarkDelivered(id, 1).ok());
  EXPECT_EQ(
      store_->MarkDelivered(id, 2).ToString(),
      "failed precondition: mark delivered: outbox item " + std::to_string(id) + " is not pending");
  EXPECT_EQ(store_->MarkFailed(4242, 0, "x").ToString(), "not found: outbox item 4242 not found");
  EXPECT_EQ(store_->MarkDead(4242, "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ClaimDue(0, 0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Enqueue(4242, {{"slack", "s"}}, 0).status().code(), StatusCode::kNotFound);
  const auto more = store_->Enqueue(r.event_id, {{"mail", "m"}}, 7);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(store_->GetOutboxItem((*more)[0])->next_attempt_at_ms, 7);
}

TEST_F(AlertStoreTest, EventAndNotificationsAreAtomic) {
  // An invalid notification fails the whole record: no event, no alert, no outbox row.
  const auto r = store_->RecordEvent(Event(), {{"slack", "s"}, {"", "bad"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "invalid argument: notification channel is empty");
  EXPECT_EQ(store_->ListAlerts({})->total, 0);
  EXPECT_EQ(store_->CountOutbox()->pending, 0);
  // And the same payload then records fine.
  EXPECT_TRUE(Record(Event()).inserted);
}

TEST_F(AlertStoreTest, RejectsBadEvents) {
  EXPECT_EQ(store_->RecordEvent(Event("pending")).status().ToString(),
            "invalid argument: status: want firing or resolved, got \"pending\"");
  EXPECT_EQ(store_->RecordEvent(Event("firing", 1, "")).status().ToString(),
            "invalid argument: fingerprint: empty");
  EXPECT_EQ(store_->GetAlert(77).status().ToString(), "not found: alert 77 not found");
  EXPECT_EQ(store_->PatchAlert(77, {.read = true}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->AddComment(77, "a", "t", 0).status().code(), StatusCode::kNotFound);
  const RecordResult r = Record(Event());
  EXPECT_EQ(store_->AddComment(r.alert_id, "", "t", 0).status().ToString(),
            "invalid argument: author: empty");
  EXPECT_EQ(store_->AddComment(r.alert_id, "a", "", 0).status().ToString(),
            "invalid argument: text: empty");
}

TEST_F(AlertStoreTest, ListAlertsFiltersAndPages) {
  // 6 incidents, starts at 1000..6000; severities alternate page/warning; odd ones resolved.
  std::vector<int64_t> ids;
  for (int i = 1; i <= 6; ++i) {
    EventRecord e = Event("firing", int64_t{i} * 1000, "fp" + std::to_string(i));
    e.severity = i % 2 == 0 ? "warning" : "page";
    ids.push_back(Record(e, {}).alert_id);
    if (i % 2 == 1) {
      EventRecord res = e;
      res.status = "resolved";
      res.ends_at_ms = e.starts_at_ms + 1;
      Record(res, {});
    }
  }
  ASSERT_TRUE(store_->PatchAlert(ids[1], {.read = true}).ok());
  ASSERT_TRUE(store_->PatchAlert(ids[3], {.read = true, .treated = true}).ok());

  auto all = *store_->ListAlerts({});
  EXPECT_EQ(all.total, 6);
  ASSERT_EQ(all.alerts.size(), 6u);
  EXPECT_EQ(all.alerts[0].starts_at_ms, 6000);  // newest first
  EXPECT_EQ(all.alerts[5].starts_at_ms, 1000);

  auto ids_of = [](const AlertPage& p) {
    std::vector<int64_t> out;
    for (const auto& a : p.alerts) out.push_back(a.starts_at_ms);
    return out;
  };
  EXPECT_EQ(ids_of(*store_->ListAlerts({.severity = "warning"})),
            (std::vector<int64_t>{6000, 4000, 2000}));
  EXPECT_EQ(ids_of(*store_->ListAlerts({.status = "resolved"})),
            (std::vector<int64_t>{5000, 3000, 1000}));
  EXPECT_EQ(ids_of(*store_->ListAlerts({.read = true})), (std::vector<int64_t>{4000, 2000}));
  EXPECT_EQ(ids_of(*store_->ListAlerts({.read = false})).size(), 4u);
  EXPECT_EQ(ids_of(*store_->ListAlerts({.treated = true})), (std::vector<int64_t>{4000}));
  EXPECT_EQ(ids_of(*store_->ListAlerts({.from_ms = 2000, .to_ms = 4000})),
            (std::vector<int64_t>{3000, 2000}));
  EXPECT_EQ(ids_of(*store_->ListAlerts({.severity = "page", .status = "firing"})).size(), 0u);
  EXPECT_EQ(ids_of(*store_->ListAlerts(
                {.alertname = "OrderRateLow", .bam_rule_id = "order_rate_low", .to_ms = 2500})),
            (std::vector<int64_t>{2000, 1000}));

  const AlertPage p1 = *store_->ListAlerts({.offset = 0, .limit = 4});
  const AlertPage p2 = *store_->ListAlerts({.offset = 4, .limit = 4});
  EXPECT_EQ(p1.total, 6);
  EXPECT_EQ(ids_of(p1), (std::vector<int64_t>{6000, 5000, 4000, 3000}));
  EXPECT_EQ(ids_of(p2), (std::vector<int64_t>{2000, 1000}));
  EXPECT_TRUE(store_->ListAlerts({.offset = 6})->alerts.empty());

  EXPECT_EQ(store_->ListAlerts({.limit = 0}).status().ToString(),
            "invalid argument: limit: want 1..1000");
  EXPECT_EQ(store_->ListAlerts({.offset = -1}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListAlerts({.status = "open"}).status().ToString(),
            "invalid argument: status: want firing or resolved, got \"open\"");
}

// Two HA Alertmanagers posting the same group at the same moment: exactly one insert.
TEST_F(AlertStoreTest, ConcurrentDuplicatesInsertOnce) {
  std::vector<std::thread> threads;
  std::vector<int> inserted(8, 0);
  for (size_t t = 0; t < inserted.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = store_->RecordEvent(Event("firing", 1000 + i), Two());
        if (r.ok() && r->inserted) ++inserted[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  int total = 0;
  for (int n : inserted) total += n;
  EXPECT_EQ(total, 20);
  EXPECT_EQ(store_->CountOutbox()->pending, 40);
}

// A process killed with SIGKILL after RecordEvent returned and mid-delivery (claimed, not
// marked): after restart the event is there and the claimed notification is due again once its
// lease expires.
TEST_F(AlertStoreTest, SigkillAfterWriteLosesNothing) {
  store_.reset();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = AlertStore::Open({.state_dir = dir_ / "state"});
    if (!s.ok()) _exit(2);
    auto r = (*s)->RecordEvent(Event(), Two());
    if (!r.ok() || !r->inserted) _exit(3);
    auto c = (*s)->ClaimDue(1005, 1, 60000);
    if (!c.ok() || c->size() != 1) _exit(4);
    kill(getpid(), SIGKILL);
    _exit(5);
  }
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exit " << WEXITSTATUS(wstatus);
  ASSERT_EQ(WTERMSIG(wstatus), SIGKILL);
  Reopen();
  EXPECT_EQ(store_->ListAlerts({})->total, 1);
  EXPECT_EQ(store_->CountOutbox()->pending, 2);
  auto now = store_->ClaimDue(1006, 10, 60000);
  ASSERT_EQ(now->size(), 1u);  // the unclaimed one
  EXPECT_EQ((*now)[0].channel, "mail-direction");
  auto later = store_->ClaimDue(1005 + 60000, 10, 60000);
  ASSERT_EQ(later->size(), 1u);  // the one in flight when the process died
  EXPECT_EQ((*later)[0].channel, "slack-ops");
  EXPECT_EQ((*later)[0].attempts, 2);
}

TEST_F(AlertStoreTest, UnwritableStateDirIsUnavailable) {
  auto s = AlertStore::Open({.state_dir = dir_ / "missing" / "deeper"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(AlertStore::Open({}).status().ToString(), "invalid argument: state_dir: empty");
}

}  // namespace
}  // namespace bam::rulesvc
