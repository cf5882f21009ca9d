#include "rulesvc/webhook/webhook_parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rulesvc/webhook/fingerprint.h"

namespace bam::rulesvc {
namespace {

const std::string kDir = std::string(BAM_SHARED_DIR) + "/data/alertmanager-webhooks/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

WebhookMessage ParseFile(const std::string& relative) {
  const auto r = ParseWebhook(ReadFile(kDir + relative));
  EXPECT_TRUE(r.ok()) << relative << ": " << r.status().ToString();
  return r.ok() ? *r : WebhookMessage{};
}

std::string Err(std::string_view body) {
  const auto r = ParseWebhook(body);
  EXPECT_FALSE(r.ok()) << body;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  return r.status().message();
}

// Every payload shipped in shared/data parses; nothing is silently dropped.
TEST(WebhookParserTest, AcceptsEverySharedPayload) {
  int files = 0;
  for (const auto& dir : {kDir, kDir + "captured-alertmanager-0.25.0/"}) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (e.path().extension() != ".json" || name.rfind("posted_alerts", 0) == 0) continue;
      const auto r = ParseWebhook(ReadFile(e.path().string()));
      EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
      if (r.ok()) {
        EXPECT_FALSE(r->alerts.empty()) << name;
      }
      ++files;
    }
  }
  EXPECT_EQ(files, 8);  // 4 upstream + 4 captured (posted_alerts_* are API inputs)
}

TEST(WebhookParserTest, CapturedTruncatedFiring) {
  const WebhookMessage m =
      ParseFile("captured-alertmanager-0.25.0/1_orderratelow_firing_truncated.json");
  EXPECT_EQ(m.origin, PayloadOrigin::kAlertmanager);
  EXPECT_EQ(m.version, "4");
  EXPECT_EQ(m.group_key, "{}:{alertname=\"OrderRateLow\", service=\"checkout\"}");
  EXPECT_EQ(m.truncated_alerts, 1);
  EXPECT_EQ(m.status, AlertStatus::kFiring);
  EXPECT_EQ(m.receiver, "bam-webhook");
  EXPECT_EQ(m.group_labels, (LabelMap{{"alertname", "OrderRateLow"}, {"service", "checkout"}}));
  EXPECT_EQ(
      m.common_labels,
      (LabelMap{{"alertname", "OrderRateLow"}, {"service", "checkout"}, {"severity", "page"}}));
  EXPECT_EQ(m.common_annotations, (LabelMap{{"summary", "orders per minute below 5 for 10m"}}));
  EXPECT_EQ(m.external_url, "http://vm:47193");
  ASSERT_EQ(m.alerts.size(), 2u);
  const AlertEvent& a = m.alerts[0];
  EXPECT_EQ(a.status, AlertStatus::kFiring);
  EXPECT_EQ(a.labels, (LabelMap{{"alertname", "OrderRateLow"},
                                {"region", "apac"},
                                {"service", "checkout"},
                                {"severity", "page"}}));
  EXPECT_EQ(a.annotations,
            (LabelMap{{"summary", "orders per minute below 5 for 10m"}, {"value", "0.4"}}));
  EXPECT_EQ(a.starts_at_ms, 1795299239305);
  EXPECT_FALSE(a.ends_at_ms.has_value());
  EXPECT_EQ(a.generator_url,
            "http://prometheus.local:9090/graph?g0.expr="
            "sum%28rate%28bam_orders_total%5B5m%5D%29%29+%2A+60+%3C+5");
  EXPECT_EQ(a.fingerprint, "568715ef3778af36");
  EXPECT_FALSE(a.fingerprint_computed);
  EXPECT_EQ(m.alerts[1].fingerprint, "e3b78fc0c042b959");
}

TEST(WebhookParserTest, CapturedMixedGroupKeepsPerAlertStatus) {
  const WebhookMessage m =
      ParseFile("captured-alertmanager-0.25.0/3_orderratelow_mixed_resolved_firing.json");
  EXPECT_EQ(m.status, AlertStatus::kFiring);
  ASSERT_EQ(m.alerts.size(), 2u);
  EXPECT_EQ(m.alerts[0].status, AlertStatus::kResolved);
  EXPECT_EQ(m.alerts[0].ends_at_ms, std::optional<int64_t>(1795299246000));
  EXPECT_EQ(m.alerts[1].status, AlertStatus::kFiring);
  EXPECT_FALSE(m.alerts[1].ends_at_ms.has_value());
}

TEST(WebhookParserTest, CapturedFingerprintsEqualOurHash) {
  for (const char* f : {"captured-alertmanager-0.25.0/1_orderratelow_firing_truncated.json",
                        "captured-alertmanager-0.25.0/2_paymenterror_firing.json",
                        "captured-alertmanager-0.25.0/4_paymenterror_resolved.json"}) {
    for (const AlertEvent& a : ParseFile(f).alerts) {
      EXPECT_EQ(a.fingerprint, LabelsFingerprint(a.labels)) << f;
    }
  }
}

TEST(WebhookParserTest, CapturedResolvedGroup) {
  const WebhookMessage m = ParseFile("captured-alertmanager-0.25.0/4_paymenterror_resolved.json");
  EXPECT_EQ(m.status, AlertStatus::kResolved);
  EXPECT_EQ(m.truncated_alerts, 0);
  ASSERT_EQ(m.alerts.size(), 1u);
  EXPECT_EQ(m.alerts[0].status, AlertStatus::kResolved);
  EXPECT_EQ(m.alerts[0].fingerprint, "3fd3cb760b475c01");
  EXPECT_EQ(m.alerts[0].ends_at_ms, std::optional<int64_t>(1795299246000));
}

// 2018 payload: no per-alert status, no fingerprint, no generatorURL, no truncatedAlerts.
TEST(WebhookParserTest, OldPayloadGetsDefaults) {
  const WebhookMessage m = ParseFile("msteams_prom_post_request.json");
  EXPECT_EQ(m.group_key, "{}:{alertname=\"high_memory_load\"}");
  EXPECT_EQ(m.truncated_alerts, 0);
  EXPECT_EQ(m.receiver, "teams_proxy");
  EXPECT_EQ(m.external_url, "http://docker.for.mac.host.internal:9093");
  ASSERT_EQ(m.alerts.size(), 1u);
  const AlertEvent& a = m.alerts[0];
  EXPECT_EQ(a.status, AlertStatus::kFiring);  // inherited from the group
  EXPECT_EQ(a.generator_url, "");
  EXPECT_TRUE(a.fingerprint_computed);
  EXPECT_EQ(a.fingerprint, "b29784719d6a11e6");  // Python FNV-1a oracle over the sorted labels
  EXPECT_EQ(a.starts_at_ms, 1520422401873);      // -05:00 offset applied
  EXPECT_FALSE(a.ends_at_ms.has_value());
  EXPECT_EQ(a.labels.at("instance"), "instance-with-hyphen_and_underscore");
  EXPECT_EQ(a.annotations.at("summary"), "Server High Memory usage");
}

TEST(WebhookParserTest, TwelveAlertsWithRegexGroupKey) {
  const WebhookMessage m = ParseFile("msteams_prom_post_request_12_alerts.json");
  ASSERT_EQ(m.alerts.size(), 12u);
  EXPECT_EQ(m.group_key.rfind("{}/{alertname=~\"^(?:(InstanceHighCpu|", 0), 0u);
  for (const AlertEvent& a : m.alerts) {
    EXPECT_TRUE(a.fingerprint_computed);
    EXPECT_EQ(a.fingerprint.size(), 16u);
  }
  EXPECT_EQ(m.alerts[0].fingerprint, "69227aa737d262bb");
  EXPECT_EQ(m.alerts[11].fingerprint, "60750acd6f23714d");
  EXPECT_EQ(m.alerts[0].starts_at_ms, 1547047240341);
}

// vmalert group: all four alerts carry the same (hand-edited) fingerprint; we keep it as sent.
TEST(WebhookParserTest, VmalertMixedKeepsSentFingerprints) {
  const WebhookMessage m = ParseFile("bougou_alert_mixed.json");
  EXPECT_EQ(m.status, AlertStatus::kFiring);
  ASSERT_EQ(m.alerts.size(), 4u);
  EXPECT_EQ(m.alerts[1].status, AlertStatus::kResolved);
  EXPECT_EQ(m.alerts[1].ends_at_ms, std::optional<int64_t>(1617110270814));
  for (const AlertEvent& a : m.alerts) {
    EXPECT_EQ(a.fingerprint, "83eb2c81e0da3faf");
    EXPECT_EQ(a.starts_at_ms, 1617106670814);
  }
  EXPECT_EQ(m.alerts[3].labels.at("severity"), "info");
}

TEST(WebhookParserTest, GrafanaPayloadIsMapped) {
  const WebhookMessage m = ParseFile("bougou_grafana-alert.json");
  EXPECT_EQ(m.origin, PayloadOrigin::kGrafana);
  EXPECT_EQ(m.version, "1");
  EXPECT_EQ(m.group_key, "{}/{}:{alertname=\"CPU Usage High\", grafana_folder=\"alert\"}");
  EXPECT_EQ(m.external_url, "http://localhost/grafana/");
  ASSERT_EQ(m.alerts.size(), 1u);
  EXPECT_EQ(m.alerts[0].fingerprint, "68d4e65db3ad9208");
  EXPECT_EQ(m.alerts[0].starts_at_ms, 1680082870000);
  EXPECT_FALSE(m.alerts[0].ends_at_ms.has_value());
  EXPECT_EQ(m.alerts[0].labels.at("alertname"), "CPU Usage High");
  EXPECT_TRUE(m.alerts[0].annotations.empty());
}

TEST(WebhookParserTest, MinimalPayload) {
  const auto r = ParseWebhook(R"({"alerts":[{"startsAt":"2024-01-01T00:00:00Z","x":{}}],"y":1})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, "4");
  EXPECT_EQ(r->status, AlertStatus::kFiring);
  EXPECT_EQ(r->alerts[0].fingerprint, "cbf29ce484222325");
  const auto nulls = ParseWebhook(
      R"({"groupKey":null,"alerts":[{"startsAt":"2024-01-01T00:00:00Z","endsAt":null}]})");
  ASSERT_TRUE(nulls.ok()) << nulls.status().ToString();
  EXPECT_FALSE(nulls->alerts[0].ends_at_ms.has_value());
}

TEST(WebhookParserTest, ResolvedGroupStatusIsInheritedByAlertsWithout) {
  const auto r =
      ParseWebhook(R"({"status":"resolved","alerts":[{"startsAt":"2024-01-01T00:00:00Z"}]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->alerts[0].status, AlertStatus::kResolved);
}

TEST(WebhookParserTest, MalformedPayloadsNameThePath) {
  const std::string ok_alert = R"({"startsAt":"2024-01-01T00:00:00Z"})";
  EXPECT_EQ(Err("[]"), "payload: want an object, got array");
  EXPECT_EQ(Err("{}"), "alerts: missing (want an array)");
  EXPECT_EQ(Err(R"({"alerts":{}})"), "alerts: want an array, got object");
  EXPECT_EQ(Err(R"({"alerts":"x"})"), "alerts: want an array, got string");
  EXPECT_EQ(Err(R"({"alerts":[)" + ok_alert + ",3]}"), "alerts[1]: want an object, got number");
  EXPECT_EQ(Err(R"({"alerts":[)" + ok_alert + "," + ok_alert +
                R"(,{"startsAt":"2024-13-01T00:00:00Z"}]})"),
            "alerts[2].startsAt: invalid RFC 3339 time \"2024-13-01T00:00:00Z\": month out of "
            "range");
  EXPECT_EQ(Err(R"({"alerts":[{"startsAt":"2024-01-01T00:00:00Z","endsAt":"yesterday"}]})"),
            "alerts[0].endsAt: invalid RFC 3339 time \"yesterday\": want YYYY-MM-DD date");
  EXPECT_EQ(Err(R"({"alerts":[{"startsAt":1704067200}]})"),
            "alerts[0].startsAt: want a string, got number");
  EXPECT_EQ(Err(R"({"alerts":[{"labels":{}}]})"),
            "alerts[0].startsAt: missing (required: it identifies the incident)");
  EXPECT_EQ(Err(R"({"alerts":[{"startsAt":"0001-01-01T00:00:00Z"}]})"),
            "alerts[0].startsAt: missing (required: it identifies the incident)");
  EXPECT_EQ(Err(R"({"alerts":[{"startsAt":"2024-01-01T00:00:00Z","labels":[]}]})"),
            "alerts[0].labels: want an object, got array");
  EXPECT_EQ(Err(R"({"alerts":[{"startsAt":"2024-01-01T00:00:00Z","labels":{"severity":2}}]})"),
            "alerts[0].labels.severity: want a string, got number");
  EXPECT_EQ(Err(R"({"alerts":[{"startsAt":"2024-01-01T00:00:00Z","status":"pending"}]})"),
            "alerts[0].status: unknown status \"pending\" (want firing or resolved)");
  EXPECT_EQ(Err(R"({"status":"ok","alerts":[]})"),
            "status: unknown status \"ok\" (want firing or resolved)");
  EXPECT_EQ(Err(R"({"truncatedAlerts":-1,"alerts":[]})"),
            "truncatedAlerts: want a non-negative integer, got number");
  EXPECT_EQ(Err(R"({"groupKey":5,"alerts":[]})"), "groupKey: want a string, got number");
  EXPECT_EQ(Err(R"({"commonLabels":{"a":true},"alerts":[]})"),
            "commonLabels.a: want a string, got boolean");
  EXPECT_EQ(Err(R"({"version":4,"alerts":[]})"), "version: want a string, got number");
  EXPECT_EQ(Err(R"({"version":"5","alerts":[]})"),
            "version: unsupported webhook payload version \"5\" (want \"4\", or \"1\" from "
            "Grafana with orgId)");
  EXPECT_EQ(Err(R"({"version":"1","alerts":[]})"),
            "version: unsupported webhook payload version \"1\" (want \"4\", or \"1\" from "
            "Grafana with orgId)");
}

TEST(WebhookParserTest, InvalidJsonIsInvalidArgument) {
  const std::string e = Err("{\"alerts\": [");
  EXPECT_EQ(e.rfind("payload: invalid JSON: ", 0), 0u) << e;
  EXPECT_EQ(Err("").rfind("payload: invalid JSON: ", 0), 0u);
}

TEST(StatusTest, ToStringNamesTheCode) {
  EXPECT_EQ(Status().ToString(), "ok");
  EXPECT_EQ(Status::InvalidArgument("x").ToString(), "invalid argument: x");
  EXPECT_EQ(Status::Internal("y").ToString(), "internal: y");
}

}  // namespace
}  // namespace bam::rulesvc
