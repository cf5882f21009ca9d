// RuleManager without Prometheus: validation, ownership (catalog files are read-only), the overlay
// on disk, snapshots. The Prometheus side (reload, verify, rollback) is in
// rules_admin_prometheus_test.cc.
#include "rulesvc/rules_admin/rule_manager.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/read_file.h"

namespace bam::rulesvc::rules_admin {
namespace {

namespace fs = std::filesystem;
using http::ApiRequest;
using http::ApiResponse;
using http::Principal;
using http::Role;
using nlohmann::json;

constexpr char kCatalog[] = R"(version: 1
kpis:
  - id: orders_per_minute
    unit: count
    expr: sum(rate(bam_orders_total[5m])) * 60
  - id: payment_errors
    unit: count
    increase: {metric: bam_payment_errors_total, window: 1h}
rules:
  - id: orders-stopped
    when: orders_per_minute < 1 for 10m
    severity: critical
)";

std::string Slurp(const fs::path& p) {
  std::string text, error;
  if (!ReadFile(p.string(), &text, &error)) return "<" + error + ">";
  return text;
}

class RuleManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bam_rules_admin_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "catalog.yml") << kCatalog;
    options_.catalog_files = {(dir_ / "catalog.yml").string()};
    options_.overlay_path = (dir_ / "state" / "api-rules.yml").string();
    options_.rules_out = (dir_ / "rules" / "bam-rules.yml").string();
    analyst_.subject = "alice";
    analyst_.roles = {Role::kAnalyst};
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<RuleManager> Started() {
    auto m = std::make_unique<RuleManager>(options_);
    Status s = m->Init();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return m;
  }

  static ApiRequest Req(std::string method, std::string id, std::string body = "") {
    ApiRequest r;
    r.method = std::move(method);
    r.path = id.empty() ? "/bam/rules" : "/bam/rules/" + id;
    if (!id.empty()) r.path_params["id"] = id;
    r.body = std::move(body);
    return r;
  }

  fs::path dir_;
  RuleManager::Options options_;
  Principal analyst_;
};

TEST_F(RuleManagerTest, InitWritesTheRuleFileAndListsCatalogRules) {
  auto m = Started();
  EXPECT_NE(Slurp(options_.rules_out).find("name: bam-rules-orders-stopped"), std::string::npos);
  ApiResponse r = m->HandleList(Req("GET", ""), analyst_);
  ASSERT_EQ(r.status, 200) << r.body;
  json list = json::parse(r.body)["rules"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], "orders-stopped");
  EXPECT_EQ(list[0]["source"], "catalog:" + options_.catalog_files[0]);
  EXPECT_EQ(list[0]["line"], 10);
  EXPECT_EQ(list[0]["kpi"], "orders_per_minute");
  EXPECT_EQ(list[0]["groups"], json::array({"bam-rules-orders-stopped"}));
  EXPECT_EQ(list[0]["alerts"][0]["alert"], "BamOrdersStopped");
  EXPECT_EQ(list[0]["alerts"][0]["severity"], "critical");
}

TEST_F(RuleManagerTest, CreateStoresTheRuleInTheOverlayAndSwapsTheSnapshot) {
  options_.rules_out.clear();
  auto m = Started();
  std::shared_ptr<const RuleManager::Snapshot> seen;
  m->SetOnChange([&](std::shared_ptr<const RuleManager::Snapshot> s) { seen = std::move(s); });
  std::shared_ptr<const Catalog> before = m->catalog();
  ApiResponse r = m->HandleCreate(
      Req("POST", "",
          R"({"id": "payment-errors-high", "when": {"warning": "payment_errors > 20 over 1h",
          "critical": "payment_errors > 50 over 1h"}, "actions": ["slack_ops"]})"),
      analyst_);
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0],
            std::make_pair(std::string("Location"), std::string("/bam/rules/payment-errors-high")));
  json body = json::parse(r.body);
  EXPECT_EQ(body["applied"], false);
  EXPECT_NE(body["note"].get<std::string>().find("rules_out is not configured"), std::string::npos);
  EXPECT_EQ(body["source"], "api");
  EXPECT_EQ(body["severities"], json::array({"critical", "warning"}));  // sorted by the loader
  EXPECT_EQ(body["alerts"].size(), 2u);
  // The old snapshot is untouched; the new one has the rule.
  EXPECT_EQ(before->rules.size(), 1u);
  EXPECT_EQ(m->catalog()->rules.size(), 2u);
  ASSERT_NE(seen, nullptr);
  EXPECT_EQ(seen->api_rule_ids.count("payment-errors-high"), 1u);
  EXPECT_NE(Slurp(options_.overlay_path).find("\"id\":\"payment-errors-high\""), std::string::npos);

  // A restarted service loads it back from the overlay.
  auto again = Started();
  ApiResponse g = again->HandleGet(Req("GET", "payment-errors-high"), analyst_);
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(json::parse(g.body)["source"], "api");
  EXPECT_EQ(json::parse(g.body)["when"]["critical"], "payment_errors > 50 over 1h");
}

TEST_F(RuleManagerTest, InvalidWhenIsA400LocatedInTheRuleWithAHint) {
  auto m = Started();
  std::string rules_before = Slurp(options_.rules_out);
  ApiResponse r = m->HandleCreate(
      Req("POST", "", R"({"id": "typo", "when": "paymnt_errors > 20 over 1h"})"), analyst_);
  ASSERT_EQ(r.status, 400) << r.body;
  json err = json::parse(r.body)["error"];
  EXPECT_EQ(err["code"], "invalid_rule");
  ASSERT_EQ(err["diagnostics"].size(), 1u);
  EXPECT_EQ(err["diagnostics"][0]["field"], "when");
  EXPECT_EQ(err["diagnostics"][0]["column"], 1);
  EXPECT_EQ(err["diagnostics"][0]["hint"], "\"payment_errors\"");
  EXPECT_EQ(err["message"], "when:1:1: unknown KPI \"paymnt_errors\"\n\tTry \"payment_errors\"");
  EXPECT_EQ(Slurp(options_.rules_out), rules_before);
  EXPECT_FALSE(fs::exists(options_.overlay_path));
  EXPECT_EQ(m->catalog()->rules.size(), 1u);
}

TEST_F(RuleManagerTest, ShapeErrorsAreA400WithJsonPaths) {
  auto m = Started();
  ApiResponse r = m->HandleCreate(
      Req("POST", "", R"({"id": "x", "when": 3, "sevrity": "critical"})"), analyst_);
  ASSERT_EQ(r.status, 400) << r.body;
  json err = json::parse(r.body)["error"];
  EXPECT_EQ(err["diagnostics"][0]["field"], "sevrity");
  EXPECT_EQ(err["diagnostics"][0]["hint"], "\"severity\"");
  EXPECT_EQ(err["diagnostics"][1]["field"], "when");
  EXPECT_EQ(m->HandleCreate(Req("POST", "", "{not json"), analyst_).status, 400);
  EXPECT_EQ(
      m->HandleCreate(Req("POST", "", R"({"when": "orders_per_minute < 1"})"), analyst_).status,
      400);
}

TEST_F(RuleManagerTest, DuplicateIdIsA409) {
  auto m = Started();
  ApiResponse r = m->HandleCreate(
      Req("POST", "", R"({"id": "orders-stopped", "when": "orders_per_minute < 2"})"), analyst_);
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_NE(json::parse(r.body)["error"]["message"].get<std::string>().find("catalog.yml:10:5"),
            std::string::npos)
      << r.body;
}

TEST_F(RuleManagerTest, CatalogRulesAreReadOnly) {
  auto m = Started();
  ApiResponse put = m->HandleUpdate(
      Req("PUT", "orders-stopped", R"({"when": "orders_per_minute < 2"})"), analyst_);
  ASSERT_EQ(put.status, 409) << put.body;
  json err = json::parse(put.body)["error"];
  EXPECT_EQ(err["code"], "read_only");
  EXPECT_NE(err["message"].get<std::string>().find(options_.catalog_files[0] + ":10:5"),
            std::string::npos);
  EXPECT_EQ(m->HandleDelete(Req("DELETE", "orders-stopped"), analyst_).status, 409);
}

TEST_F(RuleManagerTest, UpdateAndDeleteAnApiRule) {
  options_.rules_out.clear();
  auto m = Started();
  ASSERT_EQ(m->HandleCreate(Req("POST", "", R"({"id": "slow", "when": "orders_per_minute < 5"})"),
                            analyst_)
                .status,
            201);
  ApiResponse mismatch = m->HandleUpdate(
      Req("PUT", "slow", R"({"id": "other", "when": "orders_per_minute < 5"})"), analyst_);
  EXPECT_EQ(mismatch.status, 400) << mismatch.body;
  ApiResponse put = m->HandleUpdate(
      Req("PUT", "slow", R"({"when": "orders_per_minute < 3 for 5m", "severity": "info"})"),
      analyst_);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(json::parse(put.body)["when"], "orders_per_minute < 3 for 5m");
  EXPECT_EQ(json::parse(put.body)["severity"], "info");
  EXPECT_EQ(
      m->HandleUpdate(Req("PUT", "nope", R"({"when": "orders_per_minute < 3"})"), analyst_).status,
      404);
  ApiResponse del = m->HandleDelete(Req("DELETE", "slow"), analyst_);
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_EQ(m->catalog()->rules.size(), 1u);
  EXPECT_EQ(Slurp(options_.overlay_path).find("slow"), std::string::npos);
}

TEST_F(RuleManagerTest, UnknownIdIs404WithTheClosestId) {
  auto m = Started();
  ApiResponse r = m->HandleGet(Req("GET", "orders-stoped"), analyst_);
  ASSERT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["error"]["hint"], "\"orders-stopped\"");
}

TEST_F(RuleManagerTest, RolesAreChecked) {
  auto m = Started();
  Principal director{"dan", {Role::kDirection}};
  EXPECT_EQ(m->HandleList(Req("GET", ""), director).status, 200);
  EXPECT_EQ(
      m->HandleCreate(Req("POST", "", R"({"id": "a", "when": "orders_per_minute < 5"})"), director)
          .status,
      403);
  EXPECT_EQ(m->HandleDelete(Req("DELETE", "orders-stopped"), Principal{"x", {}}).status, 403);
}

TEST_F(RuleManagerTest, InitRefusesACatalogThatDoesNotCompile) {
  std::ofstream(dir_ / "catalog.yml") << kCatalog << "  - id: broken\n    when: nothing < 1\n";
  RuleManager m(options_);
  Status s = m.Init();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown KPI \"nothing\""), std::string::npos) << s.message();
}

}  // namespace
}  // namespace bam::rulesvc::rules_admin
