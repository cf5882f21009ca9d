// The committed dashboards in grafana/dashboards/ are what `bam-rulesvc compile --grafana-out`
// makes of rulesvc/examples/catalog.yml (BAM_UPDATE_GOLDEN=1 regenerates them), every executive
// KPI card's thresholds equal the catalog's, and a failed compile writes no dashboard.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "rulesvc/catalog/catalog.h"
#include "tests/testing/process.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRoot(BAM_SOURCE_DIR);
const fs::path kCommitted = kRoot / "grafana/dashboards";
const std::string kRulesvc = std::string(BAM_BIN_DIR) + "/bam-rulesvc";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path TempDir(const std::string& name) {
  fs::path dir =
      fs::temp_directory_path() / ("bam-grafana-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<std::string> JsonFiles(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

TEST(DefaultCatalogDashboards, MatchCommittedFiles) {
  const fs::path out = TempDir("golden");
  auto run = testing::RunShell("cd " + Quote(kRoot) + " && " + kRulesvc +
                               " compile --catalog=rulesvc/examples/catalog.yml --out=" +
                               Quote(out / "rules") + " --grafana-out=" + Quote(out / "dash"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> generated = JsonFiles(out / "dash");
  EXPECT_EQ(generated, (std::vector<std::string>{"bam-executive.json", "bam-exporter.json",
                                                 "bam-kpi-detail.json", "bam-operations.json"}));
  const char* update = std::getenv("BAM_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(kCommitted);
    for (const std::string& f : JsonFiles(kCommitted)) fs::remove(kCommitted / f);
    for (const std::string& f : generated) fs::copy_file(out / "dash" / f, kCommitted / f);
  }
  EXPECT_EQ(JsonFiles(kCommitted), generated) << "BAM_UPDATE_GOLDEN=1 regenerates them";
  for (const std::string& f : generated) {
    EXPECT_EQ(ReadFile(out / "dash" / f), ReadFile(kCommitted / f))
        << "grafana/dashboards/" << f << " is stale: BAM_UPDATE_GOLDEN=1 regenerates it";
  }
  // The rules written beside them are the committed rules, whatever --grafana-out does.
  EXPECT_EQ(ReadFile(out / "rules/bam-rules.yml"),
            ReadFile(kRoot / "rulesvc/examples/generated/bam-rules.yml"));
  fs::remove_all(out);
}

// Computed here from the catalog, independently of the generator.
json ExpectedSteps(const rulesvc::Kpi& kpi) {
  using Op = rulesvc::Threshold::Op;
  const auto& w = kpi.warning;
  const auto& c = kpi.critical;
  json steps = json::array();
  auto step = [&steps](const char* color, json value) {
    steps.push_back({{"color", color}, {"value", value}});
  };
  if (!w && !c) {
    step("blue", nullptr);
    return steps;
  }
  const Op op = c ? c->op : w->op;
  if (op == Op::kLt || op == Op::kLe) {  // low is bad
    step(c ? "red" : "orange", nullptr);
    if (c && w) step("orange", c->value);
    step("green", w ? w->value : c->value);
  } else {
    step("green", nullptr);
    if (w) step("orange", w->value);
    if (c) step("red", c->value);
  }
  return steps;
}

TEST(ExecutiveDashboard, KpiCardThresholdsEqualTheCatalog) {
  rulesvc::Catalog catalog;
  DiagnosticList diags;
  ASSERT_TRUE(
      rulesvc::LoadCatalogs({(kRoot / "rulesvc/examples/catalog.yml").string()}, &catalog, &diags))
      << diags.Format();
  const json exec = json::parse(ReadFile(kCommitted / "bam-executive.json"));
  size_t judged = 0;
  for (const rulesvc::Kpi& kpi : catalog.kpis) {
    SCOPED_TRACE(kpi.id);
    const json* card = nullptr;
    for (const json& p : exec.at("panels")) {
      if (p.at("type") == "stat" && p.at("title") == kpi.name) card = &p;
    }
    ASSERT_NE(card, nullptr) << "no card for " << kpi.name;
    const json& thresholds = card->at("fieldConfig").at("defaults").at("thresholds");
    EXPECT_EQ(thresholds.at("mode"), "absolute");
    EXPECT_EQ(thresholds.at("steps"), ExpectedSteps(kpi));
    // The values are exactly the catalog's numbers.
    std::vector<double> values, catalog_values;
    for (const json& s : thresholds.at("steps")) {
      if (!s.at("value").is_null()) values.push_back(s.at("value").get<double>());
    }
    if (kpi.warning) catalog_values.push_back(kpi.warning->value);
    if (kpi.critical) catalog_values.push_back(kpi.critical->value);
    std::sort(values.begin(), values.end());
    std::sort(catalog_values.begin(), catalog_values.end());
    EXPECT_EQ(values, catalog_values);
    EXPECT_EQ(card->at("description"), kpi.description.empty()
                                           ? card->at("description").get<std::string>()
                                           : kpi.description);
    judged += kpi.warning || kpi.critical ? 1 : 0;
  }
  EXPECT_GE(judged, 5u) << "the default catalog judges at least the seed's five KPIs";
}

TEST(GrafanaOut, FailedCompileWritesNoDashboard) {
  const fs::path out = TempDir("invalid");
  std::vector<std::string> invalid;
  for (const auto& e : fs::directory_iterator(kRoot / "rulesvc/testdata/invalid")) {
    if (e.path().extension() == ".yml") invalid.push_back(e.path().string());
  }
  ASSERT_FALSE(invalid.empty());
  std::sort(invalid.begin(), invalid.end());
  auto run = testing::RunShell(kRulesvc + " compile --catalog=" + Quote(invalid[0]) + " --out=" +
                               Quote(out / "rules") + " --grafana-out=" + Quote(out / "dash"));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_FALSE(fs::exists(out / "dash"));
  EXPECT_FALSE(fs::exists(out / "rules"));
  fs::remove_all(out);
}

TEST(GrafanaOut, OperatorFormatKeepsWorking) {
  const fs::path out = TempDir("operator");
  auto run = testing::RunShell(kRulesvc + " compile --format=operator --catalog=" +
                               Quote(kRoot / "rulesvc/examples/catalog.yml") + " --out=" +
                               Quote(out / "rules") + " --grafana-out=" + Quote(out / "dash"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(ReadFile(out / "rules/bam-rules.yml").find("kind: PrometheusRule"), std::string::npos);
  EXPECT_EQ(JsonFiles(out / "dash").size(), 4u);
  EXPECT_EQ(ReadFile(out / "dash/bam-executive.json"), ReadFile(kCommitted / "bam-executive.json"));
  fs::remove_all(out);
}

}  // namespace
}  // namespace bam
