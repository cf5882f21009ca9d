// PrometheusClient without a Prometheus: response parsing (success, error kinds), a closed port
// answered as unavailable quickly, and the JSON shape of an empty Impact.
#include "rulesvc/enrich/prometheus_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "rulesvc/enrich/enricher.h"
#include "rulesvc/enrich/impact.h"

namespace bam::rulesvc::enrich {
namespace {

// A port nothing listens on: bound by the kernel, then closed.
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(ParseQueryResponse, VectorWithLabels) {
  auto r = ParseQueryResponse(
      200,
      R"({"status":"success","data":{"resultType":"vector","result":[)"
      R"({"metric":{"service":"api"},"value":[1700000000,"1.5"]},{"metric":{},"value":[1700000000,"NaN"]}]}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->samples.size(), 2u);
  EXPECT_EQ(r->samples[0].labels.at("service"), "api");
  EXPECT_DOUBLE_EQ(r->samples[0].value, 1.5);
  EXPECT_TRUE(std::isnan(r->samples[1].value));
}

TEST(ParseQueryResponse, Scalar) {
  auto r = ParseQueryResponse(
      200, R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"42"]}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->type, QueryResult::Type::kScalar);
  EXPECT_DOUBLE_EQ(r->scalar, 42);
}

TEST(ParseQueryResponse, BadDataIsInvalidArgument) {
  auto r = ParseQueryResponse(
      400, R"({"status":"error","errorType":"bad_data","error":"parse error at char 5"})");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "prometheus: bad_data: parse error at char 5");
}

TEST(ParseQueryResponse, ServerErrorsAndGarbageAreUnavailable) {
  EXPECT_EQ(ParseQueryResponse(503, "Service Unavailable").status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(ParseQueryResponse(
                503, R"({"status":"error","errorType":"timeout","error":"query timed out"})")
                .status()
                .code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(ParseQueryResponse(200, "<html>").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(ParseQueryResponse(404, "not found").status().code(), StatusCode::kInvalidArgument);
}

TEST(PrometheusClient, ClosedPortIsUnavailableAndNotCached) {
  PrometheusClient client({.url = "http://127.0.0.1:" + std::to_string(ClosedPort()),
                           .timeout = std::chrono::milliseconds(2000)});
  const auto t0 = std::chrono::steady_clock::now();
  auto r = client.Query("up", 1700000000000);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  client.Query("up", 1700000000000);
  EXPECT_EQ(client.cache_stats().misses, 2);
  EXPECT_EQ(client.cache_stats().hits, 0);
}

TEST(ParseRangeResponse, MatrixWithPointsInMilliseconds) {
  auto r = ParseRangeResponse(
      200, R"({"status":"success","data":{"resultType":"matrix","result":[)"
           R"({"metric":{"platform":"web"},"values":[[1700000000,"1.5"],[1700000060.5,"2"]]}]}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->series.size(), 1u);
  EXPECT_EQ(r->series[0].labels.at("platform"), "web");
  ASSERT_EQ(r->series[0].points.size(), 2u);
  EXPECT_EQ(r->series[0].points[0].first, 1700000000000);
  EXPECT_DOUBLE_EQ(r->series[0].points[0].second, 1.5);
  EXPECT_EQ(r->series[0].points[1].first, 1700000060500);
  EXPECT_DOUBLE_EQ(r->series[0].points[1].second, 2);
}

TEST(ParseRangeResponse, VectorAndErrorsAreRefused) {
  EXPECT_EQ(ParseRangeResponse(200, R"({"status":"success","data":{"resultType":"vector",)"
                                    R"("result":[]}})")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRangeResponse(
                422, R"({"status":"error","errorType":"bad_data","error":"exceeded maximum"})")
                .status()
                .message(),
            "prometheus: bad_data: exceeded maximum");
  EXPECT_EQ(ParseRangeResponse(502, "bad gateway").status().code(), StatusCode::kUnavailable);
}

TEST(PrometheusClient, QueryRangeRefusesTooManyPointsWithoutAsking) {
  PrometheusClient client({.url = "http://127.0.0.1:" + std::to_string(ClosedPort())});
  // 30 days at one minute: 43 201 points.
  auto r = client.QueryRange("up", 0, 30LL * 86400000, 60000);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  auto down = client.QueryRange("up", 0, 3600000, 60000);
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().ToString();
}

TEST(PrometheusClient, RoundsTimeDownToTheStep) {
  PrometheusClient client({.url = "http://127.0.0.1:1"});
  EXPECT_EQ(client.RoundTime(1700000014999), 1700000010000);
  EXPECT_EQ(client.RoundTime(1700000010000), 1700000010000);
}

TEST(ImpactToJson, EmptyImpactHasEveryKeyNull) {
  Impact impact;
  impact.unavailable = "prometheus unreachable: connection refused";
  nlohmann::json j = ImpactToJson(impact);
  for (const char* key : {"revenue_lost_per_hour", "revenue_lost_since_start", "orders_affected",
                          "customers_affected", "baseline"}) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j[key].is_null()) << key;
  }
  EXPECT_EQ(j["unavailable"], "prometheus unreachable: connection refused");
  EXPECT_TRUE(j["deployments"].is_array());
}

TEST(Enricher, PrometheusDownGivesUnavailableFast) {
  Catalog catalog;
  DiagnosticList diags;
  ASSERT_TRUE(ParseCatalog("c.yml", R"(version: 1
kpis:
  - id: revenue_per_hour
    unit: eur_per_hour
    rate: {metric: bam_revenue_eur_total, window: 15m, per: 1h}
impact: {revenue_per_hour: revenue_per_hour}
)",
                           &catalog, &diags));
  PrometheusClient client({.url = "http://127.0.0.1:" + std::to_string(ClosedPort())});
  Enricher enricher(catalog, &client, {.deadline = std::chrono::milliseconds(1500)});
  const auto t0 = std::chrono::steady_clock::now();
  Impact impact = enricher.Enrich({.labels = {{"bam_kpi", "revenue_per_hour"}},
                                   .starts_at_ms = 1700000000000,
                                   .now_ms = 1700003600000});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
  ASSERT_TRUE(impact.unavailable.has_value());
  EXPECT_NE(impact.unavailable->find("prometheus unreachable"), std::string::npos)
      << *impact.unavailable;
  EXPECT_FALSE(impact.revenue_lost_per_hour.has_value());
  EXPECT_EQ(client.cache_stats().misses, 1);  // the first failure stops the others
}

}  // namespace
}  // namespace bam::rulesvc::enrich
