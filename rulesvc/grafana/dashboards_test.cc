#include "rulesvc/grafana/dashboards.h"

#include <gtest/gtest.h>

#include "rulesvc/compiler/compiler.h"

namespace bam::rulesvc::grafana {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kCatalog = R"yaml(version: 1
settings:
  logs_url: "https://kibana.example.com/app/discover#/?_g=(time:(from:'{{start}}',to:'{{end}}'))"
kpis:
  - id: checkout_success_rate
    name: Checkout success
    description: Share of checkouts that complete.
    unit: percent
    ratio:
      numerator: bam_checkouts_total{status="completed"}
      denominator: bam_checkouts_total
      window: 5m
    by: [platform]
    thresholds: {warning: "< 95", critical: "< 90"}
  - id: revenue_per_hour
    name: Revenue per hour
    unit: eur_per_hour
    rate: {metric: bam_revenue_eur_total, window: 15m, per: 1h}
impact:
  revenue_per_hour: revenue_per_hour
  baseline: avg_7d_same_hour
rules:
  - id: checkout
    when: checkout_success_rate breaches thresholds
)yaml";

class DashboardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DiagnosticList diags;
    ASSERT_TRUE(ParseCatalog("c.yml", kCatalog, &catalog_, &diags)) << diags.Format();
    ASSERT_TRUE(Compile(catalog_, &rules_, &diags)) << diags.Format();
    dashboards_ = GenerateDashboards(catalog_, rules_);
    ASSERT_EQ(dashboards_.size(), 4u);
  }
  const ordered_json* Panel(size_t dashboard, std::string_view title) {
    for (const ordered_json& p : dashboards_[dashboard].json["panels"]) {
      if (p["title"] == title) return &p;
    }
    return nullptr;
  }
  Catalog catalog_;
  RuleFile rules_;
  std::vector<Dashboard> dashboards_;
};

TEST_F(DashboardsTest, StableUidsFilesAndReadOnly) {
  std::vector<std::string> uids, files;
  for (const Dashboard& d : dashboards_) {
    uids.push_back(d.json["uid"]);
    files.push_back(d.file_name);
    EXPECT_EQ(d.json["editable"], false);
    EXPECT_EQ(d.json["schemaVersion"], kSchemaVersion);
    EXPECT_EQ(d.uid, d.json["uid"]);
  }
  EXPECT_EQ(uids,
            (std::vector<std::string>{"bam-exec", "bam-ops", "bam-kpi-detail", "bam-exporter"}));
  EXPECT_EQ(files[0], "bam-executive.json");
}

TEST_F(DashboardsTest, KpiCardReadsTheRecordingRuleWithCatalogThresholdsAndLinks) {
  const ordered_json* p = Panel(0, "Checkout success");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*p)["type"], "stat");
  EXPECT_EQ((*p)["description"], "Share of checkouts that complete.");
  EXPECT_EQ((*p)["targets"][0]["expr"], "bam:checkout_success_rate:ratio5m");
  EXPECT_EQ((*p)["targets"][0]["legendFormat"], "{{platform}}");
  EXPECT_EQ((*p)["targets"][0]["datasource"]["uid"], "bam-prometheus");
  EXPECT_EQ((*p)["fieldConfig"]["defaults"]["unit"], "percent");
  EXPECT_EQ((*p)["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"], 90.0);
  ASSERT_EQ((*p)["links"].size(), 2u);
  EXPECT_EQ((*p)["links"][1]["url"],
            "https://kibana.example.com/app/discover#/?_g=(time:(from:'${__from:date:iso}',"
            "to:'${__to:date:iso}'))");
}

TEST_F(DashboardsTest, LossUsesTheImpactBaseline) {
  const ordered_json* p = Panel(0, "Perte estimée par heure");
  ASSERT_NE(p, nullptr);
  const std::string expr = (*p)["targets"][0]["expr"];
  EXPECT_EQ(
      expr.rfind("clamp_min(avg(label_replace(sum(bam:revenue_per_hour:rate15m offset 1d)", 0), 0u)
      << expr;
  EXPECT_NE(expr.find("offset 1w), \"offset\", \"1w\", \"\", \"\")) - "
                      "sum(bam:revenue_per_hour:rate15m), 0)"),
            std::string::npos)
      << expr;
}

TEST_F(DashboardsTest, KpiDetailHasKpiAndGranularityVariables) {
  const ordered_json& vars = dashboards_[2].json["templating"]["list"];
  ASSERT_EQ(vars.size(), 2u);
  EXPECT_EQ(vars[0]["name"], "kpi");
  EXPECT_EQ(vars[0]["query"],
            "Checkout success : checkout_success_rate,Revenue per hour : revenue_per_hour");
  EXPECT_EQ(vars[1]["query"], "minute : 1m,hour : 1h,day : 1d");
  EXPECT_EQ(dashboards_[2].json["panels"][0]["targets"][0]["expr"],
            "avg_over_time({__name__=~\"bam:${kpi}:(rate15m|ratio5m)\"}[$granularity])");
}

TEST_F(DashboardsTest, OutputIsDeterministic) {
  const std::vector<Dashboard> again = GenerateDashboards(catalog_, rules_);
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(DashboardText(again[i]), DashboardText(dashboards_[i]));
  }
}

}  // namespace
}  // namespace bam::rulesvc::grafana
