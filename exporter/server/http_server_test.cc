#include "exporter/server/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "exporter/exposition/text.h"
#include "exporter/server/testing/http_client.h"
#include "exporter/store/self_metrics.h"
#include "tests/testing/process.h"

namespace bam::exporter {
namespace {

using testing::Fetch;
using testing::Get;
using ::testing::HasSubstr;

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer() {
    std::string error;
    ASSERT_TRUE(server_.Start("127.0.0.1:0", &error)) << error;
    ASSERT_GT(server_.port(), 0);
  }
  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

  HttpServer server_;
};

TEST_F(HttpServerTest, ServesMetricsWithExpositionContentType) {
  server_.SetMetricsHandler([] { return std::string("# TYPE up gauge\nup 1\n"); });
  StartServer();
  testing::HttpResult r = Get(Url("/metrics"));
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "# TYPE up gauge\nup 1\n");
}

TEST_F(HttpServerTest, ServesMetricsOnConfiguredTelemetryPath) {
  HttpServer server(HttpServerOptions{.telemetry_path = "/custom"});
  server.SetMetricsHandler([] { return std::string("up 1\n"); });
  std::string error;
  ASSERT_TRUE(server.Start("127.0.0.1:0", &error)) << error;
  std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(Get(base + "/custom").body, "up 1\n");
  EXPECT_EQ(Get(base + "/metrics").status, 404);
}

TEST_F(HttpServerTest, HealthyAnswers200) {
  StartServer();
  testing::HttpResult r = Get(Url("/-/healthy"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "bam-exporter is Healthy.\n");
}

TEST_F(HttpServerTest, HeadRequestGetsHeadersOnly) {
  StartServer();
  testing::HttpResult r = Fetch({"HEAD", Url("/-/healthy"), "", {}, false});
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "");
}

TEST_F(HttpServerTest, ReadyFollowsCallback) {
  std::atomic<bool> ready = false;
  server_.SetReadyHandler([&] { return ready.load(); });
  StartServer();
  testing::HttpResult r = Get(Url("/-/ready"));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "bam-exporter is not ready.\n");
  ready = true;
  r = Get(Url("/-/ready"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "bam-exporter is Ready.\n");
}

TEST_F(HttpServerTest, ReloadSuccessFailureAndWrongMethod) {
  std::atomic<int> calls = 0;
  std::atomic<bool> ok = true;
  server_.SetReloadHandler([&] {
    ++calls;
    return ReloadResult{ok.load(), ok ? "" : "exporter.yml:3:5: metrics[0].type: unknown type"};
  });
  StartServer();
  testing::HttpResult r = Fetch({"POST", Url("/-/reload"), "", {}, false});
  EXPECT_EQ(r.status, 200);
  r = Fetch({"PUT", Url("/-/reload"), "", {}, false});
  EXPECT_EQ(r.status, 200);
  ok = false;
  r = Fetch({"POST", Url("/-/reload"), "", {}, false});
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("exporter.yml:3:5: metrics[0].type: unknown type"));
  r = Get(Url("/-/reload"));
  EXPECT_EQ(r.status, 405);
  EXPECT_THAT(r.headers, HasSubstr("Allow: POST, PUT"));
  EXPECT_EQ(calls, 3);
}

TEST_F(HttpServerTest, ReloadWithoutCallbackIsNotRouted) {
  StartServer();
  EXPECT_EQ(Fetch({"POST", Url("/-/reload"), "", {}, false}).status, 404);
}

ServerStatus SampleStatus() {
  ServerStatus s;
  s.version = "0.1.0";
  s.config_file = "/etc/bam/exporter.yml";
  s.last_reload = ReloadResult{false, "bad <config>"};
  s.last_reload_unix_seconds = 1700000000;
  s.sources.push_back({"shop", "file", true, {{"/var/log/shop.jsonl", 1234, 10, ""}}});
  s.sources.push_back({"push", "http", true, {{"POST /ingest", 99, 3, "413: too big"}}});
  return s;
}

TEST_F(HttpServerTest, StatusPageListsSourcesEscaped) {
  server_.SetStatusHandler(SampleStatus);
  StartServer();
  testing::HttpResult r = Get(Url("/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr("<td>shop</td>"));
  EXPECT_THAT(r.body, HasSubstr("<td>/var/log/shop.jsonl</td><td>1234</td><td>10</td>"));
  EXPECT_THAT(r.body, HasSubstr("<td>push</td>"));
  EXPECT_THAT(r.body, HasSubstr("413: too big"));
  EXPECT_THAT(r.body, HasSubstr("/etc/bam/exporter.yml"));
  EXPECT_THAT(r.body, HasSubstr("failure at 2023-11-14T22:13:20Z: bad &lt;config&gt;"));
}

TEST_F(HttpServerTest, StatusJsonParses) {
  server_.SetStatusHandler(SampleStatus);
  StartServer();
  testing::HttpResult r = Get(Url("/status.json"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["config_file"], "/etc/bam/exporter.yml");
  EXPECT_EQ(j["last_reload"]["ok"], false);
  ASSERT_EQ(j["sources"].size(), 2u);
  EXPECT_EQ(j["sources"][0]["source"], "shop");
  EXPECT_EQ(j["sources"][0]["inputs"][0]["offset"], 1234);
  EXPECT_EQ(j["sources"][1]["inputs"][0]["last_error"], "413: too big");
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  StartServer();
  EXPECT_EQ(Get(Url("/nope")).status, 404);
  EXPECT_EQ(Get(Url("/metrics/extra")).status, 404);
}

TEST_F(HttpServerTest, AddAndRemoveHandler) {
  StartServer();
  uint64_t id = server_.AddHandler("POST", "/hook", [](HttpRequest& req) {
    std::string body(1024, '\0');
    int64_t n = req.ReadBody(body.data(), body.size());
    body.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return HttpResponse::Text(202, "got " + body);
  });
  testing::HttpResult r = Fetch({"POST", Url("/hook"), "abc", {}, false});
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, "got abc");
  EXPECT_EQ(Get(Url("/hook")).status, 405);
  server_.RemoveHandler("POST", "/hook", id + 1000);  // not ours: stays
  EXPECT_EQ(Fetch({"POST", Url("/hook"), "", {}, false}).status, 202);
  server_.RemoveHandler("POST", "/hook", id);
  EXPECT_EQ(Fetch({"POST", Url("/hook"), "", {}, false}).status, 404);
}

TEST_F(HttpServerTest, HandlerExceptionIs500) {
  server_.AddHandler("GET", "/boom",
                     [](HttpRequest&) -> HttpResponse { throw std::runtime_error("kaput"); });
  StartServer();
  testing::HttpResult r = Get(Url("/boom"));
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("kaput"));
}

TEST(HttpServerStartTest, BadAddressesAreRefused) {
  for (const char* address : {"127.0.0.1", "127.0.0.1:x", "127.0.0.1:70000", "example.com:80",
                              "127.0.0.1:80s", "1.2.3:80"}) {
    HttpServer server;
    std::string error;
    EXPECT_FALSE(server.Start(address, &error)) << address;
    EXPECT_THAT(error, HasSubstr(address));
  }
}

TEST(HttpServerStartTest, PortInUseIsAnError) {
  HttpServer first;
  std::string error;
  ASSERT_TRUE(first.Start("127.0.0.1:0", &error)) << error;
  HttpServer second;
  EXPECT_FALSE(second.Start("127.0.0.1:" + std::to_string(first.port()), &error));
  EXPECT_THAT(error, HasSubstr("cannot listen on"));
}

TEST(HttpServerStartTest, ListenAddressForms) {
  std::string civet, error;
  ASSERT_TRUE(ToCivetListeningPort(":9780", &civet, &error));
  EXPECT_EQ(civet, "9780");
  ASSERT_TRUE(ToCivetListeningPort("localhost:0", &civet, &error));
  EXPECT_EQ(civet, "127.0.0.1:0");
  ASSERT_TRUE(ToCivetListeningPort("0.0.0.0:9780", &civet, &error));
  EXPECT_EQ(civet, "0.0.0.0:9780");
  ASSERT_TRUE(ToCivetListeningPort("[::1]:9780", &civet, &error));
  EXPECT_EQ(civet, "[::1]:9780");
}

TEST(HttpServerStartTest, StopIsIdempotentAndRestartable) {
  HttpServer server;
  std::string error;
  ASSERT_TRUE(server.Start("127.0.0.1:0", &error)) << error;
  server.Stop();
  server.Stop();
  EXPECT_EQ(server.port(), 0);
  ASSERT_TRUE(server.Start("127.0.0.1:0", &error)) << error;
  EXPECT_EQ(Get("http://127.0.0.1:" + std::to_string(server.port()) + "/-/healthy").status, 200);
}

// The exposition the daemon serves, fetched over HTTP, must satisfy Prometheus' own linter.
TEST_F(HttpServerTest, ServedExpositionPassesPromtool) {
  prometheus::Registry registry;
  SelfMetrics self(registry, "0.1.0");
  SourceStats stats = self.RegisterSource("push");
  stats.lines_read->Increment(3);
  stats.Reject(RejectReason::kParseError);
  auto& checkouts = prometheus::BuildCounter()
                        .Name("bam_checkouts_total")
                        .Help("Checkout attempts by outcome.")
                        .Register(registry);
  checkouts.Add({{"status", "completed"}}).Increment(2);
  checkouts.Add({{"status", "failed \"x\"\n"}}).Increment();
  auto& latency = prometheus::BuildHistogram()
                      .Name("bam_api_response_seconds")
                      .Help("API response time.")
                      .Register(registry);
  latency.Add({{"endpoint", "/cart"}}, prometheus::Histogram::BucketBoundaries{0.1, 1})
      .Observe(0.5);
  server_.SetMetricsHandler([&] { return SerializeText(registry); });
  StartServer();

  testing::HttpResult r = Get(Url("/metrics"));
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("bam_exporter_lines_read_total{source=\"push\"} 3"));
  bam::testing::ProcessResult check = bam::testing::RunShell("promtool check metrics", r.body);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err << "\n" << r.body;
}

}  // namespace
}  // namespace bam::exporter
