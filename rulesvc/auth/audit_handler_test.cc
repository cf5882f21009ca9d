#include "rulesvc/auth/audit_handler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace bam::rulesvc::auth {
namespace {

using nlohmann::json;

// 2026-11-22T10:00:00Z
constexpr int64_t kT0 = 1795341600000;

class AuditHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bam_audit_handler_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto l = AuditLog::Open(AuditLog::PathIn(dir_.string()));
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    log_ = std::move(*l);
    for (int i = 0; i < 6; ++i) {
      AuditEntry e;
      e.time_ms = kT0 + i * 60'000;
      e.subject = i < 3 ? "alice" : "";
      e.roles = i < 3 ? std::vector<std::string>{"analyst"} : std::vector<std::string>{};
      e.remote_addr = "127.0.0.1";
      e.method = i % 2 ? "DELETE" : "POST";
      e.path = "/bam/rules/r" + std::to_string(i);
      e.status = i < 3 ? 201 : 401;
      e.outcome = i < 3 ? "ok" : "unauthenticated";
      e.detail = "entry " + std::to_string(i);
      ASSERT_TRUE(log_->Record(e).ok());
    }
  }
  void TearDown() override {
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  http::ApiResponse Get(std::map<std::string, std::string> query) {
    http::ApiRequest req;
    req.method = "GET";
    req.path = "/bam/audit";
    req.query = std::move(query);
    return HandleAuditList(*log_, req);
  }
  json GetJson(std::map<std::string, std::string> query) {
    http::ApiResponse r = Get(std::move(query));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }
  // The 400 message, checked to name `param`.
  void ExpectBad(std::map<std::string, std::string> query, const std::string& param) {
    http::ApiResponse r = Get(query);
    EXPECT_EQ(r.status, 400) << r.body;
    json body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.contains("error")) << r.body;
    EXPECT_EQ(body["error"]["code"], "invalid_argument");
    EXPECT_NE(body["error"]["message"].get<std::string>().find("query parameter " + param + ":"),
              std::string::npos)
        << r.body;
  }

  std::filesystem::path dir_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditHandlerTest, ListsNewestFirstWithDefaults) {
  json j = GetJson({});
  EXPECT_EQ(j["total"], 6);
  EXPECT_EQ(j["offset"], 0);
  EXPECT_EQ(j["limit"], 100);
  ASSERT_EQ(j["entries"].size(), 6u);
  const json& e = j["entries"][0];
  EXPECT_EQ(e["time"], "2026-11-22T10:05:00.000Z");
  EXPECT_EQ(e["time_ms"], kT0 + 5 * 60'000);
  EXPECT_EQ(e["subject"], "");
  EXPECT_EQ(e["roles"], json::array());
  EXPECT_EQ(e["method"], "DELETE");
  EXPECT_EQ(e["path"], "/bam/rules/r5");
  EXPECT_EQ(e["status"], 401);
  EXPECT_EQ(e["outcome"], "unauthenticated");
  EXPECT_EQ(e["detail"], "entry 5");
  EXPECT_EQ(e["remote_addr"], "127.0.0.1");
  EXPECT_TRUE(e["id"].is_number_integer());
  EXPECT_EQ(j["entries"][5]["roles"], json::array({"analyst"}));
}

TEST_F(AuditHandlerTest, FiltersByTimeInBothFormats) {
  json j = GetJson({{"from", "2026-11-22T10:01:00Z"}, {"to", "2026-11-22T11:03:00+01:00"}});
  EXPECT_EQ(j["total"], 2);
  j = GetJson({{"from", std::to_string(kT0 + 60'000)}, {"to", std::to_string(kT0 + 180'000)}});
  EXPECT_EQ(j["total"], 2);
  EXPECT_EQ(j["entries"][0]["detail"], "entry 2");
}

TEST_F(AuditHandlerTest, FiltersBySubjectOutcomeMethodAndPages) {
  EXPECT_EQ(GetJson({{"subject", "alice"}})["total"], 3);
  EXPECT_EQ(GetJson({{"outcome", "unauthenticated"}})["total"], 3);
  EXPECT_EQ(GetJson({{"method", "delete"}})["total"], 3);
  json j = GetJson({{"offset", "4"}, {"limit", "10"}});
  EXPECT_EQ(j["total"], 6);
  EXPECT_EQ(j["offset"], 4);
  EXPECT_EQ(j["limit"], 10);
  ASSERT_EQ(j["entries"].size(), 2u);
  EXPECT_EQ(j["entries"][1]["detail"], "entry 0");
}

TEST_F(AuditHandlerTest, BadParametersAre400NamingTheParameter) {
  ExpectBad({{"from", "yesterday"}}, "from");
  ExpectBad({{"to", "2026-13-01T00:00:00Z"}}, "to");
  ExpectBad({{"to", "99999999999999999999999"}}, "to");
  ExpectBad({{"from", "2026-11-22T11:00:00Z"}, {"to", "2026-11-22T10:00:00Z"}}, "from");
  ExpectBad({{"limit", "0"}}, "limit");
  ExpectBad({{"limit", "1001"}}, "limit");
  ExpectBad({{"limit", "ten"}}, "limit");
  ExpectBad({{"offset", "-1"}}, "offset");
  ExpectBad({{"offset", "1.5"}}, "offset");
  ExpectBad({{"outcome", "fine"}}, "outcome");
  ExpectBad({{"method", "GET;DROP"}}, "method");
}

}  // namespace
}  // namespace bam::rulesvc::auth
