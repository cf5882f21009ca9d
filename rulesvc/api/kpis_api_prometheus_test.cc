// KpisApi against a real Prometheus (Debian's 2.42) serving hand-made history: OpenMetrics written
// here -> `promtool tsdb create-blocks-from openmetrics` -> prometheus on the blocks, port chosen
// by the kernel (tests/testing/prometheus_server.h).
//
// Eight days of samples every minute up to T = 2026-11-16T00:00:00Z ("now", injected):
//   bam_checkouts_total{platform,status}: web 0.9/s completed + 0.1/s failed, app 1.94/s
//     completed + 0.06/s failed -> success rate 100 * 2.84 / 3 = 94.67 % (warning < 95: orange)
//   bam_payment_errors_total: 60 per hour -> increase over 1h = 60 (critical > 50: red)
//   bam_active_users: 120 + the number of whole hours before T -> 120 now (warning < 100: green),
//     so every history point says which hour it is
//   bam_revenue_eur_total: 10 €/s -> 36 000 €/h (no thresholds: unknown)
//   bam_never_written: absent (no data: null, unknown)
#include <gtest/gtest.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "rulesvc/api/kpis_api.h"
#include "rulesvc/webhook/rfc3339.h"
#include "tests/testing/process.h"
#include "tests/testing/prometheus_server.h"

namespace bam::rulesvc::api {
namespace {

namespace fs = std::filesystem;
using http::ApiRequest;
using http::ApiResponse;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr int64_t kT = 1794787200;  // 2026-11-16T00:00:00Z
constexpr int64_t kDay = 86400, kHour = 3600;
constexpr int64_t kT0 = kT - 8 * kDay;
constexpr double kTolerance = 1e-9;

const char kCatalog[] = R"(version: 1
kpis:
  - id: checkout_success_rate
    name: Taux de transactions réussies
    description: Share of checkouts that complete
    unit: percent
    ratio: {numerator: 'bam_checkouts_total{status="completed"}', denominator: bam_checkouts_total, window: 5m}
    by: [platform]
    thresholds: {warning: "< 95", critical: "< 90"}
    owner: team-checkout
  - id: payment_errors
    unit: count
    increase: {metric: bam_payment_errors_total, window: 1h}
    thresholds: {warning: "> 20", critical: "> 50"}
  - id: dau
    name: Utilisateurs actifs
    unit: users
    gauge: {metric: bam_active_users}
    thresholds: {warning: "< 100", critical: "< 50"}
  - id: revenue_per_hour
    unit: eur_per_hour
    rate: {metric: bam_revenue_eur_total, window: 1h, per: 1h}
  - id: ghost
    unit: count
    gauge: {metric: bam_never_written}
    thresholds: {warning: "> 1"}
)";

std::string Num(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

double Dau(int64_t t) { return 120.0 + static_cast<double>((kT - t) / kHour); }

std::string Rfc3339(int64_t seconds) { return FormatRfc3339Millis(seconds * 1000); }

std::shared_ptr<const Catalog> LoadCatalog() {
  auto catalog = std::make_shared<Catalog>();
  DiagnosticList diags;
  EXPECT_TRUE(ParseCatalog("catalog.yml", kCatalog, catalog.get(), &diags));
  return catalog;
}

class KpisApiPrometheusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("bam_api_kpis_" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_);
    WriteHistory(*dir_ / "history.om");
    auto create = testing::RunShell("promtool tsdb create-blocks-from openmetrics -q '" +
                                    (*dir_ / "history.om").string() + "' '" +
                                    (*dir_ / "blocks").string() + "'");
    ASSERT_EQ(create.exit_code, 0) << create.err << create.out;
    std::ofstream(*dir_ / "prometheus.yml") << "global:\n  scrape_interval: 1m\n";
    prometheus_ = new testing::PrometheusServer();
    std::string error;
    ASSERT_TRUE(prometheus_->Start({(*dir_ / "prometheus.yml").string(),
                                    (*dir_ / "blocks").string(),
                                    {"--storage.tsdb.retention.time=100y"}},
                                   &error))
        << error;
    address_ = new std::string(prometheus_->address());
  }
  static void TearDownTestSuite() {
    delete prometheus_;
    if (dir_ != nullptr) fs::remove_all(*dir_);
    delete dir_;
    delete address_;
  }

  static void WriteHistory(const fs::path& path) {
    std::ofstream out(path);
    auto series = [&](const std::string& type_line, const std::string& sample,
                      const std::function<double(int64_t)>& fn) {
      if (!type_line.empty()) out << type_line << "\n";
      for (int64_t t = kT0; t <= kT; t += 60) {
        out << sample << " " << Num(fn(t)) << " " << t << "\n";
      }
    };
    auto counter = [](double rate) {
      return [rate](int64_t t) { return rate * static_cast<double>(t - kT0); };
    };
    series("# TYPE bam_checkouts counter",
           R"(bam_checkouts_total{platform="web",status="completed"})", counter(0.9));
    series("", R"(bam_checkouts_total{platform="web",status="failed"})", counter(0.1));
    series("", R"(bam_checkouts_total{platform="app",status="completed"})", counter(1.94));
    series("", R"(bam_checkouts_total{platform="app",status="failed"})", counter(0.06));
    series("# TYPE bam_payment_errors counter", "bam_payment_errors_total", counter(60.0 / 3600));
    series("# TYPE bam_active_users gauge", "bam_active_users", Dau);
    series("# TYPE bam_revenue_eur counter", "bam_revenue_eur_total", counter(10));
    out << "# EOF\n";
  }

  void SetUp() override {
    ASSERT_FALSE(address_->empty());
    client_ = std::make_unique<enrich::PrometheusClient>(
        enrich::PrometheusClient::Options{.url = "http://" + *address_, .timeout = 10s});
    api_ = std::make_unique<KpisApi>(KpisApi::Options{
        .catalog = [c = LoadCatalog()] { return c; },
        .prometheus = client_.get(),
        .now_ms = [] { return kT * 1000 + 7000; },  // rounded down to T
    });
  }

  static ApiRequest Req(std::map<std::string, std::string> query = {}, std::string id = "") {
    ApiRequest r;
    r.method = "GET";
    r.query = std::move(query);
    if (!id.empty()) r.path_params["id"] = id;
    return r;
  }
  static json Body(const ApiResponse& r) { return json::parse(r.body); }
  static json ById(const json& list, const std::string& id) {
    for (const json& k : list["kpis"]) {
      if (k["id"] == id) return k;
    }
    ADD_FAILURE() << "no KPI " << id;
    return json::object();
  }
  static std::vector<std::string> Lines(const std::string& csv) {
    std::vector<std::string> out;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      out.push_back(line);
    }
    return out;
  }

  static fs::path* dir_;
  static testing::PrometheusServer* prometheus_;
  static std::string* address_;
  std::unique_ptr<enrich::PrometheusClient> client_;
  std::unique_ptr<KpisApi> api_;
  http::Principal who_{"dana", {http::Role::kDirection}};
};

fs::path* KpisApiPrometheusTest::dir_ = nullptr;
testing::PrometheusServer* KpisApiPrometheusTest::prometheus_ = nullptr;
std::string* KpisApiPrometheusTest::address_ = nullptr;

TEST_F(KpisApiPrometheusTest, ValuesAndStatusesAreTheSeriesOwn) {
  ApiResponse r = api_->HandleList(Req(), who_);
  ASSERT_EQ(r.status, 200) << r.body;
  json list = Body(r);
  EXPECT_TRUE(list["unavailable"].is_null()) << list["unavailable"];
  EXPECT_EQ(list["evaluated_at"], Rfc3339(kT));
  ASSERT_EQ(list["kpis"].size(), 5u);
  EXPECT_EQ(list["kpis"][0]["id"], "checkout_success_rate");  // catalog order

  json rate = ById(list, "checkout_success_rate");
  EXPECT_EQ(rate["name"], "Taux de transactions réussies");
  EXPECT_EQ(rate["description"], "Share of checkouts that complete");
  EXPECT_EQ(rate["unit"], "percent");
  EXPECT_EQ(rate["owner"], "team-checkout");
  ASSERT_TRUE(rate["value"].is_number()) << rate.dump();
  EXPECT_NEAR(rate["value"].get<double>(), 100 * 2.84 / 3, kTolerance);
  EXPECT_EQ(rate["status"], "orange");
  EXPECT_EQ(rate["thresholds"]["warning"], (json{{"op", "<"}, {"value", 95}}));
  EXPECT_EQ(rate["thresholds"]["critical"], (json{{"op", "<"}, {"value", 90}}));
  EXPECT_FALSE(rate.contains("history"));

  json errors = ById(list, "payment_errors");
  EXPECT_NEAR(errors["value"].get<double>(), 60, kTolerance);
  EXPECT_EQ(errors["status"], "red");
  EXPECT_EQ(errors["thresholds"]["critical"], (json{{"op", ">"}, {"value", 50}}));

  json dau = ById(list, "dau");
  EXPECT_EQ(dau["value"], 120);
  EXPECT_EQ(dau["status"], "green");

  json revenue = ById(list, "revenue_per_hour");
  EXPECT_NEAR(revenue["value"].get<double>(), 36000, 1e-6);
  EXPECT_EQ(revenue["status"], "unknown");  // no thresholds
  EXPECT_TRUE(revenue["thresholds"]["warning"].is_null());

  json ghost = ById(list, "ghost");
  EXPECT_TRUE(ghost["value"].is_null());
  EXPECT_EQ(ghost["status"], "unknown");
}

TEST_F(KpisApiPrometheusTest, HistoryPointsAreTheHoursAndDaysOfTheSeries) {
  ApiResponse r = api_->HandleGet(Req({{"history", "7d"}, {"step", "1h"}}, "dau"), who_);
  ASSERT_EQ(r.status, 200) << r.body;
  json dau = Body(r);
  EXPECT_EQ(dau["value"], 120);
  const json& h = dau["history"];
  EXPECT_EQ(h["range"], "7d");
  EXPECT_EQ(h["step"], "1h");
  EXPECT_EQ(h["start"], Rfc3339(kT - 7 * kDay));
  EXPECT_EQ(h["end"], Rfc3339(kT));
  ASSERT_EQ(h["points"].size(), 7u * 24 + 1);
  for (size_t i = 0; i < h["points"].size(); ++i) {
    const int64_t t = kT - 7 * kDay + static_cast<int64_t>(i) * kHour;
    ASSERT_EQ(h["points"][i][0], Rfc3339(t)) << i;
    ASSERT_EQ(h["points"][i][1], Dau(t)) << i;
  }

  // 15 days at a day: only the 9 days with samples answer.
  json days = Body(api_->HandleGet(Req({{"history", "15d"}, {"step", "1d"}}, "dau"), who_));
  ASSERT_EQ(days["history"]["points"].size(), 9u) << days["history"].dump();
  EXPECT_EQ(days["history"]["points"][0], (json{Rfc3339(kT - 8 * kDay), Dau(kT - 8 * kDay)}));
  EXPECT_EQ(days["history"]["points"][8], (json{Rfc3339(kT), 120}));

  // 7 days at a minute is 10 081 points: under Prometheus's 11 000.
  json minutes = Body(api_->HandleGet(Req({{"history", "7d"}, {"step", "1m"}}, "dau"), who_));
  ASSERT_EQ(minutes["history"]["points"].size(), 7u * 24 * 60 + 1);
  EXPECT_EQ(minutes["history"]["points"][61],
            (json{Rfc3339(kT - 7 * kDay + 61 * 60), Dau(kT - 7 * kDay + 61 * 60)}));

  // The list carries every KPI's history; the default step is an hour.
  json list = Body(api_->HandleList(Req({{"history", "7d"}}), who_));
  json rate = ById(list, "checkout_success_rate");
  ASSERT_EQ(rate["history"]["points"].size(), 169u);
  for (const json& p : rate["history"]["points"]) {
    EXPECT_NEAR(p[1].get<double>(), 100 * 2.84 / 3, kTolerance);
  }
  EXPECT_EQ(ById(list, "ghost")["history"]["points"], json::array());
}

TEST_F(KpisApiPrometheusTest, CsvExportRowsAreTheHistory) {
  ApiResponse r =
      api_->HandleExport(Req({{"format", "csv"}, {"range", "7d"}, {"step", "1h"}}, "dau"), who_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/csv; charset=utf-8");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{
                              "Content-Disposition", "attachment; filename=\"dau-7d.csv\""}));
  std::vector<std::string> lines = Lines(r.body);
  ASSERT_EQ(lines.size(), 1u + 169);
  EXPECT_EQ(lines[0], "time,value");
  for (size_t i = 1; i < lines.size(); ++i) {
    const int64_t t = kT - 7 * kDay + static_cast<int64_t>(i - 1) * kHour;
    ASSERT_EQ(lines[i], Rfc3339(t) + "," + Num(Dau(t))) << i;
  }

  // Defaults: csv, 7d, 1h.
  EXPECT_EQ(api_->HandleExport(Req({}, "dau"), who_).body, r.body);

  ApiResponse revenue =
      api_->HandleExport(Req({{"range", "30d"}, {"step", "1d"}}, "revenue_per_hour"), who_);
  ASSERT_EQ(revenue.status, 200) << revenue.body;
  EXPECT_EQ(revenue.headers[0].second, "attachment; filename=\"revenue_per_hour-30d.csv\"");
  lines = Lines(revenue.body);
  ASSERT_EQ(lines.size(), 1u + 8);  // the first day has no full hour of samples before it
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t comma = lines[i].find(',');
    EXPECT_EQ(lines[i].substr(0, comma), Rfc3339(kT - static_cast<int64_t>(8 - i) * kDay));
    EXPECT_NEAR(std::stod(lines[i].substr(comma + 1)), 36000, 1e-6) << lines[i];
  }
}

TEST_F(KpisApiPrometheusTest, BadRequestsAndUnknownKpis) {
  auto message = [](const ApiResponse& r) {
    return json::parse(r.body)["error"]["message"].get<std::string>();
  };
  ApiResponse too_many = api_->HandleGet(Req({{"history", "30d"}, {"step", "1m"}}, "dau"), who_);
  EXPECT_EQ(too_many.status, 400);
  EXPECT_EQ(message(too_many),
            "history=30d with step=1m is 43201 points; Prometheus returns at most 11000 per "
            "series: use step=1h or step=1d (step=1m fits up to 7d)");
  EXPECT_EQ(api_->HandleList(Req({{"history", "15d"}, {"step", "1m"}}), who_).status, 400);
  EXPECT_EQ(api_->HandleExport(Req({{"range", "30d"}, {"step", "1m"}}, "dau"), who_).status, 400);
  EXPECT_NE(
      message(api_->HandleList(Req({{"history", "1y"}}), who_)).find("use one of 7d, 15d, 30d"),
      std::string::npos);
  EXPECT_NE(message(api_->HandleList(Req({{"step", "1h"}}), who_)).find("needs \"history\""),
            std::string::npos);
  EXPECT_NE(message(api_->HandleList(Req({{"histroy", "7d"}}), who_)).find("\"histroy\""),
            std::string::npos);

  ApiResponse format = api_->HandleExport(Req({{"format", "xlsx"}}, "dau"), who_);
  EXPECT_EQ(format.status, 400);
  EXPECT_EQ(message(format),
            "query parameter \"format\": \"xlsx\" is not supported; use format=csv");

  ApiResponse unknown = api_->HandleGet(Req({}, "checkout_sucess_rate"), who_);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(message(unknown),
            "unknown KPI \"checkout_sucess_rate\"; did you mean \"checkout_success_rate\"?");
  EXPECT_EQ(api_->HandleExport(Req({}, "daus"), who_).status, 404);
  EXPECT_NE(message(api_->HandleExport(Req({}, "daus"), who_)).find("\"dau\""), std::string::npos);
}

// A Prometheus that answered, then stopped: the list degrades (values null, "unavailable"), a
// single KPI and the export answer 503.
TEST_F(KpisApiPrometheusTest, PrometheusStoppedIs503OrUnavailable) {
  fs::path dir = *dir_ / "down";
  fs::create_directories(dir);
  std::ofstream(dir / "prometheus.yml") << "global:\n  scrape_interval: 1m\n";
  testing::PrometheusServer prometheus;
  std::string error;
  ASSERT_TRUE(prometheus.Start(
      {(dir / "prometheus.yml").string(), (dir / "empty-tsdb").string(), {}}, &error))
      << error;
  const std::string address = prometheus.address();
  enrich::PrometheusClient client(
      {.url = "http://" + address, .timeout = 5s, .cache_ttl = std::chrono::milliseconds(0)});
  KpisApi api({.catalog = [c = LoadCatalog()] { return c; },
               .prometheus = &client,
               .now_ms = [] { return kT * 1000; }});
  ApiResponse up = api.HandleGet(Req({}, "dau"), who_);
  ASSERT_EQ(up.status, 200) << up.body;  // up, with no data
  EXPECT_TRUE(Body(up)["value"].is_null());

  prometheus.Stop();

  ApiResponse one = api.HandleGet(Req({}, "dau"), who_);
  EXPECT_EQ(one.status, 503) << one.body;
  EXPECT_EQ(Body(one)["error"]["code"], "unavailable");
  EXPECT_NE(Body(one)["error"]["message"].get<std::string>().find("prometheus is unavailable"),
            std::string::npos);
  EXPECT_EQ(api.HandleExport(Req({}, "dau"), who_).status, 503);
  EXPECT_EQ(api.HandleGet(Req({{"history", "7d"}}, "dau"), who_).status, 503);

  const int64_t misses_before = client.cache_stats().misses;
  ApiResponse list = api.HandleList(Req({{"history", "7d"}}), who_);
  ASSERT_EQ(list.status, 200) << list.body;
  json body = Body(list);
  ASSERT_TRUE(body["unavailable"].is_string());
  EXPECT_NE(body["unavailable"].get<std::string>().find("prometheus is unavailable"),
            std::string::npos);
  ASSERT_EQ(body["kpis"].size(), 5u);
  for (const json& k : body["kpis"]) {
    EXPECT_TRUE(k["value"].is_null()) << k.dump();
    EXPECT_EQ(k["status"], "unknown");
    EXPECT_FALSE(k["thresholds"].is_null());  // the catalog part stays
  }
  // Only the first KPI asked: one failure, not one per KPI.
  EXPECT_EQ(client.cache_stats().misses - misses_before, 1);
}

}  // namespace
}  // namespace bam::rulesvc::api
