// The truth file against an independent count of the written log, for every scenario; the world
// without the incident against a run without it; determinism; logfmt. Runs the library in-process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "loggen/flags.h"
#include "loggen/generator.h"
#include "loggen/testing/log_count.h"

namespace bam::loggen {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Cents;
using testing::CountJsonLines;

const std::vector<std::string> kBase = {"--seed=7", "--start=2025-11-03T08:00:00Z", "--duration=8h",
                                        "--scale=2"};
constexpr const char* kWindowStart = "2025-11-03T11:00:00.000Z";
constexpr const char* kWindowEnd = "2025-11-03T13:00:00.000Z";

struct Generated {
  json truth;
  std::string log;
};

class LoggenTruthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_loggen_truth_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  Generated Generate(std::vector<std::string> args) {
    std::string out = (dir_ / ("log" + std::to_string(runs_++))).string();
    args.insert(args.begin(), "bam-loggen");
    args.push_back("--out=" + out);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::string error;
    auto cfg = ParseFlags(static_cast<int>(argv.size()), argv.data(), 0, &error);
    EXPECT_TRUE(cfg.has_value()) << error;
    if (!cfg) return {};
    auto file = OpenFileOutput({out, cfg->rotation, cfg->rotate_bytes}, &error);
    Generator gen(cfg->generator, file.get());
    Status s = gen.RunBackfill();
    EXPECT_TRUE(s.ok()) << s.message();
    RunInfo run;
    run.start_ms = cfg->generator.start_ms;
    run.end_ms = gen.end_ms();
    return {json::parse(gen.truth().ToJson(run).dump()), testing::ReadFile(out)};
  }

  fs::path dir_;
  int runs_ = 0;
};

std::vector<std::string> With(const std::string& scenario) {
  std::vector<std::string> args = kBase;
  if (!scenario.empty()) args.push_back("--scenario=" + scenario);
  return args;
}

bool InWindow(const json& j) {
  const std::string ts = j.at("ts");
  return ts >= kWindowStart && ts < kWindowEnd;
}

// Every count of the truth file equals the count of the log itself.
void ExpectTruthMatchesLog(const json& truth, const testing::LogCount& c) {
  EXPECT_EQ(c.unparsable, 0u);
  EXPECT_EQ(truth.at("lines").get<uint64_t>(), c.lines);
  for (const auto& [type, n] : truth.at("by_log_type").items()) {
    EXPECT_EQ(n.get<uint64_t>(), c.by_log_type.count(type) ? c.by_log_type.at(type) : 0) << type;
  }
  uint64_t typed = 0;
  for (const auto& [type, n] : c.by_log_type)
    typed += truth.at("by_log_type").contains(type) ? n : 0;
  EXPECT_EQ(typed, c.lines) << "a line has a log_type the truth does not list";
  for (const auto& [event, n] : truth.at("by_event").items()) {
    EXPECT_EQ(n.get<uint64_t>(), c.by_event.count(event) ? c.by_event.at(event) : 0) << event;
  }
  EXPECT_EQ(c.by_event.size(), c.by_event.size() - c.by_event.count("?")) << "a line without event";
  for (const auto& [platform, regions] : truth.at("by_platform_region").items()) {
    for (const auto& [region, n] : regions.items()) {
      uint64_t counted =
          c.by_platform_region.count(platform) && c.by_platform_region.at(platform).count(region)
              ? c.by_platform_region.at(platform).at(region)
              : 0;
      EXPECT_EQ(n.get<uint64_t>(), counted) << platform << "/" << region;
    }
  }
  for (const auto& [event, platforms] : truth.at("by_event_platform_region").items()) {
    for (const auto& [platform, regions] : platforms.items()) {
      for (const auto& [region, n] : regions.items()) {
        std::string key = event + "/" + platform + "/" + region;
        uint64_t counted =
            c.by_event_platform_region.count(key) ? c.by_event_platform_region.at(key) : 0;
        EXPECT_EQ(n.get<uint64_t>(), counted) << key;
      }
    }
  }
  EXPECT_EQ(truth.at("revenue_completed_cents").get<int64_t>(), c.revenue_cents);
  EXPECT_DOUBLE_EQ(truth.at("revenue_completed_eur").get<double>(),
                   static_cast<double>(c.revenue_cents) / 100.0);
}

// What the log shows inside and outside the incident window.
struct WindowStats {
  int64_t revenue_cents = 0;
  int64_t orders = 0, cancelled = 0, out_of_stock = 0;
  int64_t checkouts_ok = 0, checkouts_failed = 0, outside_ok = 0, outside_failed = 0;
  int64_t tls_errors_inside = 0, tls_errors_outside = 0;
  double search_ms_inside = 0, search_ms_outside = 0;
  int64_t searches_inside = 0, searches_outside = 0;
  int64_t sessions_inside = 0, carts_inside = 0;
  int64_t fraud_detected_inside = 0, fraud_detected_before = 0;
  int64_t deployments_at_start = 0;
  std::set<std::string> users_with_gateway_errors;
};

WindowStats Measure(const std::string& log) {
  WindowStats w;
  CountJsonLines(log, [&](const json& j) {
    const bool in = InWindow(j);
    const std::string event = j.at("event");
    if (event == "checkout_success") (in ? w.checkouts_ok : w.outside_ok)++;
    if (event == "checkout_error") (in ? w.checkouts_failed : w.outside_failed)++;
    if (event == "payment_gateway_error" && j.at("error_code") == "TLS_CERT_EXPIRED") {
      (in ? w.tls_errors_inside : w.tls_errors_outside)++;
    }
    if (event == "api_response_time" && j.at("endpoint") == "product_search") {
      (in ? w.search_ms_inside : w.search_ms_outside) += j.at("response_time_ms").get<double>();
      (in ? w.searches_inside : w.searches_outside)++;
    }
    if (event == "fraud_check" && j.at("fraud_detected").get<bool>()) {
      if (in) ++w.fraud_detected_inside;
      if (j.at("ts") < kWindowStart) ++w.fraud_detected_before;
    }
    if (event == "deployment" && j.at("ts") == kWindowStart) ++w.deployments_at_start;
    if (!in) return;
    if (event == "checkout_success") w.revenue_cents += Cents(j.at("amount"));
    if (event == "order_created") ++w.orders;
    if (event == "order_cancelled") {
      ++w.cancelled;
      if (j.at("reason") == "out_of_stock") ++w.out_of_stock;
    }
    if (event == "payment_gateway_error")
      w.users_with_gateway_errors.insert(j.at("user_id").get<std::string>());
    if (event == "user_session") ++w.sessions_inside;
    if (event == "add_to_cart") ++w.carts_inside;
  });
  return w;
}

struct ScenarioCase {
  std::string name;
  std::string scenario;
  // Checks what the incident visibly did; `w` is the log with it, `base` the log without it.
  void (*check)(const json& incident, const WindowStats& w, const WindowStats& base);
};

const ScenarioCase kCases[] = {
    {"PaymentOutage", "payment_outage@+3h/2h",
     [](const json& inc, const WindowStats& w, const WindowStats& base) {
       double inside = double(w.checkouts_ok) / double(w.checkouts_ok + w.checkouts_failed);
       double outside = double(w.outside_ok) / double(w.outside_ok + w.outside_failed);
       EXPECT_LT(inside, 0.92);
       EXPECT_GT(outside, 0.92);
       EXPECT_GT(w.tls_errors_inside, 0);
       EXPECT_EQ(w.tls_errors_outside, 0);
       EXPECT_GT(inc.at("orders_lost").get<int64_t>(), 0);
       EXPECT_GT(inc.at("revenue_lost_eur_per_hour").get<double>(), 0);
       // Customers whose lines changed all saw a payment failure in the window.
       EXPECT_GT(inc.at("customers_affected").get<size_t>(), 0u);
       EXPECT_LE(inc.at("customers_affected").get<size_t>(), w.users_with_gateway_errors.size());
       EXPECT_GT(w.users_with_gateway_errors.size(), base.users_with_gateway_errors.size());
     }},
    {"ApiSlowdown", "api_slowdown@+3h/2h",
     [](const json& inc, const WindowStats& w, const WindowStats& base) {
       EXPECT_GT(w.search_ms_inside / double(w.searches_inside), 900.0);
       EXPECT_LT(w.search_ms_outside / double(w.searches_outside), 300.0);
       EXPECT_LT(w.carts_inside, base.carts_inside);
       EXPECT_GT(inc.at("customers_affected").get<size_t>(), 0u);
       EXPECT_GT(inc.at("orders_lost").get<int64_t>(), 0);
     }},
    {"TrafficDrop", "traffic_drop@+3h/2h",
     [](const json& inc, const WindowStats& w, const WindowStats& base) {
       EXPECT_LT(double(w.sessions_inside), 0.6 * double(base.sessions_inside));
       EXPECT_GT(double(w.sessions_inside), 0.4 * double(base.sessions_inside));
       EXPECT_GT(inc.at("orders_lost").get<int64_t>(), 0);
       EXPECT_GT(inc.at("customers_affected").get<size_t>(), 0u);
     }},
    {"CancellationSurge", "cancellation_surge@+3h/2h",
     [](const json& inc, const WindowStats& w, const WindowStats& base) {
       EXPECT_GT(w.cancelled, base.cancelled + 5);
       EXPECT_GT(w.out_of_stock, base.out_of_stock + 5);
       EXPECT_GT(inc.at("orders_cancelled_actual").get<int64_t>(),
                 inc.at("orders_cancelled_expected").get<int64_t>());
       EXPECT_GT(inc.at("orders_lost").get<int64_t>(), 0);
     }},
    {"FraudBurst", "fraud_burst@+3h/2h",
     [](const json&, const WindowStats& w, const WindowStats& base) {
       EXPECT_GT(w.fraud_detected_inside, base.fraud_detected_inside + 20);
       EXPECT_EQ(w.fraud_detected_before, base.fraud_detected_before);
     }},
    {"Deployment", "deployment@+3h/2h",
     [](const json& inc, const WindowStats& w, const WindowStats&) {
       EXPECT_EQ(w.deployments_at_start, 1);
       EXPECT_GT(w.search_ms_inside / double(w.searches_inside), 500.0);
       EXPECT_GT(inc.at("customers_affected").get<size_t>(), 0u);
     }},
    {"MondayDip", "monday_dip@+3h/2h",
     [](const json& inc, const WindowStats& w, const WindowStats& base) {
       EXPECT_LT(double(w.sessions_inside), 0.75 * double(base.sessions_inside));
       EXPECT_GT(inc.at("orders_lost").get<int64_t>(), 0);
     }},
};

class ScenarioTruthTest : public LoggenTruthTest,
                          public ::testing::WithParamInterface<ScenarioCase> {};

TEST_P(ScenarioTruthTest, TruthMatchesLogAndWorldWithoutIncident) {
  const ScenarioCase& c = GetParam();
  Generated with = Generate(With(c.scenario));
  Generated without = Generate(With(""));
  ExpectTruthMatchesLog(with.truth, CountJsonLines(with.log));

  ASSERT_EQ(with.truth.at("incidents").size(), 1u);
  const json& inc = with.truth.at("incidents")[0];
  EXPECT_EQ(inc.at("scenario"), c.scenario.substr(0, c.scenario.find('@')));
  EXPECT_EQ(inc.at("start"), kWindowStart);
  EXPECT_EQ(inc.at("end"), kWindowEnd);
  const WindowStats w = Measure(with.log);
  const WindowStats base = Measure(without.log);

  // Actual: recounted from the log with the incident.
  EXPECT_EQ(inc.at("revenue_actual_cents").get<int64_t>(), w.revenue_cents);
  EXPECT_DOUBLE_EQ(inc.at("revenue_actual_eur").get<double>(), double(w.revenue_cents) / 100.0);
  EXPECT_EQ(inc.at("orders_created_actual").get<int64_t>(), w.orders);
  EXPECT_EQ(inc.at("orders_cancelled_actual").get<int64_t>(), w.cancelled);
  // Expected: recounted from the log of the same seed without the incident.
  EXPECT_EQ(inc.at("revenue_expected_cents").get<int64_t>(), base.revenue_cents);
  EXPECT_DOUBLE_EQ(inc.at("revenue_expected_eur").get<double>(),
                   double(base.revenue_cents) / 100.0);
  EXPECT_EQ(inc.at("orders_created_expected").get<int64_t>(), base.orders);
  EXPECT_EQ(inc.at("orders_cancelled_expected").get<int64_t>(), base.cancelled);
  EXPECT_EQ(inc.at("orders_lost").get<int64_t>(),
            (base.orders - base.cancelled) - (w.orders - w.cancelled));
  EXPECT_NEAR(inc.at("revenue_lost_eur_per_hour").get<double>(),
              double(base.revenue_cents - w.revenue_cents) / 100.0 / 2.0, 0.0051);
  c.check(inc, w, base);
}

INSTANTIATE_TEST_SUITE_P(AllScenarios, ScenarioTruthTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ScenarioCase>& p) {
                           return p.param.name;
                         });

TEST_F(LoggenTruthTest, NoScenarioTruthMatchesLog) {
  Generated g = Generate(With(""));
  ExpectTruthMatchesLog(g.truth, CountJsonLines(g.log));
  EXPECT_TRUE(g.truth.at("incidents").empty());
  EXPECT_GT(g.truth.at("lines").get<uint64_t>(), 50000u);
}

TEST_F(LoggenTruthTest, TwoIncidentsEachAgainstTheRunWithOnlyTheOther) {
  Generated both =
      Generate({"--seed=9", "--start=2025-11-03T08:00:00Z", "--duration=8h", "--scale=2",
                "--scenario=payment_outage@+3h/2h", "--scenario=traffic_drop@+4h/2h"});
  Generated only_drop = Generate({"--seed=9", "--start=2025-11-03T08:00:00Z", "--duration=8h",
                                  "--scale=2", "--scenario=traffic_drop@+4h/2h"});
  ExpectTruthMatchesLog(both.truth, CountJsonLines(both.log));
  const WindowStats base = Measure(only_drop.log);
  EXPECT_EQ(both.truth.at("incidents")[0].at("revenue_expected_cents").get<int64_t>(),
            base.revenue_cents);
}

TEST_F(LoggenTruthTest, SameSeedSameBytesOtherSeedDiffers) {
  Generated a = Generate(With("payment_outage@+3h/2h"));
  Generated b = Generate(With("payment_outage@+3h/2h"));
  EXPECT_TRUE(a.log == b.log);
  EXPECT_EQ(a.truth.dump(), b.truth.dump());
  std::vector<std::string> other = With("payment_outage@+3h/2h");
  other[0] = "--seed=8";
  Generated c = Generate(other);
  EXPECT_FALSE(a.log == c.log);
  EXPECT_NE(a.truth.at("lines"), c.truth.at("lines"));
}

TEST_F(LoggenTruthTest, LogfmtTruthMatchesLogAndCarriesTheSameLines) {
  std::vector<std::string> args = With("fraud_burst@+3h/2h");
  Generated json_run = Generate(args);
  args.push_back("--format=logfmt");
  Generated logfmt_run = Generate(args);
  testing::LogCount c = testing::CountLogfmtLines(logfmt_run.log);
  ExpectTruthMatchesLog(logfmt_run.truth, c);
  EXPECT_EQ(json_run.truth.dump(), logfmt_run.truth.dump());
}

TEST_F(LoggenTruthTest, EveryLineHasTheCommonFieldsAndOrderedTimestamps) {
  Generated g = Generate(With("deployment@+3h/2h"));
  std::string previous;
  uint64_t bad = 0, unordered = 0;
  CountJsonLines(g.log, [&](const json& j) {
    for (const char* key : {"ts", "log_type", "event", "platform", "region"})
      bad += j.contains(key) ? 0 : 1;
    const std::string ts = j.at("ts");
    bad += ts.size() == 24 && ts[10] == 'T' && ts[19] == '.' && ts[23] == 'Z' ? 0 : 1;
    bad += j.at("platform") == "web" || j.at("platform") == "mobile" ? 0 : 1;
    unordered += ts < previous ? 1 : 0;
    previous = ts;
  });
  EXPECT_EQ(bad, 0u);
  EXPECT_EQ(unordered, 0u);
}

// by_day: every count of each UTC day equals the count of the lines whose ts has that date, and
// the days add up to the totals (which keep their keys).
TEST_F(LoggenTruthTest, ByDayMatchesTheLogPerUtcDate) {
  Generated g = Generate({"--seed=5", "--start=2025-11-03T20:00:00Z", "--duration=30h",
                          "--scale=0.5", "--scenario=payment_outage@+10h/2h"});
  std::map<std::string, testing::LogCount> days;
  std::map<std::string, int64_t> revenue;
  CountJsonLines(g.log, [&](const json& j) {
    const std::string date = j.at("ts").get<std::string>().substr(0, 10);
    testing::LogCount& c = days[date];
    ++c.lines;
    ++c.by_event[j.at("event").get<std::string>()];
    if (j.at("event") == "checkout_success") revenue[date] += Cents(j.at("amount"));
  });
  const json& by_day = g.truth.at("by_day");
  ASSERT_EQ(by_day.size(), 3u);  // 4 h of the 3rd, all of the 4th, 2 h of the 5th
  uint64_t lines = 0;
  int64_t cents = 0;
  for (const auto& [date, day] : by_day.items()) {
    ASSERT_TRUE(days.count(date)) << date;
    const testing::LogCount& c = days.at(date);
    EXPECT_EQ(day.at("lines").get<uint64_t>(), c.lines) << date;
    ASSERT_EQ(day.at("by_event").size(), g.truth.at("by_event").size()) << date;
    for (const auto& [event, n] : day.at("by_event").items()) {
      EXPECT_EQ(n.get<uint64_t>(), c.by_event.count(event) ? c.by_event.at(event) : 0)
          << date << " " << event;
    }
    EXPECT_EQ(day.at("revenue_completed_cents").get<int64_t>(), revenue[date]) << date;
    EXPECT_DOUBLE_EQ(day.at("revenue_completed_eur").get<double>(),
                     static_cast<double>(revenue[date]) / 100.0);
    lines += day.at("lines").get<uint64_t>();
    cents += day.at("revenue_completed_cents").get<int64_t>();
  }
  EXPECT_EQ(lines, g.truth.at("lines").get<uint64_t>());
  EXPECT_EQ(cents, g.truth.at("revenue_completed_cents").get<int64_t>());
  EXPECT_EQ(by_day.begin().key(), "2025-11-03");
  ExpectTruthMatchesLog(g.truth, CountJsonLines(g.log));
}

// order_processing accounts for every order_created and order_shipped line exactly once. (That
// its numbers are what bam-exporter's duration metric reports is loggen_duration_test.)
TEST_F(LoggenTruthTest, OrderProcessingAccountsForEveryOrderLine) {
  Generated g = Generate({"--seed=5", "--start=2025-11-03T00:00:00Z", "--duration=4d",
                          "--scale=0.5", "--scenario=cancellation_surge@+30h/3h"});
  const json& p = g.truth.at("order_processing");
  const json& events = g.truth.at("by_event");
  const uint64_t completed = p.at("completed"), orphans = p.at("orphans"),
                 timeouts = p.at("timeouts"), pending = p.at("pending");
  EXPECT_EQ(p.at("started").get<uint64_t>(), events.at("order_created").get<uint64_t>());
  EXPECT_EQ(completed + orphans, events.at("order_shipped").get<uint64_t>());
  EXPECT_EQ(completed + timeouts + pending, p.at("started").get<uint64_t>());
  EXPECT_GT(orphans, 0u);   // shipped orders created before --start
  EXPECT_GT(timeouts, 0u);  // cancelled orders never ship: 72 h later they time out
  EXPECT_GT(pending, 0u);   // created in the last days, not shipped yet
  EXPECT_GT(p.at("cancelled").get<uint64_t>(), 0u);
  EXPECT_LE(p.at("cancelled").get<uint64_t>(), timeouts + pending);
  EXPECT_EQ(p.at("buckets").at("+Inf").get<uint64_t>(), completed);
  EXPECT_EQ(p.at("timeout_s").get<int64_t>(), 72 * 3600);
  EXPECT_EQ(p.at("evaluated_at").get<std::string>().substr(0, 10), "2025-11-06");
}

}  // namespace
}  // namespace bam::loggen
