// End to end (issue 4, point 7): 30 days of bam-loggen history, turned by `bam-exporter --backfill`
// into OpenMetrics, by `promtool tsdb create-blocks-from openmetrics` into TSDB blocks, served by a
// real Prometheus started on them: `sum(increase(...[1d]))` at a past day's end equals the truth
// file's number for that day. Also: the unique and duration metrics in the history equal what
// --one-shot reports on the log cut at the same moment (backfill behaves as live), and the output
// has no self-metrics and no leftovers.
//
// Exactness of increase(): the history has a sample of every series at every step boundary
// (midnight included) and a 0 sample one step before a series' first count, so the range
// [day start, day end] (closed at both ends in Prometheus 2.x) starts and ends on samples:
// Prometheus extrapolates by 0 and increase() is last - first, exactly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/exposition.h"
#include "tests/testing/process.h"
#include "tests/testing/subprocess.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// The definitions of these metrics in exporter/examples/ecommerce.yml, reading one file.
std::string Config(const std::string& log) {
  return R"(sources:
  - name: shop
    file: {paths: [")" +
         log + R"("], start_at: beginning}
    format: json
    timestamp: {field: ts, layout: rfc3339}
metrics:
  - name: bam_orders_created_total
    type: counter
    help: Orders created.
    when: event == "order_created"
    labels: {platform: platform, region: region}
  - name: bam_revenue_eur_total
    type: counter
    help: Revenue of completed transactions, in euros.
    when: log_type == "transaction" and status == "completed" and currency == "EUR"
    value: amount
    labels: {platform: platform, region: region}
  - name: bam_active_users
    type: unique
    help: Distinct users seen over the last 24 hours (daily active users).
    when: log_type == "user_behavior"
    key: user_id
    window: 24h
    labels: {platform: platform}
  - name: bam_order_processing_seconds
    type: duration
    help: Time from order creation to shipping.
    key: order_id
    start: event == "order_created"
    end: event == "order_shipped"
    timeout: 72h
    buckets: [600, 1800, 3600, 7200, 21600, 43200, 86400, 172800, 259200]
)";
}

class BackfillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_backfill_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    prometheus_.reset();
    fs::remove_all(dir_);
  }

  // Instant query at `time` (Unix seconds): the value of a one-element vector result.
  double Query(const std::string& expr, int64_t time) {
    auto r = testing::RunShell("curl -sS --fail-with-body 'http://" + address_ +
                               "/api/v1/query' --data-urlencode " + Quote("query=" + expr) +
                               " --data-urlencode time=" + std::to_string(time));
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    json j = json::parse(r.out, nullptr, false);
    if (j.is_discarded() || j.value("status", "") != "success") {
      ADD_FAILURE() << expr << ": " << r.out;
      return NAN;
    }
    const json& result = j.at("data").at("result");
    if (result.size() != 1) {
      ADD_FAILURE() << expr << " at " << time << ": " << r.out;
      return NAN;
    }
    return std::stod(result[0].at("value")[1].get<std::string>());
  }

  void StartPrometheus(const fs::path& blocks) {
    auto which = testing::RunShell("command -v prometheus");
    ASSERT_EQ(which.exit_code, 0) << "prometheus is not installed (see TOOLCHAIN.md)";
    std::string binary = which.out.substr(0, which.out.find('\n'));
    const fs::path config = dir_ / "prometheus.yml";
    std::ofstream(config) << "global:\n  scrape_interval: 1m\n";
    // Port 0: the kernel picks a free one, Prometheus logs it ("Listening on" address=...).
    // Retention is measured back from the newest block: 100y keeps 30-day-old blocks.
    prometheus_ = std::make_unique<testing::Subprocess>(std::vector<std::string>{
        binary, "--config.file=" + config.string(), "--storage.tsdb.path=" + blocks.string(),
        "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:0"});
    std::string line = prometheus_->WaitForStderr("msg=\"Listening on\"", 60s);
    ASSERT_FALSE(line.empty()) << prometheus_->err();
    size_t at = line.find("address=");
    ASSERT_NE(at, std::string::npos) << line;
    address_ = line.substr(at + 8);
    address_ = address_.substr(0, address_.find_first_of(" \n"));
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (true) {
      auto r = testing::RunShell("curl -sf 'http://" + address_ + "/-/ready'");
      if (r.exit_code == 0) break;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << prometheus_->err();
      std::this_thread::sleep_for(100ms);
    }
  }

  fs::path dir_;
  std::unique_ptr<testing::Subprocess> prometheus_;
  std::string address_;
};

// Unix seconds of midnight UTC of 2026-09-DD.
int64_t SeptemberMidnight(int day) { return 1788220800 + int64_t{day - 1} * 86400; }

TEST_F(BackfillTest, ThirtyDaysInPrometheusAnswerPerDayIncreaseAsTheTruth) {
  const std::string bin = BAM_BIN_DIR;
  const fs::path log = dir_ / "shop.log", truth_path = dir_ / "truth.json",
                 config = dir_ / "shop.yml", history = dir_ / "history.om",
                 blocks = dir_ / "blocks";
  // 30 days at a tenth of the default shop (~12,000 lines a day).
  auto gen = testing::RunShell(Quote(bin + "/bam-loggen") +
                               " --seed=31 --start=2026-09-01T00:00:00Z --duration=30d "
                               "--scale=0.1 --quiet --mode=backfill --out=" +
                               Quote(log.string()) + " --truth=" + Quote(truth_path.string()));
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  std::ofstream(config) << Config(log.string());

  // A step of 2h keeps the file small: promtool 2.42 re-reads the whole file for each 2-hour block.
  auto backfill =
      testing::RunShell(Quote(bin + "/bam-exporter") + " --config.file=" + Quote(config.string()) +
                        " --backfill --backfill.step=2h" + " --output=" + Quote(history.string()));
  ASSERT_EQ(backfill.exit_code, 0) << backfill.err;
  const std::string om = Slurp(history);
  ASSERT_GE(om.size(), 6u);
  EXPECT_EQ(om.substr(om.size() - 6), "# EOF\n");
  EXPECT_EQ(om.find("bam_exporter_"), std::string::npos) << "self-metrics in the history";
  EXPECT_NE(om.find("# TYPE bam_orders_created counter\n"), std::string::npos);
  // 00:00 on the 1st to 00:00 on 1 October (the step after the last line): 361 steps.
  EXPECT_NE(om.find("bam_order_processing_seconds_orphans_total 0 " +
                    std::to_string(SeptemberMidnight(1)) + "\n"),
            std::string::npos);
  EXPECT_NE(om.find(" " + std::to_string(SeptemberMidnight(31)) + "\n"), std::string::npos);
  EXPECT_EQ(om.find(" " + std::to_string(SeptemberMidnight(31) + 7200) + "\n"), std::string::npos);
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) left.push_back(e.path().filename());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"history.om", "shop.log", "shop.yml", "truth.json"}));

  auto create = testing::RunShell("promtool tsdb create-blocks-from openmetrics -q " +
                                  Quote(history.string()) + " " + Quote(blocks.string()));
  ASSERT_EQ(create.exit_code, 0) << create.err << create.out;
  StartPrometheus(blocks);
  ASSERT_FALSE(HasFatalFailure());

  const json truth = json::parse(Slurp(truth_path));
  const json& by_day = truth.at("by_day");
  ASSERT_EQ(by_day.size(), 30u);
  for (int day : {2, 10, 23, 30}) {
    char date[16];
    std::snprintf(date, sizeof date, "2026-09-%02d", day);
    SCOPED_TRACE(date);
    const json& t = by_day.at(date);
    const int64_t start = SeptemberMidnight(day), end = SeptemberMidnight(day + 1);
    const double orders = t.at("by_event").at("order_created").get<double>();
    ASSERT_GT(orders, 20);
    const double increase = Query("sum(increase(bam_orders_created_total[1d]))", end);
    const double difference =
        Query("sum(bam_orders_created_total)", end) - Query("sum(bam_orders_created_total)", start);
    std::printf("%s: order_created truth %.0f, increase() %.17g, difference %.17g\n", date, orders,
                increase, difference);
    EXPECT_EQ(increase, orders);
    EXPECT_EQ(difference, orders);
    // Revenue: sums of amounts with cents, added as doubles in two different orders.
    const double revenue = t.at("revenue_completed_eur").get<double>();
    const double revenue_increase = Query("sum(increase(bam_revenue_eur_total[1d]))", end);
    std::printf("%s: revenue truth %.2f, increase() %.17g\n", date, revenue, revenue_increase);
    EXPECT_NEAR(revenue_increase, revenue, 1e-6);
  }

  // Backfill behaves as live: at 2026-09-15T02:00 the history equals what --one-shot says of the
  // log cut there (02:00 is not the edge of a 90-minute unique sub-window, so the last line before
  // it and the boundary itself see the same window).
  const int64_t cut = SeptemberMidnight(15) + 7200;
  {
    const std::string text = Slurp(log);
    size_t at = 0;  // the first line stamped at or after the cut (lines are in time order)
    while (at < text.size()) {
      size_t ts = text.find("\"ts\":\"", at);
      ASSERT_NE(ts, std::string::npos);
      if (text.compare(ts + 6, 24, "2026-09-15T02:00:00.000Z") >= 0) break;
      at = text.find('\n', at) + 1;
    }
    ASSERT_GT(at, 0u);
    std::ofstream(dir_ / "cut.log") << text.substr(0, at);
  }
  std::ofstream(dir_ / "cut.yml") << Config((dir_ / "cut.log").string());
  auto one_shot = testing::RunShell(Quote(bin + "/bam-exporter") + " --config.file=" +
                                    Quote((dir_ / "cut.yml").string()) + " --one-shot");
  ASSERT_EQ(one_shot.exit_code, 0) << one_shot.err;
  const auto live = testing::ParsedExposition::Parse(one_shot.out);
  for (const std::string series :
       {"bam_active_users{platform=\"web\"}", "bam_active_users{platform=\"mobile\"}",
        "bam_order_processing_seconds_count", "bam_order_processing_seconds_sum",
        "bam_order_processing_seconds_bucket{le=\"43200\"}",
        "bam_order_processing_seconds_orphans_total",
        "bam_order_processing_seconds_timeouts_total"}) {
    double want = NAN;
    ASSERT_TRUE(live.Find(series, &want)) << series;
    const double got = Query(series, cut);
    std::printf("%s at 2026-09-15T02:00: one-shot %.17g, Prometheus %.17g\n", series.c_str(), want,
                got);
    EXPECT_EQ(got, want) << series;
  }
  const json& processing = truth.at("order_processing");
  EXPECT_EQ(Query("bam_order_processing_seconds_count", SeptemberMidnight(31)),
            processing.at("completed").get<double>());
  EXPECT_EQ(Query("bam_order_processing_seconds_orphans_total", SeptemberMidnight(31)),
            processing.at("orphans").get<double>());
}

TEST_F(BackfillTest, SourceWithoutTimestampIsAnErrorAndWritesNothing) {
  const fs::path config = dir_ / "no_ts.yml", out = dir_ / "history.om";
  std::ofstream(config) << "sources:\n"
                           "  - name: shop\n"
                           "    file: {paths: [shop.log]}\n"
                           "    format: json\n"
                           "metrics:\n"
                           "  - name: x_total\n"
                           "    type: counter\n";
  auto r = testing::RunShell(Quote(std::string(BAM_BIN_DIR) + "/bam-exporter") +
                             " --config.file=" + Quote(config.string()) +
                             " --backfill --output=" + Quote(out.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, config.string() +
                       ":2:5: sources[0].timestamp: source \"shop\" has no timestamp: --backfill "
                       "needs the event time\n\tTry timestamp: {field: ts, layout: rfc3339}\n");
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{"no_ts.yml"});
}

}  // namespace
}  // namespace bam
