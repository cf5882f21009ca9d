// Every panel query of the committed dashboards (grafana/dashboards/*.json) returns data from a
// real stack (issue 7, "What it must show" 2):
//   10 days of bam-loggen history -> bam-exporter --backfill (exporter/examples/ecommerce.yml)
//   (step 1m, thinned to 15m outside the last 30 hours and the same hours a week earlier) ->
//   promtool tsdb create-blocks-from openmetrics -> Prometheus on those blocks; the KPIs' recording
//   rules (the committed bam-kpis group, without its helper series) evaluated every 5m with
//   promtool tsdb create-blocks-from rules (querying that Prometheus) over the last 30 hours and
//   the same 30 hours a week earlier (for `offset 1w`), then Prometheus restarted on the enlarged
//   TSDB; and a live bam-exporter scraped every second, for the exporter's own metrics (the
//   backfill does not write them). About 40 s.
// Each target and annotation expression, with Grafana's variables substituted (every KPI of the
// KPI detail dashboard, every granularity), runs as a range query over the last day of history,
// else over the last seconds of live scrapes, and must return at least one series. The queries
// that cannot have data here are listed in kNoDataHere with the reason, and must be empty (so the
// list stays honest).
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/process.h"
#include "tests/testing/subprocess.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const fs::path kRoot(BAM_SOURCE_DIR);
const std::string kBin = BAM_BIN_DIR;

// History: 2026-09-01T00:00Z + 10 days (rare events have happened a week before its end); queries
// over its last 6 hours, aligned to the rules' 5m step. A day granularity looks back one more day,
// `offset 1w` one week.
constexpr int64_t kHistoryStart = 1788220800;
constexpr int64_t kHistoryEnd = kHistoryStart + 10 * 86400;
constexpr int64_t kQueryStart = kHistoryEnd - 6 * 3600;
constexpr int64_t kQueryEnd = kHistoryEnd - 300;
constexpr int64_t kFineStart = kQueryStart - 86400;  // raw samples every minute from here
constexpr int64_t kWeek = 7 * 86400;

// Queries that have no data in this stack, by a substring of their expression, with the reason.
const std::map<std::string, std::string> kNoDataHere = {
    {"ALERTS{", "no alerting rule is loaded: the history is in the past, alerts fire at now"},
    {"bam_rulesvc_", "no bam-rulesvc runs here (its self-metrics are tested in tests/rulesvc/)"},
    {"bam_exporter_kafka_lag", "the live exporter has no Kafka source"},
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

// The exporter's example config reading `log` instead of the sample.
std::string ExporterConfig(const fs::path& log) {
  std::string text = Slurp(kRoot / "exporter/examples/ecommerce.yml");
  const std::string sample = "paths: [ecommerce-sample.jsonl]";
  if (text.find(sample) == std::string::npos) return "";
  ReplaceAll(&text, sample, "paths: [\"" + log.string() + "\"]");
  return text;
}

struct Query {
  std::string dashboard;
  std::string where;  // panel title or annotation name
  std::string expr;
  int64_t step = 300;
};

void CollectPanels(const std::string& dashboard, const json& panels, std::vector<json>* out) {
  for (const json& p : panels) {
    if (p.value("type", "") == "row") {
      CollectPanels(dashboard, p.value("panels", json::array()), out);
    } else {
      out->push_back(p);
    }
  }
}

// Every expression of every dashboard with Grafana's variables replaced.
std::vector<Query> AllQueries() {
  std::vector<Query> out;
  for (const auto& e : fs::directory_iterator(kRoot / "grafana/dashboards")) {
    if (e.path().extension() != ".json") continue;
    const json d = json::parse(Slurp(e.path()));
    const std::string name = e.path().filename().string();
    std::vector<std::pair<std::string, std::string>> exprs;  // where, expr
    std::vector<json> panels;
    CollectPanels(name, d.at("panels"), &panels);
    for (const json& p : panels) {
      for (const json& t : p.value("targets", json::array())) {
        exprs.emplace_back(p.at("title").get<std::string>(), t.at("expr").get<std::string>());
      }
    }
    for (const json& a : d.at("annotations").at("list")) {
      exprs.emplace_back("annotation " + a.at("name").get<std::string>(),
                         a.at("target").at("expr").get<std::string>());
    }
    // Values of each template variable (custom variables: their options).
    std::vector<std::string> kpis = {""}, granularities = {"1h"};
    for (const json& v : d.at("templating").at("list")) {
      std::vector<std::string> values;
      for (const json& o : v.at("options")) values.push_back(o.at("value"));
      if (v.at("name") == "kpi") kpis = values;
      if (v.at("name") == "granularity") granularities = values;
    }
    for (const auto& [where, expr] : exprs) {
      std::set<std::string> seen;
      for (const std::string& kpi : kpis) {
        for (const std::string& g : granularities) {
          std::string x = expr;
          ReplaceAll(&x, "${kpi}", kpi);
          ReplaceAll(&x, "$kpi", kpi);
          ReplaceAll(&x, "$granularity", g);
          ReplaceAll(&x, "$__rate_interval", "5m");
          if (!seen.insert(x).second) continue;
          // Grafana's step is the granularity (the target's interval): windows [t - g, t] tile
          // the time axis, so each recorded sample falls in one of them.
          int64_t step = 300;
          if (x != expr && g == "1m") step = 60;
          if (x != expr && g == "1h") step = 3600;
          if (x != expr && g == "1d") step = 86400;
          out.push_back({name, where, x, step});
        }
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Query& a, const Query& b) { return a.dashboard < b.dashboard; });
  return out;
}

class DashboardQueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_grafana_queries_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    StopPrometheus();
    exporter_.reset();
    fs::remove_all(dir_);
  }

  // The real prometheus with its log in a file: with hundreds of blocks its start-up log
  // (a line per block, and overlapping blocks listed) outgrows a pipe that is read only on demand
  // (testing::PrometheusServer's), and prometheus would block writing it.
  void StartPrometheus(const std::string& config, const fs::path& tsdb) {
    StopPrometheus();
    auto which = testing::RunShell("command -v prometheus");
    ASSERT_EQ(which.exit_code, 0) << "prometheus is not installed (see TOOLCHAIN.md)";
    log_ = dir_ / (config + ".log");
    prometheus_ = std::make_unique<testing::Subprocess>(std::vector<std::string>{
        "/bin/sh", "-c",
        "exec " + which.out.substr(0, which.out.find('\n')) + " --config.file=" +
            Quote((dir_ / config).string()) + " --storage.tsdb.path=" + Quote(tsdb.string()) +
            " --storage.tsdb.retention.time=100y --web.listen-address=127.0.0.1:0 2>" +
            Quote(log_.string())});
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    address_.clear();
    while (true) {
      const std::string text = Slurp(log_);
      size_t at = text.find("msg=\"Listening on\" address=");
      if (at != std::string::npos) {
        address_ = text.substr(at + 27, text.find_first_of(" \n", at + 27) - at - 27);
        if (testing::RunShell("curl -sf -o /dev/null 'http://" + address_ + "/-/ready'")
                .exit_code == 0) {
          return;
        }
      }
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << text;
      std::this_thread::sleep_for(100ms);
    }
  }

  void StopPrometheus() {
    if (prometheus_ == nullptr) return;
    prometheus_->Signal(SIGTERM);
    prometheus_->Wait(10s);
    prometheus_.reset();
  }

  std::string url() const { return "http://" + address_; }

  // Number of series of a range query (-1 on error).
  int RangeSeries(const std::string& expr, int64_t start, int64_t end, int64_t step) {
    auto r = testing::RunShell("curl -sS --fail-with-body '" + url() +
                               "/api/v1/query_range' --data-urlencode " + Quote("query=" + expr) +
                               " --data-urlencode start=" + std::to_string(start) +
                               " --data-urlencode end=" + std::to_string(end) +
                               " --data-urlencode step=" + std::to_string(step));
    json j = json::parse(r.out, nullptr, false);
    if (r.exit_code != 0 || j.is_discarded() || j.value("status", "") != "success") {
      ADD_FAILURE() << expr << ": " << r.out << r.err;
      return -1;
    }
    return static_cast<int>(j.at("data").at("result").size());
  }

  fs::path dir_;
  std::unique_ptr<testing::Subprocess> prometheus_;
  fs::path log_;
  std::string address_;
  std::unique_ptr<testing::Subprocess> exporter_;
};

TEST_F(DashboardQueriesTest, EveryPanelQueryReturnsData) {
  const auto t0 = std::chrono::steady_clock::now();
  // 1. The history, as docs/backfill.md does it.
  const fs::path log = dir_ / "shop.log", history = dir_ / "history.om", tsdb = dir_ / "tsdb";
  auto gen = testing::RunShell(
      Quote(kBin + "/bam-loggen") +
      " --seed=17 --start=2026-09-01T00:00:00Z --duration=10d --scale=0.05 --quiet "
      "--mode=backfill --out=" +
      Quote(log.string()) + " --truth=" + Quote((dir_ / "truth.json").string()));
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  const std::string config = ExporterConfig(log);
  ASSERT_FALSE(config.empty()) << "exporter/examples/ecommerce.yml no longer reads the sample";
  std::ofstream(dir_ / "shop.yml") << config;
  auto backfill = testing::RunShell(
      Quote(kBin + "/bam-exporter") + " --config.file=" + Quote((dir_ / "shop.yml").string()) +
      " --backfill --backfill.step=1m --output=" + Quote(history.string()));
  ASSERT_EQ(backfill.exit_code, 0) << backfill.err;
  // Every 15 minutes outside the range the queries read at a minute's resolution (5m windows
  // need it): a smaller file, and the 1w windows of the rules have less to read.
  auto thin = testing::RunShell(
      "awk -v fine=" + std::to_string(kFineStart - 3600) + " -v week=" + std::to_string(kWeek) +
      " -v end=" + std::to_string(kHistoryEnd) +
      " '/^#/ {print; next} {t = $NF + 0; if (t >= fine || (t >= fine - week && t <= end - week)"
      " || t % 900 == 0) print}' " +
      Quote(history.string()) + " > " + Quote(history.string() + ".thin"));
  ASSERT_EQ(thin.exit_code, 0) << thin.err;
  // --max-block-duration (a hidden flag of promtool 2.42): a few large blocks instead of one per
  // 2 hours, each of which re-reads the whole file.
  auto blocks = testing::RunShell(
      "promtool tsdb create-blocks-from openmetrics -q "
      "--max-block-duration=240h " +
      Quote(history.string() + ".thin") + " " + Quote(tsdb.string()));
  ASSERT_EQ(blocks.exit_code, 0) << blocks.err << blocks.out;
  fs::remove(history);
  fs::remove(history.string() + ".thin");
  fs::remove(log);
  const auto t1 = std::chrono::steady_clock::now();

  // 2. Prometheus on the history alone, for promtool to query.
  std::ofstream(dir_ / "history.yml") << "global:\n  scrape_interval: 1m\n";
  StartPrometheus("history.yml", tsdb);
  ASSERT_FALSE(HasFatalFailure());

  // 3. The KPIs' recording rules over the history (what the dashboards read), without the group
  // interval so --eval-interval applies.
  YAML::Node committed =
      YAML::LoadFile((kRoot / "rulesvc/examples/generated/bam-rules.yml").string());
  YAML::Node records(YAML::NodeType::Sequence);
  const std::regex kpi_record(
      "bam:[a-z0-9_]+:(ratio|rate|increase|avg|quantile|gauge|expr)[0-9a-z]*");
  for (const YAML::Node& g : committed["groups"]) {
    if (g["name"].as<std::string>() != "bam-kpis") continue;
    for (const YAML::Node& r : g["rules"]) {
      if (r["record"] && std::regex_match(r["record"].as<std::string>(), kpi_record)) {
        records.push_back(r);
      }
    }
  }
  ASSERT_GE(records.size(), 10u);
  YAML::Node group;
  group["name"] = "bam-kpis";
  group["rules"] = records;
  YAML::Node file;
  file["groups"].push_back(group);
  std::ofstream(dir_ / "rules.yml") << YAML::Dump(file) << "\n";
  for (const auto& [from, to] :
       {std::pair{kFineStart, kHistoryEnd}, std::pair{kFineStart - kWeek, kHistoryEnd - kWeek}}) {
    auto recorded = testing::RunShell(
        "promtool tsdb create-blocks-from rules -q --url=" + url() +
        " --start=" + std::to_string(from) + " --end=" + std::to_string(to) +
        " --eval-interval=5m --output-dir=" + Quote((dir_ / "recorded").string()) + " " +
        Quote((dir_ / "rules.yml").string()));
    ASSERT_EQ(recorded.exit_code, 0) << recorded.err << recorded.out;
  }
  // The enlarged TSDB: the history's blocks and the recorded ones.
  StopPrometheus();
  const fs::path stack_tsdb = dir_ / "stack-tsdb";
  fs::create_directories(stack_tsdb);
  for (const fs::path& from : {tsdb, dir_ / "recorded"}) {
    for (const auto& e : fs::directory_iterator(from)) {
      if (fs::exists(e.path() / "meta.json"))
        fs::rename(e.path(), stack_tsdb / e.path().filename());
    }
  }
  // 4. A live exporter (its own metrics) on the sample log, scraped every second.
  std::string live = Slurp(kRoot / "exporter/examples/ecommerce.yml");
  ReplaceAll(&live, "paths: [ecommerce-sample.jsonl]",
             "paths: [\"" + (kRoot / "exporter/examples/ecommerce-sample.jsonl").string() + "\"]");
  std::ofstream(dir_ / "live.yml") << live;
  exporter_ = std::make_unique<testing::Subprocess>(std::vector<std::string>{
      kBin + "/bam-exporter", "--config.file=" + (dir_ / "live.yml").string(),
      "--web.listen-address=127.0.0.1:0",
      "--storage.positions-file=" + (dir_ / "positions.json").string()});
  const std::string line = exporter_->WaitForStderr("listening on", 10s);
  ASSERT_NE(line.rfind(':'), std::string::npos) << exporter_->err();
  const std::string port = std::to_string(std::atoi(line.c_str() + line.rfind(':') + 1));
  std::ofstream(dir_ / "prometheus.yml")
      << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      << "scrape_configs:\n  - job_name: bam-exporter\n    static_configs:\n"
      << "      - targets: ['127.0.0.1:" << port << "']\n";
  StartPrometheus("prometheus.yml", stack_tsdb);
  ASSERT_FALSE(HasFatalFailure());

  const auto t2 = std::chrono::steady_clock::now();

  // Live scrapes: wait until rates over them exist (two scrapes).
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (RangeSeries("rate(bam_exporter_lines_read_total[5m]) and on () "
                     "count(rate(bam_exporter_config_reloads_total[5m]))",
                     std::time(nullptr) - 5, std::time(nullptr), 1) < 1) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << Slurp(log_);
    std::this_thread::sleep_for(250ms);
  }

  // 5. Every query.
  const std::vector<Query> queries = AllQueries();
  ASSERT_GT(queries.size(), 30u);
  std::set<std::string> dashboards, no_data_used;
  for (const Query& q : queries) {
    SCOPED_TRACE(q.dashboard + " / " + q.where + ": " + q.expr);
    dashboards.insert(q.dashboard);
    const int64_t now = std::time(nullptr);
    int n = RangeSeries(q.expr, kQueryStart, kQueryEnd, q.step);
    if (n == 0) n = RangeSeries(q.expr, now - 10, now, 1);
    std::string reason;
    for (const auto& [needle, why] : kNoDataHere) {
      if (q.expr.find(needle) != std::string::npos) {
        reason = why;
        no_data_used.insert(needle);
      }
    }
    if (reason.empty()) {
      EXPECT_GE(n, 1) << "no data";
    } else {
      EXPECT_EQ(n, 0) << "listed as having no data here (" << reason
                      << ") but it has: take it off kNoDataHere";
    }
  }
  EXPECT_EQ(dashboards.size(), 4u);
  EXPECT_EQ(no_data_used.size(), kNoDataHere.size()) << "an entry of kNoDataHere is unused";
  const auto t3 = std::chrono::steady_clock::now();
  auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::printf("history %.1fs, rules %.1fs, %zu queries %.1fs\n", secs(t1 - t0), secs(t2 - t1),
              queries.size(), secs(t3 - t2));
}

}  // namespace
}  // namespace bam
