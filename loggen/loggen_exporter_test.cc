// End to end: the default exporter configuration (exporter/examples/ecommerce.yml, its source
// switched to stdin) counts a bam-loggen log exactly as the truth file says — every raw counter the
// KPIs use, revenue to the cent. Runs the real bam-loggen and bam-exporter --one-shot.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "loggen/testing/log_count.h"
#include "tests/testing/exposition.h"
#include "tests/testing/process.h"

namespace bam::loggen {
namespace {

namespace fs = std::filesystem;
using bam::testing::LabelMap;
using bam::testing::ParsedExposition;
using nlohmann::json;

class LoggenExporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_loggen_exporter_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteStdinConfig() {
    std::string path = testing::WriteEcommerceStdinConfig(dir_.string());
    EXPECT_FALSE(path.empty());
    return path;
  }

  fs::path dir_;
};

// Value of a series, 0 when the exposition does not have it (a counter that never moved).
double Value(const ParsedExposition& e, const std::string& name, const LabelMap& labels) {
  double v = 0;
  return e.FindLabels(name, labels, &v) ? v : 0;
}

// Sum over the series of `name` whose labels include every pair of `subset`.
double SumWhere(const ParsedExposition& e, const std::string& name, const LabelMap& subset) {
  double sum = 0;
  for (const auto& s : e.samples()) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : subset) {
      auto it = s.labels.find(k);
      match = match && it != s.labels.end() && it->second == v;
    }
    if (match) sum += s.value;
  }
  return sum;
}

TEST_F(LoggenExporterTest, OneShotCountsEqualTheTruth) {
  const std::string log = (dir_ / "shop.log").string(), truth_path = (dir_ / "truth.json").string();
  auto gen = bam::testing::RunShell(
      std::string("'") + BAM_BIN_DIR +
      "/bam-loggen' --seed=11 "
      "--start=2025-11-03T06:00:00Z --duration=12h --scale=3 --quiet "
      "--scenario=payment_outage@+4h/1h --scenario=cancellation_surge@+6h/1h "
      "--scenario=fraud_burst@+8h/1h --scenario=deployment@+9h/1h "
      "--out='" +
      log + "' --truth='" + truth_path + "'");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string config = WriteStdinConfig();
  auto run =
      bam::testing::RunShell("'" + std::string(BAM_BIN_DIR) + "/bam-exporter' --config.file='" +
                             config + "' --one-shot < '" + log + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const ParsedExposition e = ParsedExposition::Parse(run.out);
  const json truth = json::parse(testing::ReadFile(truth_path));
  ASSERT_GT(truth.at("lines").get<uint64_t>(), 100000u);

  double read = 0, rejected = 0;
  ASSERT_TRUE(e.Sum("bam_exporter_lines_read_total", &read));
  e.Sum("bam_exporter_lines_rejected_total", &rejected);
  EXPECT_EQ(read, truth.at("lines").get<double>());
  EXPECT_EQ(rejected, 0);

  const json& epr = truth.at("by_event_platform_region");
  for (const char* platform : {"web", "mobile"}) {
    for (const char* region : {"eu-west", "eu-central", "eu-south", "uk"}) {
      SCOPED_TRACE(std::string(platform) + "/" + region);
      const LabelMap pr = {{"platform", platform}, {"region", region}};
      auto truth_of = [&](const char* event) {
        return epr.at(event).at(platform).at(region).get<double>();
      };
      LabelMap completed = pr, failed = pr;
      completed["status"] = "completed";
      failed["status"] = "failed";
      EXPECT_EQ(Value(e, "bam_checkouts_total", completed), truth_of("checkout_success"));
      EXPECT_EQ(Value(e, "bam_checkouts_total", failed), truth_of("checkout_error"));
      EXPECT_EQ(
          std::llround(Value(e, "bam_revenue_eur_total", pr) * 100),
          std::llround(
              truth.at("revenue_eur_by_platform_region").at(platform).at(region).get<double>() *
              100));
      EXPECT_EQ(SumWhere(e, "bam_payment_errors_total", pr), truth_of("payment_gateway_error"));
      EXPECT_EQ(Value(e, "bam_orders_created_total", pr), truth_of("order_created"));
      EXPECT_EQ(Value(e, "bam_orders_shipped_total", pr), truth_of("order_shipped"));
      EXPECT_EQ(SumWhere(e, "bam_orders_cancelled_total", pr), truth_of("order_cancelled"));
      EXPECT_EQ(Value(e, "bam_user_sessions_total", pr), truth_of("user_session"));
      EXPECT_EQ(Value(e, "bam_signups_total", pr), truth_of("signup"));
    }
  }
  double revenue = 0;
  ASSERT_TRUE(e.Sum("bam_revenue_eur_total", &revenue));
  EXPECT_EQ(std::llround(revenue * 100), truth.at("revenue_completed_cents").get<int64_t>());

  for (const auto& [status, methods] : truth.at("transactions_by_status_method").items()) {
    for (const auto& [method, n] : methods.items()) {
      EXPECT_EQ(
          SumWhere(e, "bam_transactions_total", {{"status", status}, {"payment_method", method}}),
          n.get<double>())
          << status << "/" << method;
    }
  }
  for (const auto& [code, n] : truth.at("payment_errors_by_code").items()) {
    EXPECT_EQ(SumWhere(e, "bam_payment_errors_total", {{"error_code", code}}), n.get<double>())
        << code;
  }
  for (const auto& [endpoint, platforms] : truth.at("api_responses_by_endpoint_platform").items()) {
    for (const auto& [platform, n] : platforms.items()) {
      EXPECT_EQ(Value(e, "bam_api_response_seconds_count",
                      {{"endpoint", endpoint}, {"platform", platform}}),
                n.get<double>())
          << endpoint << "/" << platform;
    }
  }
  for (const char* detected : {"true", "false"}) {
    EXPECT_EQ(SumWhere(e, "bam_fraud_checks_total", {{"fraud_detected", detected}}),
              truth.at("fraud_checks").at(detected).get<double>())
        << detected;
  }
  for (const auto& [action, n] : truth.at("by_action").items()) {
    EXPECT_EQ(SumWhere(e, "bam_user_actions_total", {{"action", action}}), n.get<double>())
        << action;
  }
  double errors = 0, deployments = 0;
  e.Sum("bam_errors_total", &errors);
  e.Sum("bam_deployments_total", &deployments);
  EXPECT_EQ(errors, truth.at("by_log_type").at("error").get<double>());
  EXPECT_EQ(deployments, truth.at("by_event").at("deployment").get<double>());
  // Sanity: the scenarios left their marks, so the comparison covered non-trivial counts.
  EXPECT_GT(truth.at("by_event").at("payment_gateway_error").get<int>(), 10);
  EXPECT_GT(truth.at("fraud_checks").at("true").get<int>(), 10);
}

}  // namespace
}  // namespace bam::loggen
