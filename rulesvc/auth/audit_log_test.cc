#include "rulesvc/auth/audit_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

namespace bam::rulesvc::auth {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bam_audit_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = AuditLog::PathIn(dir_.string());
    Reopen();
  }
  void TearDown() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    log_.reset();
    StatusOr<std::unique_ptr<AuditLog>> l = AuditLog::Open(path_);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(*l);
  }

  static AuditEntry Entry(int64_t t, std::string subject, std::string method, std::string outcome,
                          std::string detail = "") {
    AuditEntry e;
    e.time_ms = t;
    e.subject = std::move(subject);
    e.roles = {"ops", "analyst"};
    e.remote_addr = "127.0.0.1";
    e.method = std::move(method);
    e.path = "/bam/rules/r1";
    e.status = outcome == "ok" ? 200 : 403;
    e.outcome = std::move(outcome);
    e.detail = std::move(detail);
    return e;
  }

  AuditPage List(const AuditFilter& f) {
    StatusOr<AuditPage> p = log_->List(f);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : AuditPage{};
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogTest, RecordsAndListsNewestFirst) {
  ASSERT_TRUE(log_->Record(Entry(1000, "alice", "POST", "ok", "rule r1 created")).ok());
  ASSERT_TRUE(log_->Record(Entry(3000, "bob", "DELETE", "denied", "needs edit_rules")).ok());
  ASSERT_TRUE(log_->Record(Entry(2000, "", "GET", "unauthenticated", "expired")).ok());
  AuditPage p = List({});
  ASSERT_EQ(p.entries.size(), 3u);
  EXPECT_EQ(p.total, 3);
  EXPECT_EQ(p.limit, 100);
  EXPECT_EQ(p.entries[0].subject, "bob");
  EXPECT_EQ(p.entries[1].subject, "");
  EXPECT_EQ(p.entries[2].subject, "alice");
  const AuditEntry& e = p.entries[2];
  EXPECT_GT(e.id, 0);
  EXPECT_EQ(e.time_ms, 1000);
  EXPECT_EQ(e.roles, (std::vector<std::string>{"analyst", "ops"}));
  EXPECT_EQ(e.remote_addr, "127.0.0.1");
  EXPECT_EQ(e.method, "POST");
  EXPECT_EQ(e.path, "/bam/rules/r1");
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.outcome, "ok");
  EXPECT_EQ(e.detail, "rule r1 created");
}

TEST_F(AuditLogTest, FiltersAndPages) {
  for (int i = 0; i < 25; ++i) {
    ASSERT_TRUE(log_->Record(Entry(1000 + i, i % 2 ? "alice" : "bob", i % 5 ? "POST" : "DELETE",
                                   i % 3 ? "ok" : "denied"))
                    .ok());
  }
  AuditFilter f;
  f.subject = "alice";
  EXPECT_EQ(List(f).total, 12);
  f = {};
  f.outcome = "denied";
  EXPECT_EQ(List(f).total, 9);
  f = {};
  f.method = "DELETE";
  EXPECT_EQ(List(f).total, 5);
  f = {};
  f.from_ms = 1010;
  f.to_ms = 1020;  // exclusive
  AuditPage p = List(f);
  EXPECT_EQ(p.total, 10);
  EXPECT_EQ(p.entries.front().time_ms, 1019);
  EXPECT_EQ(p.entries.back().time_ms, 1010);

  f = {};
  f.limit = 10;
  f.offset = 20;
  p = List(f);
  EXPECT_EQ(p.total, 25);
  ASSERT_EQ(p.entries.size(), 5u);
  EXPECT_EQ(p.entries.front().time_ms, 1004);
  EXPECT_EQ(p.entries.back().time_ms, 1000);
  f.offset = 10;
  p = List(f);
  ASSERT_EQ(p.entries.size(), 10u);
  EXPECT_EQ(p.entries.front().time_ms, 1014);

  f = {};
  f.subject = "alice";
  f.outcome = "ok";
  f.method = "POST";
  f.from_ms = 1000;
  EXPECT_EQ(List(f).total, 7);  // odd i with i%3 != 0 and i%5 != 0: 1 7 11 13 17 19 23
}

TEST_F(AuditLogTest, SameTimeKeepsInsertionOrderNewestFirst) {
  ASSERT_TRUE(log_->Record(Entry(5, "first", "POST", "ok")).ok());
  ASSERT_TRUE(log_->Record(Entry(5, "second", "POST", "ok")).ok());
  AuditPage p = List({});
  ASSERT_EQ(p.entries.size(), 2u);
  EXPECT_EQ(p.entries[0].subject, "second");
}

TEST_F(AuditLogTest, SurvivesReopen) {
  ASSERT_TRUE(log_->Record(Entry(1, "alice", "PUT", "ok", "rule r1 updated")).ok());
  Reopen();
  ASSERT_TRUE(log_->Record(Entry(2, "bob", "PUT", "ok")).ok());
  AuditPage p = List({});
  ASSERT_EQ(p.total, 2);
  EXPECT_EQ(p.entries[1].detail, "rule r1 updated");
}

TEST_F(AuditLogTest, UsesWalAndFullSync) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(AuditLogTest, RefusesUnknownOutcomeAndBadPaging) {
  EXPECT_EQ(log_->Record(Entry(1, "a", "GET", "maybe")).code(), StatusCode::kInvalidArgument);
  AuditFilter f;
  f.limit = 0;
  EXPECT_EQ(log_->List(f).status().code(), StatusCode::kInvalidArgument);
  f.limit = AuditLog::kMaxLimit + 1;
  EXPECT_FALSE(log_->List(f).ok());
  f.limit = 10;
  f.offset = -1;
  EXPECT_FALSE(log_->List(f).ok());
}

TEST_F(AuditLogTest, ScrubsTokensFromDetail) {
  const std::string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
  ASSERT_TRUE(log_->Record(Entry(1, "a", "GET", "unauthenticated",
                                 "bad token " + jwt + " and Bearer abc.def-123\nend"))
                  .ok());
  const std::string d = List({}).entries.at(0).detail;
  EXPECT_EQ(d, "bad token <redacted> and Bearer <redacted> end");
  EXPECT_EQ(AuditLog::Scrub("header was Basic YWxpY2U6c2VjcmV0"), "header was Basic <redacted>");
  EXPECT_EQ(AuditLog::Scrub(std::string(5000, 'x')).size(), AuditLog::kMaxDetailBytes + 3);
  EXPECT_EQ(AuditLog::Scrub("rule payment_failures created"), "rule payment_failures created");
  // A multi-byte character is never cut in half.
  const std::string cut = AuditLog::Scrub(std::string(AuditLog::kMaxDetailBytes - 1, 'x') + "é");
  EXPECT_EQ(cut, std::string(AuditLog::kMaxDetailBytes - 1, 'x') + "...");
}

TEST_F(AuditLogTest, ForRequestTakesWhoAndWhere) {
  http::ApiRequest req;
  req.method = "PATCH";
  req.path = "/bam/alerts/7";
  req.remote_addr = "10.0.0.9";
  http::Principal who{"carol", {http::Role::kOps, http::Role::kAdmin}};
  AuditEntry e = AuditEntry::ForRequest(req, &who, 200, kOutcomeOk, "alert 7 treated", 42);
  EXPECT_EQ(e.subject, "carol");
  EXPECT_EQ(e.roles, (std::vector<std::string>{"admin", "ops"}));
  EXPECT_EQ(e.remote_addr, "10.0.0.9");
  EXPECT_EQ(e.path, "/bam/alerts/7");
  AuditEntry anon = AuditEntry::ForRequest(req, nullptr, 401, kOutcomeUnauthenticated, "", 43);
  EXPECT_EQ(anon.subject, "");
  EXPECT_TRUE(anon.roles.empty());
}

TEST_F(AuditLogTest, ConcurrentWritersLoseNothing) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 25; ++i) {
        EXPECT_TRUE(log_->Record(Entry(t * 100 + i, "u" + std::to_string(t), "POST", "ok")).ok());
        AuditFilter f;
        f.limit = 5;
        EXPECT_TRUE(log_->List(f).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(List({}).total, 100);
}

TEST(AuditLogOpenTest, MissingDirectoryIsUnavailable) {
  StatusOr<std::unique_ptr<AuditLog>> l = AuditLog::Open("/nonexistent-dir-bam/audit.db");
  EXPECT_EQ(l.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(AuditLog::PathIn("/var/lib/bam"), "/var/lib/bam/audit.db");
  EXPECT_EQ(AuditLog::PathIn("/var/lib/bam/"), "/var/lib/bam/audit.db");
}

}  // namespace
}  // namespace bam::rulesvc::auth
