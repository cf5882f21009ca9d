// Tests of the serve configuration loader: the spec's example loads field by field, secrets come
// from files and environment variables and never leak, and every mistake is located.
#include "rulesvc/config/service_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace bam::rulesvc {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class ServiceConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_svc_config_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    Write("am-token", "s3cr3t-bearer\n");
    Write("crm-secret", "hmac-key");
    Write("twilio-token", "tw-token\n");
    Write("jwt-secret", "jwt-key");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  bool Parse(const std::string& text, ServiceConfig* c, DiagnosticList* d) {
    return ParseServiceConfig("rulesvc.yml", text, dir_.string(), c, d);
  }
  std::string Errors(const std::string& text) {
    ServiceConfig c;
    DiagnosticList d;
    EXPECT_FALSE(Parse(text, &c, &d));
    return d.Format();
  }
  fs::path dir_;
};

// The example of ../shared/specs/rulesvc-config.md, with its secret files present.
constexpr char kSpecExample[] = R"yaml(prometheus: {url: "http://127.0.0.1:9090", timeout: 5s}
state_dir: /var/lib/bam-rulesvc
catalogs: [catalog.yml]
rules_out: /etc/prometheus/rules/bam-rules.yml
currency: EUR
locale: fr-FR
links:
  dashboard: "http://grafana:3000/d/bam-exec?from={{start_ms}}&to={{end_ms}}"
  logs: "http://kibana:5601/app/discover#/?_g=(time:(from:'{{start}}',to:'{{end}}'))"
receiver:
  path: /alertmanager/webhook
  bearer_token_file: am-token
channels:
  slack_ops:   {type: slack,   url: "https://hooks.slack.com/services/T/B/X"}
  teams_ops:   {type: teams,   url: "https://example.webhook.office.com/workflows/..."}
  email_ops:   {type: email,   smtp: "smtp://127.0.0.1:2525", from: "bam@shop.example", to: ["ops@shop.example"],
                username_file: null, password_file: null, starttls: false}
  crm:         {type: webhook, url: "https://crm.example/hooks/bam", secret_file: crm-secret}
  sms_oncall:  {type: twilio,  account_sid: AC123, auth_token_file: twilio-token, from: "+33100000000",
                to: ["+33600000000"], url: "https://api.twilio.com"}
routing:
  default: [slack_ops]
  by_severity: {critical: [slack_ops, sms_oncall]}
outbox: {max_age: 24h, initial_backoff: 1s, max_backoff: 5m, lease: 5s}
auth:
  hs256_secret_file: jwt-secret
  oidc: {issuer: "https://keycloak.example/realms/shop", audience: bam, jwks_url: "https://kc.example/certs", jwks_file: null}
  roles_claim: realm_access.roles
  role_map: {bam-analyst: analyst, bam-ops: ops, bam-direction: direction, bam-admin: admin}
tls: {cert_file: null, key_file: null}
)yaml";

TEST_F(ServiceConfigTest, SpecExampleLoadsFieldByField) {
  ServiceConfig c;
  DiagnosticList d;
  ASSERT_TRUE(Parse(kSpecExample, &c, &d)) << d.Format();
  EXPECT_EQ(c.prometheus_url, "http://127.0.0.1:9090");
  EXPECT_EQ(c.prometheus_timeout_ms, 5000);
  EXPECT_EQ(c.state_dir, "/var/lib/bam-rulesvc");
  ASSERT_EQ(c.catalogs.size(), 1u);
  EXPECT_EQ(c.catalogs[0], (dir_ / "catalog.yml").string());
  EXPECT_EQ(c.receiver_bearer_token, "s3cr3t-bearer");
  ASSERT_EQ(c.channels.size(), 5u);
  EXPECT_EQ(c.channels[0].name, "slack_ops");
  EXPECT_EQ(c.channels[2].type, ChannelType::kEmail);
  EXPECT_EQ(c.channels[2].smtp, "smtp://127.0.0.1:2525");
  EXPECT_EQ(c.channels[2].to, std::vector<std::string>{"ops@shop.example"});
  EXPECT_EQ(c.FindChannel("crm")->secret, "hmac-key");
  EXPECT_EQ(c.FindChannel("sms_oncall")->auth_token, "tw-token");
  EXPECT_EQ(c.FindChannel("sms_oncall")->account_sid, "AC123");
  EXPECT_EQ(c.default_route, std::vector<std::string>{"slack_ops"});
  EXPECT_EQ(c.by_severity.at("critical"), (std::vector<std::string>{"slack_ops", "sms_oncall"}));
  EXPECT_EQ(c.outbox_max_age_ms, 24 * 3600 * 1000LL);
  EXPECT_EQ(c.outbox_max_backoff_ms, 300000);
  EXPECT_EQ(c.outbox_lease_ms, 5000);
  EXPECT_EQ(c.jwt_hs256_secret, "jwt-key");
  EXPECT_EQ(c.oidc_issuer, "https://keycloak.example/realms/shop");
  EXPECT_EQ(c.role_map.at("bam-ops"), "ops");
  EXPECT_EQ(c.dashboard_link, "http://grafana:3000/d/bam-exec?from={{start_ms}}&to={{end_ms}}");
}

TEST_F(ServiceConfigTest, RedactedJsonHoldsNoSecret) {
  ServiceConfig c;
  DiagnosticList d;
  ASSERT_TRUE(Parse(kSpecExample, &c, &d)) << d.Format();
  c.prometheus_url = "http://user:pw@127.0.0.1:9090";
  std::string json = RedactedJson(c);
  for (const char* secret : {"s3cr3t-bearer", "hmac-key", "tw-token", "jwt-key", "user:pw"}) {
    EXPECT_THAT(json, Not(HasSubstr(secret))) << secret;
  }
  EXPECT_THAT(json, HasSubstr("\"<redacted>\""));
  EXPECT_THAT(json, HasSubstr("http://127.0.0.1:9090"));
}

TEST_F(ServiceConfigTest, SecretFromEnvironment) {
  setenv("BAM_TEST_BEARER", "from-env", 1);
  ServiceConfig c;
  DiagnosticList d;
  ASSERT_TRUE(Parse(
      "state_dir: s\ncatalogs: [c.yml]\nreceiver: {bearer_token_env: BAM_TEST_BEARER}\n", &c, &d))
      << d.Format();
  EXPECT_EQ(c.receiver_bearer_token, "from-env");
  EXPECT_EQ(c.state_dir, (dir_ / "s").string());
  unsetenv("BAM_TEST_BEARER");
}

TEST_F(ServiceConfigTest, EveryMistakeIsLocatedAndSecretsNeverQuoted) {
  const std::string errors = Errors(
      "catalogs: [c.yml]\n"
      "prometheus: {url: \"127.0.0.1:9090\"}\n"
      "receiver: {bearer_token_file: missing-token}\n"
      "chanels: {}\n"
      "channels:\n"
      "  slack_ops: {type: slak, url: \"https://x\"}\n"
      "  crm: {type: webhook}\n"
      "routing: {default: [slack_op]}\n");
  EXPECT_EQ(
      errors,
      "rulesvc.yml:1:1: missing state_dir (where the SQLite database and the outbox live)\n"
      "\tTry state_dir: /var/lib/bam-rulesvc\n"
      "rulesvc.yml:2:19: prometheus.url: expected a URL starting with http://, https://, found "
      "\"127.0.0.1:9090\"\n"
      "\tTry url: \"http://127.0.0.1:8080/...\"\n"
      "rulesvc.yml:3:31: receiver.bearer_token_file: cannot read secret file \"" +
          (dir_ / "missing-token").string() +
          "\": No such file or directory\n"
          "\tTry creating it (mode 0600) or fixing the path\n"
          "rulesvc.yml:4:1: chanels: unknown field \"chanels\"\n"
          "\tTry \"channels\"\n"
          "rulesvc.yml:6:21: channels.slack_ops.type: unknown channel type \"slak\"\n"
          "\tTry one of: slack, teams, email, webhook, twilio\n"
          "rulesvc.yml:7:8: channels.crm: missing \"url\"\n"
          "\tTry url: \"http://...\"\n"
          "rulesvc.yml:8:21: routing.default[0]: unknown channel \"slack_op\"\n"
          "\tTry \"slack_ops\"\n");
}

}  // namespace
}  // namespace bam::rulesvc
