// The rules API against the real Prometheus (Debian's 2.42) with --web.enable-lifecycle, whose
// rule_files is the manager's rules_out: a rule created through the API is live in
// /api/v1/rules, an update changes the live expression, a delete removes the group, a rule that
// Prometheus refuses leaves the previous rules in place (file bytes, overlay and loaded groups),
// and a Prometheus that is down makes a change roll back.
//
// The refused rule is a real gap between our compiler and Prometheus: `runbook_url` (and
// `description`, label values) are copied into annotations verbatim, and Prometheus parses every
// annotation as a Go template, so "https://wiki.example/runbooks/{{team}}" — a user expecting the
// `{{variable}}` substitution of `message:` — compiles here but Prometheus refuses the file with
// `function "team" not defined`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/read_file.h"
#include "rulesvc/rules_admin/prometheus_admin.h"
#include "rulesvc/rules_admin/rule_manager.h"
#include "tests/testing/prometheus_server.h"

namespace bam::rulesvc::rules_admin {
namespace {

namespace fs = std::filesystem;
using http::ApiRequest;
using http::ApiResponse;
using http::Principal;
using http::Role;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kCatalog[] = R"(version: 1
kpis:
  - id: orders_per_minute
    unit: count
    expr: sum(rate(bam_orders_total[5m])) * 60
rules:
  - id: orders-stopped
    when: orders_per_minute < 1 for 10m
    severity: critical
)";

std::string Slurp(const std::string& p) {
  std::string text, error;
  if (!ReadFile(p, &text, &error)) return "<" + error + ">";
  return text;
}

ApiRequest Req(std::string method, std::string id, std::string body = "") {
  ApiRequest r;
  r.method = std::move(method);
  r.path = id.empty() ? "/bam/rules" : "/bam/rules/" + id;
  if (!id.empty()) r.path_params["id"] = id;
  r.body = std::move(body);
  return r;
}

class RulesAdminPrometheusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bam_rules_prom_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "catalog.yml") << kCatalog;
    // rules_out does not exist yet: a glob that matches nothing is accepted.
    std::ofstream(dir_ / "prometheus.yml")
        << "global:\n  scrape_interval: 15s\n  evaluation_interval: 15s\n"
           "rule_files: ['rules/*.yml']\n";
    testing::PrometheusServer::Options po;
    po.config_file = (dir_ / "prometheus.yml").string();
    std::string error;
    ASSERT_TRUE(prometheus_.Start(po, &error)) << error;

    options_.catalog_files = {(dir_ / "catalog.yml").string()};
    options_.overlay_path = (dir_ / "state" / "api-rules.yml").string();
    options_.rules_out = (dir_ / "rules" / "bam-rules.yml").string();
    options_.prometheus_url = prometheus_.url();
    options_.reload_timeout = 10s;
    options_.verify_timeout = 10s;
    manager_ = std::make_unique<RuleManager>(options_);
    Status s = manager_->Init();
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(manager_->init_reload_status().ok()) << manager_->init_reload_status().ToString();
    analyst_ = Principal{"alice", {Role::kAnalyst}};
  }
  void TearDown() override {
    manager_.reset();
    prometheus_.Stop();
    fs::remove_all(dir_);
  }

  // What Prometheus has loaded: "group/rule: query" lines.
  std::vector<std::string> Loaded() {
    auto groups = PrometheusAdmin(prometheus_.url(), 10s).Rules();
    EXPECT_TRUE(groups.ok()) << groups.status().ToString();
    std::vector<std::string> out;
    if (!groups.ok()) return out;
    for (const auto& g : *groups) {
      for (const auto& r : g.rules) out.push_back(g.name + "/" + r.name + ": " + r.query);
    }
    return out;
  }
  std::string LoadedQuery(const std::string& group, const std::string& rule) {
    for (const std::string& l : Loaded()) {
      std::string prefix = group + "/" + rule + ": ";
      if (l.compare(0, prefix.size(), prefix) == 0) return l.substr(prefix.size());
    }
    return "";
  }

  fs::path dir_;
  testing::PrometheusServer prometheus_;
  RuleManager::Options options_;
  std::unique_ptr<RuleManager> manager_;
  Principal analyst_;
};

TEST_F(RulesAdminPrometheusTest, CreateUpdateDeleteAreLiveAndARefusedRuleRollsBack) {
  // Init loaded the catalog's rules.
  EXPECT_NE(LoadedQuery("bam-rules-orders-stopped", "BamOrdersStopped"), "");

  // Create.
  ApiResponse created = manager_->HandleCreate(
      Req("POST", "", R"({"id": "orders-low", "when": "orders_per_minute < 5 for 10m"})"),
      analyst_);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["applied"], true);
  std::string q = LoadedQuery("bam-rules-orders-low", "BamOrdersLow");
  EXPECT_NE(q.find("< 5"), std::string::npos) << q;

  // Update: the new expression is live.
  ApiResponse updated = manager_->HandleUpdate(
      Req("PUT", "orders-low", R"({"when": "orders_per_minute < 3 for 10m"})"), analyst_);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(json::parse(updated.body)["applied"], true);
  q = LoadedQuery("bam-rules-orders-low", "BamOrdersLow");
  EXPECT_NE(q.find("< 3"), std::string::npos) << q;
  EXPECT_EQ(q.find("< 5"), std::string::npos) << q;

  // A rule Prometheus refuses: everything stays as it was.
  std::vector<std::string> loaded_before = Loaded();
  std::string rules_before = Slurp(options_.rules_out);
  std::string overlay_before = Slurp(options_.overlay_path);
  ApiResponse refused = manager_->HandleCreate(
      Req("POST", "", R"({"id": "orders-zero", "when": "orders_per_minute < 1",
          "runbook_url": "https://wiki.example/runbooks/{{team}}"})"),
      analyst_);
  ASSERT_EQ(refused.status, 422) << refused.body;
  json err = json::parse(refused.body);
  EXPECT_EQ(err["applied"], false);
  EXPECT_EQ(err["error"]["code"], "rejected_by_prometheus");
  // Prometheus's answer, and why (its log has it; promtool's rule parser is the same code).
  EXPECT_NE(err["error"]["prometheus"].get<std::string>().find("HTTP 500"), std::string::npos)
      << refused.body;
  EXPECT_NE(err["error"]["details"].get<std::string>().find(
                "\"BamOrdersZero\": annotation \"runbook_url\": template: __alert_BamOrdersZero:1: "
                "function \"team\" not defined"),
            std::string::npos)
      << refused.body;
  EXPECT_NE(prometheus_.Log().find("function \\\"team\\\" not defined"), std::string::npos)
      << prometheus_.Log();
  EXPECT_EQ(err["error"]["rollback"]["restored"], true);
  EXPECT_EQ(err["error"]["rollback"]["reload"], "ok");
  EXPECT_EQ(Loaded(), loaded_before);
  EXPECT_EQ(Slurp(options_.rules_out), rules_before);
  EXPECT_EQ(Slurp(options_.overlay_path), overlay_before);
  EXPECT_EQ(manager_->HandleGet(Req("GET", "orders-zero"), analyst_).status, 404);

  // Catalog-file rules are read-only; bad input never reaches Prometheus.
  EXPECT_EQ(manager_->HandleDelete(Req("DELETE", "orders-stopped"), analyst_).status, 409);
  ApiResponse bad = manager_->HandleCreate(
      Req("POST", "", R"({"id": "typo", "when": "orders_per_minut < 1"})"), analyst_);
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(json::parse(bad.body)["error"]["diagnostics"][0]["hint"], "\"orders_per_minute\"");
  ApiResponse dup = manager_->HandleCreate(
      Req("POST", "", R"({"id": "orders-low", "when": "orders_per_minute < 1"})"), analyst_);
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(Loaded(), loaded_before);

  // Delete: the group is gone.
  ApiResponse deleted = manager_->HandleDelete(Req("DELETE", "orders-low"), analyst_);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(json::parse(deleted.body)["applied"], true);
  EXPECT_EQ(LoadedQuery("bam-rules-orders-low", "BamOrdersLow"), "");
  EXPECT_NE(LoadedQuery("bam-rules-orders-stopped", "BamOrdersStopped"), "");
}

TEST_F(RulesAdminPrometheusTest, PrometheusDownRollsBackWith503) {
  std::string rules_before = Slurp(options_.rules_out);
  bool overlay_existed = fs::exists(options_.overlay_path);
  prometheus_.Stop();
  ApiResponse r = manager_->HandleCreate(
      Req("POST", "", R"({"id": "orders-low", "when": "orders_per_minute < 5"})"), analyst_);
  ASSERT_EQ(r.status, 503) << r.body;
  json err = json::parse(r.body)["error"];
  EXPECT_EQ(err["code"], "prometheus_unavailable");
  EXPECT_EQ(err["rollback"]["restored"], true);
  EXPECT_EQ(Slurp(options_.rules_out), rules_before);
  EXPECT_EQ(fs::exists(options_.overlay_path), overlay_existed);
  EXPECT_EQ(manager_->HandleGet(Req("GET", "orders-low"), analyst_).status, 404);
}

}  // namespace
}  // namespace bam::rulesvc::rules_admin
