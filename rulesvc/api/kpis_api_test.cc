// KpisApi without a Prometheus: statuses from thresholds, parameter errors, a closed port, no
// catalog. The figures against a real Prometheus are in kpis_api_prometheus_test.cc.
#include "rulesvc/api/kpis_api.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace bam::rulesvc::api {
namespace {

using nlohmann::json;

const char kCatalog[] = R"(version: 1
kpis:
  - id: checkout_success_rate
    unit: percent
    ratio: {numerator: 'bam_checkouts_total{status="completed"}', denominator: bam_checkouts_total, window: 5m}
    thresholds: {warning: "< 95", critical: "< 90"}
  - id: payment_errors
    unit: count
    increase: {metric: bam_payment_errors_total, window: 1h}
    thresholds: {warning: "> 20", critical: ">= 50"}
  - id: conversion
    unit: ratio
    ratio: {numerator: bam_orders_total, denominator: bam_sessions_total, window: 1h}
    thresholds: {critical: "< 2%"}
  - id: latency
    unit: ms
    average: {metric: bam_api_response_seconds, window: 5m, scale: 1000}
    thresholds: {warning: "> 0.5s"}
  - id: revenue_per_hour
    unit: eur_per_hour
    rate: {metric: bam_revenue_eur_total, window: 1h, per: 1h}
)";

std::shared_ptr<const Catalog> Load() {
  auto c = std::make_shared<Catalog>();
  DiagnosticList diags;
  EXPECT_TRUE(ParseCatalog("c.yml", kCatalog, c.get(), &diags));
  return c;
}

// A port nothing listens on: bound by us, then closed.
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(KpiStatusTest, RespectsTheOperatorDirection) {
  auto c = Load();
  const Kpi& rate = *c->FindKpi("checkout_success_rate");  // < 95 / < 90
  EXPECT_EQ(KpiStatus(rate, 99), "green");
  EXPECT_EQ(KpiStatus(rate, 95), "green");
  EXPECT_EQ(KpiStatus(rate, 94.9), "orange");
  EXPECT_EQ(KpiStatus(rate, 90), "orange");
  EXPECT_EQ(KpiStatus(rate, 89.9), "red");
  EXPECT_EQ(KpiStatus(rate, std::nullopt), "unknown");
  const Kpi& errors = *c->FindKpi("payment_errors");  // > 20 / >= 50
  EXPECT_EQ(KpiStatus(errors, 20), "green");
  EXPECT_EQ(KpiStatus(errors, 21), "orange");
  EXPECT_EQ(KpiStatus(errors, 50), "red");
  EXPECT_EQ(KpiStatus(*c->FindKpi("revenue_per_hour"), 1), "unknown");  // no thresholds
}

TEST(KpiStatusTest, ThresholdSuffixesAreConvertedToTheKpiUnit) {
  auto c = Load();
  const Kpi& conversion = *c->FindKpi("conversion");  // ratio unit, "< 2%"
  EXPECT_EQ(KpiStatus(conversion, 0.025), "green");
  EXPECT_EQ(KpiStatus(conversion, 0.015), "red");
  const Kpi& latency = *c->FindKpi("latency");  // ms unit, "> 0.5s"
  EXPECT_EQ(KpiStatus(latency, 400), "green");
  EXPECT_EQ(KpiStatus(latency, 600), "orange");
}

TEST(KpisApiTest, ClosedPortDegradesTheListAnd503sTheRest) {
  enrich::PrometheusClient client(
      {.url = "http://127.0.0.1:" + std::to_string(ClosedPort()), .cache_ttl = {}});
  KpisApi api({.catalog = [c = Load()] { return c; }, .prometheus = &client});
  http::ApiRequest req;
  http::ApiResponse list = api.HandleList(req, {});
  ASSERT_EQ(list.status, 200) << list.body;
  json body = json::parse(list.body);
  EXPECT_TRUE(body["unavailable"].is_string());
  ASSERT_EQ(body["kpis"].size(), 5u);
  EXPECT_EQ(body["kpis"][2]["thresholds"]["critical"], (json{{"op", "<"}, {"value", 0.02}}));
  EXPECT_EQ(body["kpis"][3]["thresholds"]["warning"], (json{{"op", ">"}, {"value", 500}}));
  EXPECT_EQ(body["kpis"][0]["promql"],
            "100 * sum(rate(bam_checkouts_total{status=\"completed\"}[5m])) / "
            "sum(rate(bam_checkouts_total[5m]))");
  req.path_params["id"] = "latency";
  EXPECT_EQ(api.HandleGet(req, {}).status, 503);
  EXPECT_EQ(api.HandleExport(req, {}).status, 503);
}

TEST(KpisApiTest, NoCatalogIs503AndBadParametersAre400BeforeAnyQuery) {
  enrich::PrometheusClient client({.url = "http://127.0.0.1:" + std::to_string(ClosedPort())});
  KpisApi none({.catalog = [] { return std::shared_ptr<const Catalog>(); }, .prometheus = &client});
  EXPECT_EQ(none.HandleList({}, {}).status, 503);
  KpisApi api({.catalog = [c = Load()] { return c; }, .prometheus = &client});
  http::ApiRequest req;
  req.path_params["id"] = "latency";
  req.query = {{"history", "15d"}, {"step", "1m"}};
  EXPECT_EQ(api.HandleGet(req, {}).status, 400);
  req.query = {{"range", "7d"}, {"step", "5m"}};
  http::ApiResponse step = api.HandleExport(req, {});
  EXPECT_EQ(step.status, 400);
  EXPECT_EQ(json::parse(step.body)["error"]["message"],
            "query parameter \"step\": \"5m\" is not supported; use one of 1m, 1h, 1d");
  EXPECT_EQ(client.cache_stats().misses, 0);
}

}  // namespace
}  // namespace bam::rulesvc::api
