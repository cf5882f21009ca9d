#include "rulesvc/store/event_from_webhook.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rulesvc/store/alert_store.h"
#include "rulesvc/webhook/webhook_parser.h"

namespace bam::rulesvc {
namespace {

std::string ReadShared(const std::string& relative) {
  std::ifstream in(std::string(BAM_SHARED_DIR) + "/data/alertmanager-webhooks/" + relative);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MakeEventRecordTest, MapsCapturedAlert) {
  const auto m =
      ParseWebhook(ReadShared("captured-alertmanager-0.25.0/4_paymenterror_resolved.json"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const EventRecord e = MakeEventRecord(*m, m->alerts[0], 42);
  EXPECT_EQ(e.group_key, "{}:{alertname=\"PaymentErrorRatioHigh\", service=\"payment\"}");
  EXPECT_EQ(e.fingerprint, "3fd3cb760b475c01");
  EXPECT_EQ(e.status, "resolved");
  EXPECT_EQ(e.starts_at_ms, 1795299239305);
  EXPECT_EQ(e.ends_at_ms, std::optional<int64_t>(1795299246000));
  EXPECT_EQ(e.alertname, "PaymentErrorRatioHigh");
  EXPECT_EQ(e.bam_rule_id, "");
  EXPECT_EQ(e.severity, "warning");
  EXPECT_EQ(e.labels_json,
            R"({"alertname":"PaymentErrorRatioHigh","service":"payment","severity":"warning"})");
  EXPECT_EQ(e.annotations_json, R"({"summary":"payment error ratio above 2%","value":"0.034"})");
  EXPECT_EQ(e.received_at_ms, 42);
}

// The captured Alertmanager sequence, end to end through parser and store, each body posted twice
// (as two HA peers would): 4 payloads -> 5 distinct transitions -> 3 incidents.
TEST(MakeEventRecordTest, CapturedSequenceRecordsEachTransitionOnce) {
  char tmpl[] = "/tmp/bam_store_seq_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  {
    auto store = AlertStore::Open({.state_dir = tmpl});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    int inserted = 0;
    for (int copy = 0; copy < 2; ++copy) {
      for (const char* f :
           {"1_orderratelow_firing_truncated.json", "2_paymenterror_firing.json",
            "3_orderratelow_mixed_resolved_firing.json", "4_paymenterror_resolved.json"}) {
        const auto m = ParseWebhook(ReadShared(std::string("captured-alertmanager-0.25.0/") + f));
        ASSERT_TRUE(m.ok());
        for (const AlertEvent& a : m->alerts) {
          const auto r = (*store)->RecordEvent(MakeEventRecord(*m, a, 1), {{"slack", f}});
          ASSERT_TRUE(r.ok()) << r.status().ToString();
          inserted += r->inserted ? 1 : 0;
        }
      }
    }
    // firing apac, firing eu, firing payment, resolved apac, resolved payment.
    EXPECT_EQ(inserted, 5);
    EXPECT_EQ((*store)->CountOutbox()->pending, 5);
    const AlertPage page = *(*store)->ListAlerts({});
    EXPECT_EQ(page.total, 3);
    EXPECT_EQ((*(*store)->ListAlerts({.status = "resolved"})).total, 2);
  }
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace bam::rulesvc
