// Renderers against golden payloads (testdata/*.json, pretty-printed for review; compared byte for
// byte after re-serialising), plus the documented shape of each service's payload.
// BAM_UPDATE_GOLDEN=1 rewrites the golden files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rulesvc/channels/channels.h"
#include "rulesvc/channels/testing/sample_notification.h"
#include "rulesvc/channels/transport.h"

namespace bam::rulesvc::channels {
namespace {

using nlohmann::ordered_json;

void ExpectGolden(const std::string& rendered, const std::string& name) {
  std::string path = std::string(BAM_SOURCE_DIR) + "/rulesvc/channels/testdata/" + name;
  if (std::getenv("BAM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << ordered_json::parse(rendered).dump(2) << "\n";
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing golden " << path << " (run with BAM_UPDATE_GOLDEN=1)";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(rendered, ordered_json::parse(text.str()).dump()) << name;
}

TEST(SlackRenderTest, Golden) {
  ExpectGolden(RenderSlack(testing::SampleFiring()), "slack_firing_fr.json");
  ExpectGolden(RenderSlack(testing::SampleResolvedEn()), "slack_resolved_en.json");
}

TEST(SlackRenderTest, BlockKitShape) {
  ordered_json j = ordered_json::parse(RenderSlack(testing::SampleFiring()));
  EXPECT_EQ(j["text"], "[CRITICAL] [EN COURS] Paiement : taux de réussite 88 % (web)");
  const ordered_json& b = j["blocks"];
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0]["type"], "header");
  EXPECT_EQ(b[0]["text"]["type"], "plain_text");
  EXPECT_EQ(b[1]["type"], "section");
  EXPECT_EQ(b[1]["text"]["type"], "mrkdwn");
  // &, < and > escaped as Slack requires.
  EXPECT_NE(b[1]["text"]["text"].get<std::string>().find("&lt;web &amp; app&gt;"),
            std::string::npos);
  EXPECT_LE(b[1]["fields"].size(), 10u);
  EXPECT_EQ(b[1]["fields"][3]["text"], "*Perte estimée*\n15\u202F000\u00A0€/h");
  EXPECT_EQ(b[2]["type"], "context");
  EXPECT_EQ(b[3]["type"], "actions");
  ASSERT_EQ(b[3]["elements"].size(), 3u);
  EXPECT_EQ(b[3]["elements"][0]["type"], "button");
  EXPECT_EQ(b[3]["elements"][0]["url"], "http://grafana:3000/d/bam-exec?from=1&to=2");
}

TEST(SlackRenderTest, HeaderCutAt150Characters) {
  Notification n = testing::SampleFiring();
  n.title = std::string(300, 'x');
  ordered_json j = ordered_json::parse(RenderSlack(n));
  std::string header = j["blocks"][0]["text"]["text"];
  EXPECT_EQ(header.size(), 149u + 3u);  // 149 ASCII chars + "…" (3 bytes)
}

TEST(TeamsRenderTest, Golden) {
  ExpectGolden(RenderTeams(testing::SampleFiring()), "teams_firing_fr.json");
  ExpectGolden(RenderTeams(testing::SampleResolvedEn()), "teams_resolved_en.json");
}

TEST(TeamsRenderTest, AdaptiveCardShape) {
  ordered_json j = ordered_json::parse(RenderTeams(testing::SampleFiring()));
  EXPECT_EQ(j["type"], "message");
  ASSERT_EQ(j["attachments"].size(), 1u);
  const ordered_json& a = j["attachments"][0];
  EXPECT_EQ(a["contentType"], "application/vnd.microsoft.card.adaptive");
  const ordered_json& card = a["content"];
  EXPECT_EQ(card["type"], "AdaptiveCard");
  EXPECT_EQ(card["version"], "1.4");
  EXPECT_EQ(card["body"][0]["type"], "TextBlock");
  EXPECT_EQ(card["body"][0]["color"], "Attention");
  EXPECT_EQ(card["body"][2]["type"], "FactSet");
  EXPECT_EQ(card["body"][2]["facts"][0]["title"], "Sévérité");
  ASSERT_EQ(card["actions"].size(), 3u);
  EXPECT_EQ(card["actions"][2]["type"], "Action.OpenUrl");
  EXPECT_EQ(card["actions"][2]["url"], "https://wiki.example/runbooks/payment");

  ordered_json resolved = ordered_json::parse(RenderTeams(testing::SampleResolvedEn()));
  EXPECT_EQ(resolved["attachments"][0]["content"]["body"][0]["color"], "Good");
  EXPECT_FALSE(resolved["attachments"][0]["content"].contains("actions"));
}

TEST(WebhookRenderTest, Golden) {
  ExpectGolden(RenderWebhook(testing::SampleFiring()), "webhook_firing_fr.json");
  ExpectGolden(RenderWebhook(testing::SampleResolvedEn()), "webhook_resolved_en.json");
}

TEST(WebhookRenderTest, RawFiguresAndNulls) {
  ordered_json f = ordered_json::parse(RenderWebhook(testing::SampleFiring()));
  EXPECT_EQ(f["version"], 1);
  EXPECT_EQ(f["impact"]["revenue_lost_per_hour"], 15000.4);
  EXPECT_EQ(f["impact"]["orders_affected"], 312);
  EXPECT_TRUE(f["ends_at"].is_null());
  ordered_json r = ordered_json::parse(RenderWebhook(testing::SampleResolvedEn()));
  EXPECT_TRUE(r["impact"].is_null());
  EXPECT_TRUE(r["links"]["dashboard"].is_null());
  EXPECT_EQ(r["status"], "resolved");
  EXPECT_EQ(r["ends_at"], "2026-11-22T11:00:00Z");
}

TEST(WebhookSignatureTest, Rfc4231TestCase2) {
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(TwilioRenderTest, SmsTextExact) {
  EXPECT_EQ(RenderSmsText(testing::SampleFiring()),
            "[CRITICAL] [EN COURS] Paiement : taux de réussite 88 % (web)\n"
            "Perte estimée 15 000 €/h depuis 10:42 <web & app>\n"
            "Déploiement payment-service 10:38\n"
            "Taux de réussite des paiements: 88 %\n"
            "Perte estimée: 15 000 €/h\n"
            "Perte depuis le début: 4 525 €\n"
            "Commandes touchées: 312\n"
            "Clients touchés: 280\n"
            "Référence: lundi dernier à la même heure : 96 %\n"
            "http://grafana:3000/d/bam-exec?from=1&to=2");
}

TEST(TwilioRenderTest, SmsCutAt1600Characters) {
  Notification n = testing::SampleFiring();
  n.summary = std::string(1000, 'a') + std::string(1000, 'e') + "é";
  std::string text = RenderSmsText(n);
  size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  EXPECT_EQ(chars, kTwilioMaxBodyChars);
  EXPECT_EQ(text.substr(text.size() - 3), "…");
}

TEST(TwilioRenderTest, FormEncoding) {
  EXPECT_EQ(RenderTwilioForm("+33600000000", "+33100000000", "a b&c=é"),
            "To=%2B33600000000&From=%2B33100000000&Body=a%20b%26c%3D%C3%A9");
}

TEST(TransportTest, Classification) {
  EXPECT_TRUE(ClassifyHttpStatus(200, "").ok);
  EXPECT_TRUE(ClassifyHttpStatus(202, "").ok);
  for (int s : {408, 429, 500, 502, 503}) {
    DeliveryResult r = ClassifyHttpStatus(s, "");
    EXPECT_FALSE(r.ok) << s;
    EXPECT_TRUE(r.retryable) << s;
  }
  for (int s : {301, 400, 401, 403, 404, 410}) {
    DeliveryResult r = ClassifyHttpStatus(s, "");
    EXPECT_FALSE(r.ok) << s;
    EXPECT_FALSE(r.retryable) << s;
  }
  EXPECT_EQ(ClassifyHttpStatus(400, "invalid_payload\n\x01").error, "HTTP 400: invalid_payload");
}

TEST(TransportTest, RedactUrlKeepsOnlySchemeHostPort) {
  EXPECT_EQ(RedactUrl("https://hooks.slack.com/services/T0/B0/SECRET"),
            "https://hooks.slack.com/…");
  EXPECT_EQ(RedactUrl("http://user:pw@127.0.0.1:8080/x?token=1"), "http://127.0.0.1:8080/…");
  EXPECT_EQ(RedactUrl("smtp://mail.example:25"), "smtp://mail.example:25");
  EXPECT_EQ(RedactUrl("not a url"), "…");
}

}  // namespace
}  // namespace bam::rulesvc::channels
