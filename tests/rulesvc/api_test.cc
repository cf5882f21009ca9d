// The REST API of `bam-rulesvc serve` as a process, with HS256 tokens (minted by the auth testing
// helper, not by the verifier): 401 without a valid token (missing, alg none, expired, wrongly
// signed), 403 for every endpoint a role may not use, audit entries for refusals and mutations,
// /bam/config without secrets, and rules created through the API live in the real Prometheus
// (`/api/v1/rules`) while a rule Prometheus refuses leaves the previous rules in place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "rulesvc/auth/testing/token_maker.h"
#include "rulesvc/channels/testing/http_recorder.h"
#include "tests/testing/process.h"
#include "tests/testing/prometheus_server.h"
#include "tests/testing/subprocess.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
namespace tok = rulesvc::auth::testing;
using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-test-only";

struct Answer {
  int status = 0;
  std::string body;
  std::string headers;
  json Json() const { return json::parse(body, nullptr, false); }
};

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("bam_api_" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_ / "rules");
    slack_ = new rulesvc::channels::testing::HttpRecorder();
    ASSERT_TRUE(slack_->Start());
    std::ofstream(*dir_ / "catalog.yml") << R"(version: 1
kpis:
  - id: orders_per_minute
    name: Commandes par minute
    unit: count
    expr: sum(rate(bam_orders_total[5m])) * 60
    thresholds: {warning: "< 5", critical: "< 1"}
rules:
  - id: orders-stopped
    when: orders_per_minute < 1 for 10m
    severity: critical
)";
    std::ofstream(*dir_ / "prometheus.yml") << "global: {evaluation_interval: 1s}\n"
                                            << "rule_files: [rules/bam-rules.yml]\n";
    prometheus_ = new testing::PrometheusServer();
    std::string error;
    ASSERT_TRUE(prometheus_->Start({(*dir_ / "prometheus.yml").string(), "", {}}, &error)) << error;
    std::ofstream(*dir_ / "jwt-secret") << kSecret << "\n";
    std::ofstream(*dir_ / "crm-secret") << "crm-hmac-key-value\n";
    std::ofstream(*dir_ / "rulesvc.yml")
        << "prometheus: {url: \"" << prometheus_->url() << "\", timeout: 5s}\n"
        << "state_dir: state\ncatalogs: [catalog.yml]\n"
        << "rules_out: " << (*dir_ / "rules" / "bam-rules.yml").string() << "\n"
        << "channels:\n"
        << "  slack_ops: {type: slack, url: \"" << slack_->base_url() << "/hook\"}\n"
        << "  crm: {type: webhook, url: \"" << slack_->base_url()
        << "/crm\", secret_file: crm-secret}\n"
        << "routing: {default: [slack_ops]}\n"
        << "auth:\n  hs256_secret_file: jwt-secret\n  roles_claim: realm_access.roles\n"
        << "  role_map: {bam-analyst: analyst, bam-ops: ops, bam-direction: direction, "
           "bam-admin: admin}\n";
    service_ = new testing::Subprocess(std::vector<std::string>{
        std::string(BAM_BIN_DIR) + "/bam-rulesvc", "serve",
        "--config.file=" + (*dir_ / "rulesvc.yml").string(), "--web.listen-address=127.0.0.1:0"});
    std::string line = service_->WaitForStderr("listening on", 30s);
    ASSERT_FALSE(line.empty()) << service_->err();
    base_ = new std::string(line.substr(line.find("http://")));
    *base_ = base_->substr(0, base_->find('"'));
    // One alert to act on.
    Answer a = Call("POST", "/alertmanager/webhook", "",
                    ReadAll(fs::path(BAM_SHARED_DIR) / "data" / "alertmanager-webhooks" /
                            "captured-alertmanager-0.25.0" / "2_paymenterror_firing.json"));
    ASSERT_EQ(a.status, 200) << a.body;
  }
  static void TearDownTestSuite() {
    delete service_;
    delete prometheus_;
    delete slack_;
    if (dir_) fs::remove_all(*dir_);
    delete dir_;
    delete base_;
  }

  static std::string Token(const std::string& subject, const std::vector<std::string>& roles,
                           int64_t exp_offset = 300) {
    json claims = tok::StandardClaims(NowS(), subject, {{"realm_access", {{"roles", roles}}}});
    claims["exp"] = NowS() + exp_offset;
    return tok::MakeHs256Token(claims, kSecret);
  }

  static Answer Call(const std::string& method, const std::string& path, const std::string& token,
                     const std::string& body = "") {
    fs::path f = *dir_ / ("body-" + std::to_string(gettid()));
    std::ofstream(f, std::ios::binary | std::ios::trunc) << body;
    std::string cmd = "curl -s -D - -X " + method + " -w '\\n%{http_code}'";
    if (!token.empty()) cmd += " -H 'Authorization: Bearer " + token + "'";
    if (!body.empty()) cmd += " -H 'Content-Type: application/json' --data-binary @" + f.string();
    cmd += " '" + *base_ + path + "'";
    auto r = testing::RunShell(cmd);
    Answer a;
    size_t nl = r.out.rfind('\n');
    a.status = std::stoi(r.out.substr(nl + 1));
    std::string rest = r.out.substr(0, nl);
    size_t split = rest.find("\r\n\r\n");
    a.headers = rest.substr(0, split);
    a.body = split == std::string::npos ? "" : rest.substr(split + 4);
    return a;
  }

  static json Audit() {
    Answer a = Call("GET", "/bam/audit?limit=1000", Token("root", {"bam-admin"}));
    EXPECT_EQ(a.status, 200) << a.body;
    return a.Json()["entries"];
  }

  static fs::path* dir_;
  static rulesvc::channels::testing::HttpRecorder* slack_;
  static testing::PrometheusServer* prometheus_;
  static testing::Subprocess* service_;
  static std::string* base_;
};

fs::path* ApiTest::dir_ = nullptr;
rulesvc::channels::testing::HttpRecorder* ApiTest::slack_ = nullptr;
testing::PrometheusServer* ApiTest::prometheus_ = nullptr;
testing::Subprocess* ApiTest::service_ = nullptr;
std::string* ApiTest::base_ = nullptr;

struct Endpoint {
  std::string method, path, body;
  std::set<std::string> roles;  // BAM roles allowed
};

const std::vector<Endpoint>& Endpoints() {
  static const std::set<std::string> kAll = {"analyst", "ops", "direction", "admin"};
  static const std::vector<Endpoint> kEndpoints = {
      {"GET", "/bam/kpis", "", kAll},
      {"GET", "/bam/kpis/orders_per_minute", "", kAll},
      {"GET", "/bam/kpis/orders_per_minute/export?format=csv&range=7d&step=1h", "", kAll},
      {"GET", "/bam/alerts", "", kAll},
      {"GET", "/bam/alerts/1", "", kAll},
      {"GET", "/bam/alerts/1/comments", "", kAll},
      {"PATCH", "/bam/alerts/1", R"({"read": true})", {"ops", "admin"}},
      {"POST", "/bam/alerts/1/comments", R"({"text": "on it"})", {"analyst", "ops", "admin"}},
      {"GET", "/bam/rules", "", kAll},
      {"GET", "/bam/rules/orders-stopped", "", kAll},
      // Bodies that fail validation after authorisation: 400 proves the request got past 403.
      {"POST", "/bam/rules", R"({"id": "x"})", {"analyst", "admin"}},
      {"PUT", "/bam/rules/nope", R"({"when": "orders_per_minute < 2"})", {"analyst", "admin"}},
      {"DELETE", "/bam/rules/nope", "", {"analyst", "admin"}},
      {"GET", "/bam/config", "", {"admin"}},
      {"GET", "/bam/audit", "", {"admin"}},
  };
  return kEndpoints;
}

TEST_F(ApiTest, EveryEndpointWantsAValidToken) {
  json claims =
      tok::StandardClaims(NowS(), "mallory", {{"realm_access", {{"roles", {"bam-admin"}}}}});
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"missing", ""},
      {"alg none", tok::MakeAlgNoneToken(claims)},
      {"expired", Token("eve", {"bam-admin"}, -3600)},
      {"wrong secret", tok::MakeHs256Token(claims, "another-secret-of-enough-length-000000")},
      {"tampered",
       [&] {
         std::string t = Token("eve", {"bam-direction"});
         json admin = claims;
         size_t a = t.find('.'), b = t.rfind('.');
         return t.substr(0, a + 1) + tok::B64Url(admin.dump()) + t.substr(b);
       }()},
  };
  for (const Endpoint& e : Endpoints()) {
    for (const auto& [why, token] : bad) {
      Answer a = Call(e.method, e.path, token, e.body);
      EXPECT_EQ(a.status, 401) << e.method << " " << e.path << " (" << why << "): " << a.body;
      EXPECT_THAT(a.headers, HasSubstr("WWW-Authenticate: Bearer")) << why;
    }
  }
  // Every refusal is in the audit log, with its reason and no token.
  json audit = Audit();
  int unauthenticated = 0;
  for (const json& entry : audit) {
    if (entry["outcome"] == "unauthenticated") ++unauthenticated;
    EXPECT_THAT(entry.dump(), Not(HasSubstr("eyJ"))) << "a token leaked into the audit log";
  }
  EXPECT_GE(unauthenticated, static_cast<int>(Endpoints().size() * bad.size()));
  // Public endpoints need nothing.
  EXPECT_EQ(Call("GET", "/bam/openapi.json", "").status, 200);
  EXPECT_EQ(Call("GET", "/-/healthy", "").status, 200);
  EXPECT_EQ(Call("GET", "/-/ready", "").status, 200);
  EXPECT_EQ(Call("GET", "/metrics", "").status, 200);
}

TEST_F(ApiTest, EachRoleGetsExactlyItsEndpoints) {
  const std::map<std::string, std::string> token_role = {{"analyst", "bam-analyst"},
                                                         {"ops", "bam-ops"},
                                                         {"direction", "bam-direction"},
                                                         {"admin", "bam-admin"}};
  for (const auto& [role, claim] : token_role) {
    const std::string token = Token("user-" + role, {claim});
    for (const Endpoint& e : Endpoints()) {
      Answer a = Call(e.method, e.path, token, e.body);
      if (e.roles.count(role)) {
        EXPECT_NE(a.status, 403) << role << " " << e.method << " " << e.path << ": " << a.body;
        EXPECT_NE(a.status, 401) << role << " " << e.method << " " << e.path << ": " << a.body;
        EXPECT_LT(a.status, 500) << role << " " << e.method << " " << e.path << ": " << a.body;
      } else {
        EXPECT_EQ(a.status, 403) << role << " " << e.method << " " << e.path << ": " << a.body;
      }
    }
  }
  // An identity-provider role the map does not know grants nothing.
  EXPECT_EQ(Call("GET", "/bam/alerts", Token("x", {"admin"})).status, 403);
  // Audit: a denied entry per refused (role, endpoint), and the mutations with their subject.
  json audit = Audit();
  int denied = 0;
  bool patched_by_ops = false, commented_by_analyst = false;
  for (const json& e : audit) {
    if (e["outcome"] == "denied") ++denied;
    if (e["method"] == "PATCH" && e["subject"] == "user-ops" && e["status"] == 200)
      patched_by_ops = true;
    if (e["method"] == "POST" && e["subject"] == "user-analyst" &&
        e["path"] == "/bam/alerts/1/comments" && e["status"] == 201)
      commented_by_analyst = true;
  }
  int expected_denied = 1;
  for (const auto& [role, unused] : token_role) {
    for (const Endpoint& e : Endpoints()) expected_denied += e.roles.count(role) ? 0 : 1;
  }
  EXPECT_EQ(denied, expected_denied);
  EXPECT_TRUE(patched_by_ops);
  EXPECT_TRUE(commented_by_analyst);
  // The comments are kept with their authors.
  Answer comments = Call("GET", "/bam/alerts/1/comments", Token("d", {"bam-direction"}));
  EXPECT_THAT(comments.body, HasSubstr("user-ops"));
  EXPECT_THAT(comments.body, HasSubstr("user-analyst"));
}

TEST_F(ApiTest, ConfigIsRedacted) {
  Answer a = Call("GET", "/bam/config", Token("root", {"bam-admin"}));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_THAT(a.body, Not(HasSubstr(kSecret)));
  EXPECT_THAT(a.body, Not(HasSubstr("crm-hmac-key-value")));
  EXPECT_THAT(a.body, HasSubstr("<redacted>"));
  EXPECT_THAT(a.body, HasSubstr(prometheus_->url()));
}

TEST_F(ApiTest, RuleCreatedThroughTheApiIsLiveAndARefusedOneChangesNothing) {
  const std::string analyst = Token("ana", {"bam-analyst"});
  auto loaded = [&] {
    return testing::RunShell("curl -s " + prometheus_->url() + "/api/v1/rules").out;
  };
  Answer created = Call("POST", "/bam/rules", analyst,
                        R"({"id": "orders-low", "when": "orders_per_minute < 5 for 10m",
                            "severity": "warning"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["applied"], true) << created.body;
  EXPECT_THAT(loaded(), HasSubstr("\"BamOrdersLow\""));
  EXPECT_THAT(loaded(), HasSubstr("\"BamOrdersStopped\""));  // the catalog's own rule stays

  const fs::path rules_out = *dir_ / "rules" / "bam-rules.yml";
  const std::string before_bytes = ReadAll(rules_out);
  // Prometheus treats runbook_url as a template; {{team}} is not a function there.
  Answer refused = Call("POST", "/bam/rules", analyst,
                        R"({"id": "orders-zero", "when": "orders_per_minute < 1",
                            "runbook_url": "https://wiki.example/runbooks/{{team}}"})");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_THAT(refused.body, HasSubstr("team"));
  EXPECT_EQ(ReadAll(rules_out), before_bytes);
  EXPECT_THAT(loaded(), HasSubstr("\"BamOrdersLow\""));
  EXPECT_THAT(loaded(), Not(HasSubstr("BamOrdersZero")));

  // The catalog's rules are read-only here: edit the file instead.
  Answer readonly = Call("DELETE", "/bam/rules/orders-stopped", analyst);
  EXPECT_EQ(readonly.status, 409) << readonly.body;
  EXPECT_THAT(readonly.body, HasSubstr("catalog.yml"));

  Answer deleted = Call("DELETE", "/bam/rules/orders-low", analyst);
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_THAT(loaded(), Not(HasSubstr("BamOrdersLow")));
}

}  // namespace
}  // namespace bam
