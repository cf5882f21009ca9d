#include "rulesvc/outbox/notification_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "rulesvc/channels/testing/sample_notification.h"

namespace bam::rulesvc::outbox {
namespace {

using channels::Notification;
using channels::testing::SampleFiring;
using channels::testing::SampleResolvedEn;

void ExpectSame(const Notification& a, const Notification& b) {
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.rule_id, b.rule_id);
  EXPECT_EQ(a.rule_name, b.rule_name);
  EXPECT_EQ(a.kpi_name, b.kpi_name);
  EXPECT_EQ(a.kpi_value, b.kpi_value);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.impact.revenue_lost_per_hour, b.impact.revenue_lost_per_hour);
  EXPECT_EQ(a.impact.revenue_lost_since_start, b.impact.revenue_lost_since_start);
  EXPECT_EQ(a.impact.orders_affected, b.impact.orders_affected);
  EXPECT_EQ(a.impact.customers_affected, b.impact.customers_affected);
  EXPECT_EQ(a.impact.baseline, b.impact.baseline);
  EXPECT_EQ(a.links.dashboard, b.links.dashboard);
  EXPECT_EQ(a.links.logs, b.links.logs);
  EXPECT_EQ(a.links.runbook, b.links.runbook);
  EXPECT_EQ(a.starts_at, b.starts_at);
  EXPECT_EQ(a.ends_at, b.ends_at);
  EXPECT_EQ(a.locale, b.locale);
  EXPECT_EQ(a.currency, b.currency);
}

TEST(NotificationJsonTest, FiringRoundTrips) {
  Notification n = SampleFiring();
  std::string json = NotificationToJson(n);
  auto back = NotificationFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(n, *back);
  EXPECT_EQ(NotificationToJson(*back), json);
}

TEST(NotificationJsonTest, ResolvedWithoutFiguresRoundTrips) {
  Notification n = SampleResolvedEn();
  n.impact.revenue_lost_per_hour = 0.1 + 0.2;  // not exactly representable in short decimal
  std::string json = NotificationToJson(n);
  auto back = NotificationFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(n, *back);
  EXPECT_EQ(NotificationToJson(*back), json);
}

TEST(NotificationJsonTest, WritesDocumentedShape) {
  auto j = nlohmann::json::parse(NotificationToJson(SampleResolvedEn()));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["status"], "resolved");
  EXPECT_EQ(j["locale"], "en-US");
  EXPECT_EQ(j["starts_at_ms"], int64_t{1795344120000});
  EXPECT_EQ(j["ends_at_ms"], int64_t{1795344120000 + 18 * 60 * 1000});
  EXPECT_TRUE(j["impact"]["orders_affected"].is_null());
}

TEST(NotificationJsonTest, RejectsBadPayloadsAsInvalidArgument) {
  const char* bad[] = {
      "not json",
      "[1]",
      R"({"version":2,"title":"t","status":"firing","starts_at_ms":0})",
      R"({"version":1,"status":"firing","starts_at_ms":0})",
      R"({"version":1,"title":"t","status":"burning","starts_at_ms":0})",
      R"({"version":1,"title":5,"status":"firing","starts_at_ms":0})",
      R"({"version":1,"title":"t","status":"firing","starts_at_ms":"x"})",
      R"({"version":1,"title":"t","status":"firing","starts_at_ms":0,"locale":"de-DE"})",
      R"({"version":1,"title":"t","status":"firing","starts_at_ms":0,"impact":{"orders_affected":"many"}})",
  };
  for (const char* text : bad) {
    auto r = NotificationFromJson(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << text;
  }
}

TEST(NotificationJsonTest, MissingOptionalFieldsTakeDefaults) {
  auto r = NotificationFromJson(R"({"version":1,"title":"t","status":"firing","starts_at_ms":5})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->title, "t");
  EXPECT_EQ(r->currency, "EUR");
  EXPECT_FALSE(r->ends_at.has_value());
  EXPECT_TRUE(r->impact.empty());
}

}  // namespace
}  // namespace bam::rulesvc::outbox
