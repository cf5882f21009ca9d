// Server on a kernel-chosen loopback port, driven with curl: routing with path parameters, query
// decoding, bodies, the 404/405/413 answers, the observer, and HTTPS with a throwaway certificate.
#include "rulesvc/http/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "tests/testing/process.h"

namespace bam::rulesvc::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(PathTest, SplitsAndMatches) {
  EXPECT_THAT(SplitPath("/bam/alerts/42/"), ElementsAre("bam", "alerts", "42"));
  std::map<std::string, std::string> params;
  EXPECT_TRUE(MatchSegments(SplitPath("/bam/alerts/{id}/comments"),
                            SplitPath("/bam/alerts/7/comments"), &params));
  EXPECT_THAT(params, ElementsAre(Pair("id", "7")));
  EXPECT_FALSE(MatchSegments(SplitPath("/bam/alerts/{id}"), SplitPath("/bam/alerts"), &params));
  EXPECT_FALSE(MatchSegments(SplitPath("/bam/kpis"), SplitPath("/bam/alerts"), &params));
}

TEST(QueryTest, Decodes) {
  auto q = ParseQueryString("a=1&b=x%20y+z&c&a=2&d=%zz&e=%41");
  EXPECT_THAT(q, ElementsAre(Pair("a", "1"), Pair("b", "x y z"), Pair("c", ""), Pair("d", "%zz"),
                             Pair("e", "A")));
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Route("GET", "/bam/alerts/{id}", [](const ApiRequest& r) {
      nlohmann::json j = {{"id", r.path_params.at("id")},
                          {"severity", r.Query("severity")},
                          {"auth", r.Header("authorization")},
                          {"remote", r.remote_addr}};
      return ApiResponse::Json(200, j.dump());
    });
    server_.Route("POST", "/echo", [](const ApiRequest& r) {
      return ApiResponse::Json(201, nlohmann::json{{"size", r.body.size()}}.dump());
    });
    server_.Route("GET", "/boom",
                  [](const ApiRequest&) -> ApiResponse { throw std::runtime_error("kaput"); });
    server_.SetObserver([this](const ApiRequest& r, std::string_view pattern,
                               const ApiResponse& resp, double) {
      std::lock_guard lock(mu_);
      seen_.push_back(r.method + " " + std::string(pattern) + " " + std::to_string(resp.status));
    });
    std::string error;
    ASSERT_TRUE(server_.Start("127.0.0.1:0", &error)) << error;
    base_ = "http://127.0.0.1:" + std::to_string(server_.port());
  }

  // Before the members the observer writes to are destroyed: a worker may still be in the
  // observer after the client got its answer.
  void TearDown() override { server_.Stop(); }

  testing::ProcessResult Curl(const std::string& args) {
    return testing::RunShell("curl -s -w '\\n%{http_code}' " + args);
  }

  Server server_{ServerOptions{4, 30000, 1024, "", ""}};
  std::string base_;
  std::mutex mu_;
  std::vector<std::string> seen_;
};

TEST_F(ServerTest, RoutesWithParamsQueryAndHeaders) {
  auto r = Curl("-H 'Authorization: Bearer abc' '" + base_ + "/bam/alerts/42?severity=crit%69cal'");
  ASSERT_EQ(r.exit_code, 0);
  auto body = r.out.substr(0, r.out.rfind('\n'));
  EXPECT_EQ(r.out.substr(r.out.rfind('\n') + 1), "200");
  auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["id"], "42");
  EXPECT_EQ(j["severity"], "critical");
  EXPECT_EQ(j["auth"], "Bearer abc");
  EXPECT_EQ(j["remote"], "127.0.0.1");
}

TEST_F(ServerTest, UnknownPathAndWrongMethod) {
  auto r = Curl("'" + base_ + "/nope'");
  EXPECT_THAT(r.out, HasSubstr("\"not_found\""));
  EXPECT_THAT(r.out, ::testing::EndsWith("404"));
  r = Curl("-i -X DELETE '" + base_ + "/bam/alerts/1'");
  EXPECT_THAT(r.out, HasSubstr("Allow: GET"));
  EXPECT_THAT(r.out, ::testing::EndsWith("405"));
}

TEST_F(ServerTest, ReadsBodiesAndRefusesLargeOnes) {
  auto r = Curl("-X POST --data-binary 'hello' '" + base_ + "/echo'");
  EXPECT_EQ(r.out, "{\"size\":5}\n201");
  std::string big(2000, 'x');
  r = Curl("-X POST --data-binary '" + big + "' '" + base_ + "/echo'");
  EXPECT_THAT(r.out, HasSubstr("too_large"));
  EXPECT_THAT(r.out, ::testing::EndsWith("413"));
  // Chunked: no Content-Length, still bounded.
  r = Curl("-X POST -H 'Transfer-Encoding: chunked' --data-binary '" + big + "' '" + base_ +
           "/echo'");
  EXPECT_THAT(r.out, ::testing::EndsWith("413"));
}

TEST_F(ServerTest, HandlerExceptionIs500AndObserverSeesEverything) {
  auto r = Curl("'" + base_ + "/boom'");
  EXPECT_THAT(r.out, HasSubstr("kaput"));
  EXPECT_THAT(r.out, ::testing::EndsWith("500"));
  Curl("'" + base_ + "/nope'");
  std::lock_guard lock(mu_);
  EXPECT_THAT(seen_, ElementsAre("GET /boom 500", "GET  404"));
}

TEST(ServerTlsTest, ServesHttpsWithTheConfiguredCertificate) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("bam_tls_" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto gen = testing::RunShell(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
      (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' 2>&1");
  ASSERT_EQ(gen.exit_code, 0) << gen.out;
  Server server(
      ServerOptions{2, 30000, 1024, (dir / "cert.pem").string(), (dir / "key.pem").string()});
  server.Route("GET", "/-/healthy",
               [](const ApiRequest&) { return ApiResponse::Json(200, "{\"ok\":true}"); });
  std::string error;
  ASSERT_TRUE(server.Start("127.0.0.1:0", &error)) << error;
  std::string port = std::to_string(server.port());
  auto r = testing::RunShell("curl -s --cacert '" + (dir / "cert.pem").string() +
                             "' https://127.0.0.1:" + port + "/-/healthy");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"ok\":true}");
  // Plain HTTP on the TLS port gets no answer.
  r = testing::RunShell("curl -s -m 5 http://127.0.0.1:" + port + "/-/healthy");
  EXPECT_NE(r.out, "{\"ok\":true}");
  server.Stop();

  Server bad(
      ServerOptions{2, 30000, 1024, (dir / "cert.pem").string(), (dir / "missing.pem").string()});
  EXPECT_FALSE(bad.Start("127.0.0.1:0", &error));
  EXPECT_THAT(error, HasSubstr("tls"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bam::rulesvc::http
