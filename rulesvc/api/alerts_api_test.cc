// AlertsApi on a real AlertStore in a temporary directory, filled through RecordEvent with the
// payloads Alertmanager 0.25.0 actually posted (../shared/data/alertmanager-webhooks/captured-*)
// plus one BAM-rule alert derived from them with a stored enrichment.
#include "rulesvc/api/alerts_api.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "rulesvc/enrich/impact.h"
#include "rulesvc/store/event_from_webhook.h"
#include "rulesvc/webhook/webhook_parser.h"

namespace bam::rulesvc::api {
namespace {

namespace fs = std::filesystem;
using http::ApiRequest;
using http::ApiResponse;
using http::Principal;
using nlohmann::json;

constexpr int64_t kNow = 1795334400000;  // 2026-11-22T08:00:00Z, stamps comments

std::string ReadShared(const std::string& relative) {
  std::ifstream in(std::string(BAM_SHARED_DIR) + "/data/alertmanager-webhooks/" + relative);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AlertsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bam_api_alerts_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto s = AlertStore::Open({.state_dir = dir_ / "state"});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    api_ = std::make_unique<AlertsApi>(store_.get(), [] { return kNow; });
    for (const char* f :
         {"1_orderratelow_firing_truncated.json", "2_paymenterror_firing.json",
          "3_orderratelow_mixed_resolved_firing.json", "4_paymenterror_resolved.json"}) {
      Post(ReadShared(std::string("captured-alertmanager-0.25.0/") + f));
    }
    // A BAM rule's alert: the captured payment payload relabelled, later start, enriched.
    json bam = json::parse(ReadShared("captured-alertmanager-0.25.0/2_paymenterror_firing.json"));
    bam["groupKey"] = "{}:{alertname=\"BamConversionCritical\"}";
    json& a = bam["alerts"][0];
    a["labels"] = {{"alertname", "BamConversionCritical"},
                   {"bam_rule_id", "conversion-critical"},
                   {"bam_kpi", "checkout_success_rate"},
                   {"severity", "critical"},
                   {"platform", "web"}};
    a["fingerprint"] = "b4m0000000000001";
    a["startsAt"] = "2026-11-22T07:30:00Z";
    bam_firing_ = bam.dump();
    RecordResult r = Post(bam_firing_);
    bam_alert_id_ = r.alert_id;
    enrich::Impact impact;
    impact.baseline_kind = "same_time_last_week";
    impact.revenue_lost_per_hour = 27000;
    impact.orders_affected = 90;
    ASSERT_TRUE(store_->SetEnrichment(r.event_id, enrich::ImpactToJson(impact).dump(), "").ok());
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  // Records every alert of a webhook body; returns the last result.
  RecordResult Post(const std::string& body) {
    auto m = ParseWebhook(body);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    RecordResult last;
    if (!m.ok()) return last;
    for (const AlertEvent& a : m->alerts) {
      auto r = store_->RecordEvent(MakeEventRecord(*m, a, kNow - 1000));
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (r.ok()) last = *r;
    }
    return last;
  }

  static ApiRequest Req(std::map<std::string, std::string> query = {},
                        std::map<std::string, std::string> path = {}, std::string body = "") {
    ApiRequest r;
    r.method = "GET";
    r.path = "/bam/alerts";
    r.query = std::move(query);
    r.path_params = std::move(path);
    r.body = std::move(body);
    return r;
  }
  static ApiRequest ForId(int64_t id, std::string body = "") {
    return Req({}, {{"id", std::to_string(id)}}, std::move(body));
  }
  static json Body(const ApiResponse& r) { return json::parse(r.body); }
  // The error message of a 400, "" if the answer is not a 400 error.
  static std::string BadRequestMessage(const ApiResponse& r) {
    if (r.status != 400) return "status " + std::to_string(r.status) + ": " + r.body;
    json j = Body(r);
    EXPECT_EQ(j["error"]["code"], "invalid_argument");
    return j["error"]["message"].get<std::string>();
  }

  json List(std::map<std::string, std::string> query = {}) {
    ApiResponse r = api_->HandleList(Req(std::move(query)), who_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? Body(r) : json::object();
  }
  std::set<std::string> Fingerprints(const json& page) {
    std::set<std::string> out;
    for (const json& a : page["alerts"]) out.insert(a["fingerprint"].get<std::string>());
    return out;
  }
  int64_t IdOf(const std::string& fingerprint) {
    const json page = List();
    for (const json& a : page["alerts"]) {
      if (a["fingerprint"] == fingerprint) return a["id"].get<int64_t>();
    }
    ADD_FAILURE() << "no alert " << fingerprint;
    return 0;
  }

  fs::path dir_;
  std::unique_ptr<AlertStore> store_;
  std::unique_ptr<AlertsApi> api_;
  std::string bam_firing_;
  int64_t bam_alert_id_ = 0;
  Principal who_{"alice", {http::Role::kOps}};
};

// Captured: OrderRateLow apac (firing then resolved), OrderRateLow eu (firing),
// PaymentErrorRatioHigh (firing then resolved); plus the BAM alert.
const char kApac[] = "568715ef3778af36";
const char kEu[] = "e3b78fc0c042b959";
const char kPayment[] = "3fd3cb760b475c01";
const char kBam[] = "b4m0000000000001";

TEST_F(AlertsApiTest, ListCarriesEveryFieldOfTheContract) {
  json page = List();
  EXPECT_EQ(page["total"], 4);
  EXPECT_EQ(page["offset"], 0);
  EXPECT_EQ(page["limit"], 50);
  EXPECT_TRUE(page["next_offset"].is_null());
  ASSERT_EQ(page["alerts"].size(), 4u);
  // Newest start first: the BAM alert started last.
  const json& bam = page["alerts"][0];
  EXPECT_EQ(bam["fingerprint"], kBam);
  EXPECT_EQ(bam["id"], bam_alert_id_);
  EXPECT_EQ(bam["alertname"], "BamConversionCritical");
  EXPECT_EQ(bam["bam_rule_id"], "conversion-critical");
  EXPECT_EQ(bam["severity"], "critical");
  EXPECT_EQ(bam["status"], "firing");
  EXPECT_EQ(bam["starts_at"], "2026-11-22T07:30:00.000Z");
  EXPECT_TRUE(bam["ends_at"].is_null());
  EXPECT_EQ(bam["labels"]["platform"], "web");
  EXPECT_TRUE(bam["annotations"].is_object());
  ASSERT_TRUE(bam["impact"].is_object()) << bam.dump();
  EXPECT_EQ(bam["impact"]["revenue_lost_per_hour"], 27000);
  EXPECT_EQ(bam["impact"]["orders_affected"], 90);
  EXPECT_TRUE(bam["impact"]["customers_affected"].is_null());
  EXPECT_TRUE(bam["impact_unavailable_reason"].is_null());
  EXPECT_EQ(bam["read"], false);
  EXPECT_EQ(bam["treated"], false);
  EXPECT_EQ(bam["comment_count"], 0);
  EXPECT_EQ(bam["comments"], json::array());
  EXPECT_EQ(bam["first_received_at"], "2026-11-22T07:59:59.000Z");
  EXPECT_EQ(bam["last_event_at"], "2026-11-22T07:59:59.000Z");

  for (const json& a : page["alerts"]) {
    for (const char* key :
         {"id", "fingerprint", "alertname", "bam_rule_id", "severity", "status", "starts_at",
          "ends_at", "labels", "annotations", "impact", "impact_unavailable_reason", "read",
          "treated", "comments", "comment_count", "first_received_at", "last_event_at"}) {
      EXPECT_TRUE(a.contains(key)) << key << " missing in " << a.dump();
    }
    if (a["fingerprint"] == kPayment) {
      EXPECT_EQ(a["status"], "resolved");
      EXPECT_EQ(a["ends_at"], "2026-11-21T22:14:06.000Z");
      EXPECT_EQ(a["bam_rule_id"], "");
      // Never enriched: the receiver's reason is shown.
      EXPECT_TRUE(a["impact"].is_null());
      EXPECT_EQ(a["impact_unavailable_reason"], "pending");
      EXPECT_EQ(a["annotations"]["summary"], "payment error ratio above 2%");
    }
  }
}

TEST_F(AlertsApiTest, EveryFilterSelectsItsAlerts) {
  EXPECT_EQ(Fingerprints(List({{"type", "OrderRateLow"}})), (std::set<std::string>{kApac, kEu}));
  EXPECT_EQ(Fingerprints(List({{"rule", "conversion-critical"}})), std::set<std::string>{kBam});
  EXPECT_EQ(Fingerprints(List({{"severity", "warning"}})), std::set<std::string>{kPayment});
  EXPECT_EQ(Fingerprints(List({{"severity", "page"}})), (std::set<std::string>{kApac, kEu}));
  EXPECT_EQ(Fingerprints(List({{"status", "resolved"}})), (std::set<std::string>{kApac, kPayment}));
  EXPECT_EQ(Fingerprints(List({{"status", "firing"}})), (std::set<std::string>{kEu, kBam}));
  EXPECT_EQ(List({{"type", "NoSuchAlert"}})["total"], 0);

  ASSERT_EQ(api_->HandlePatch(ForId(IdOf(kEu), R"({"read": true})"), who_).status, 200);
  ASSERT_EQ(api_->HandlePatch(ForId(IdOf(kBam), R"({"treated": true})"), who_).status, 200);
  EXPECT_EQ(Fingerprints(List({{"read", "true"}})), std::set<std::string>{kEu});
  EXPECT_EQ(Fingerprints(List({{"read", "false"}})),
            (std::set<std::string>{kApac, kPayment, kBam}));
  EXPECT_EQ(Fingerprints(List({{"treated", "true"}})), std::set<std::string>{kBam});
  EXPECT_EQ(Fingerprints(List({{"treated", "false"}, {"type", "OrderRateLow"}, {"read", "false"}})),
            std::set<std::string>{kApac});

  // from is inclusive, to exclusive, RFC 3339 or Unix ms; the captured alerts start before 07:30.
  EXPECT_EQ(Fingerprints(List({{"from", "2026-11-22T07:30:00Z"}})), std::set<std::string>{kBam});
  EXPECT_EQ(Fingerprints(List({{"from", "1795332600000"}})), std::set<std::string>{kBam});
  EXPECT_EQ(Fingerprints(List({{"to", "2026-11-22T07:30:00Z"}})),
            (std::set<std::string>{kApac, kEu, kPayment}));
  EXPECT_EQ(Fingerprints(List({{"from", "2026-11-22T07:00:00+01:00"}, {"to", "1795332600001"}})),
            std::set<std::string>{kBam});
}

TEST_F(AlertsApiTest, PagesWalkEveryAlertOnceWithNextOffsetAndLink) {
  std::set<std::string> seen;
  int64_t offset = 0;
  for (int page_no = 0; page_no < 4; ++page_no) {
    ApiResponse r = api_->HandleList(
        Req({{"limit", "1"}, {"offset", std::to_string(offset)}, {"type", ""}}), who_);
    ASSERT_EQ(r.status, 200) << r.body;
    json page = Body(r);
    EXPECT_EQ(page["total"], 4);
    EXPECT_EQ(page["limit"], 1);
    EXPECT_EQ(page["offset"], offset);
    ASSERT_EQ(page["alerts"].size(), 1u);
    seen.insert(page["alerts"][0]["fingerprint"].get<std::string>());
    if (page_no < 3) {
      EXPECT_EQ(page["next_offset"], offset + 1);
      ASSERT_EQ(r.headers.size(), 1u);
      EXPECT_EQ(r.headers[0].first, "Link");
      EXPECT_EQ(r.headers[0].second, "</bam/alerts?limit=1&type=&offset=" +
                                         std::to_string(offset + 1) + ">; rel=\"next\"");
    } else {
      EXPECT_TRUE(page["next_offset"].is_null());
      EXPECT_TRUE(r.headers.empty());
    }
    offset += 1;
  }
  EXPECT_EQ(seen.size(), 4u);
  json two = List({{"limit", "2"}, {"offset", "3"}});
  EXPECT_EQ(two["alerts"].size(), 1u);
  EXPECT_TRUE(two["next_offset"].is_null());
  EXPECT_EQ(List({{"offset", "10"}})["alerts"].size(), 0u);
  EXPECT_EQ(List({{"limit", "1000"}})["alerts"].size(), 4u);
}

TEST_F(AlertsApiTest, BadParametersAre400NamingTheParameter) {
  const std::vector<std::pair<std::map<std::string, std::string>, std::string>> cases = {
      {{{"limit", "0"}}, "\"limit\": \"0\" is not an integer from 1 to 1000"},
      {{{"limit", "1001"}}, "\"limit\""},
      {{{"limit", "ten"}}, "\"limit\""},
      {{{"offset", "-1"}}, "\"offset\""},
      {{{"read", "yes"}}, "\"read\": \"yes\" is not a boolean; use true or false"},
      {{{"treated", "1"}}, "\"treated\""},
      {{{"status", "open"}}, "\"status\": \"open\" is not a status; use firing or resolved"},
      {{{"from", "yesterday"}}, "\"from\""},
      {{{"to", "2026-13-01T00:00:00Z"}}, "\"to\""},
      {{{"from", "2026-11-22T00:00:00Z"}, {"to", "2026-11-21T00:00:00Z"}}, "from is after to"},
      {{{"severty", "critical"}}, "unknown query parameter \"severty\""},
  };
  for (const auto& [query, expected] : cases) {
    const std::string message = BadRequestMessage(api_->HandleList(Req(query), who_));
    EXPECT_NE(message.find(expected), std::string::npos) << message << " vs " << expected;
  }
  EXPECT_NE(BadRequestMessage(api_->HandleList(Req({{"from", "x"}}), who_)).find("RFC 3339"),
            std::string::npos);
}

TEST_F(AlertsApiTest, GetReturnsOneAlertWithItsEvents) {
  const int64_t apac = IdOf(kApac);
  ApiResponse r = api_->HandleGet(ForId(apac), who_);
  ASSERT_EQ(r.status, 200) << r.body;
  json a = Body(r);
  EXPECT_EQ(a["id"], apac);
  EXPECT_EQ(a["fingerprint"], kApac);
  EXPECT_EQ(a["status"], "resolved");
  ASSERT_EQ(a["events"].size(), 2u);
  EXPECT_EQ(a["events"][0]["status"], "firing");
  EXPECT_TRUE(a["events"][0]["ends_at"].is_null());
  EXPECT_EQ(a["events"][1]["status"], "resolved");
  EXPECT_FALSE(a["events"][1]["ends_at"].is_null());
  EXPECT_EQ(a["events"][0]["group_key"], "{}:{alertname=\"OrderRateLow\", service=\"checkout\"}");

  EXPECT_EQ(api_->HandleGet(ForId(999), who_).status, 404);
  EXPECT_EQ(Body(api_->HandleGet(ForId(999), who_))["error"]["code"], "not_found");
  EXPECT_NE(BadRequestMessage(api_->HandleGet(Req({}, {{"id", "abc"}}), who_)).find("\"id\""),
            std::string::npos);
  EXPECT_EQ(api_->HandleGet(Req({}, {{"id", "0"}}), who_).status, 400);
}

TEST_F(AlertsApiTest, PatchSetsOnlyTheGivenFields) {
  ApiResponse r = api_->HandlePatch(ForId(bam_alert_id_, R"({"read": true})"), who_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Body(r)["read"], true);
  EXPECT_EQ(Body(r)["treated"], false);
  r = api_->HandlePatch(ForId(bam_alert_id_, R"({"treated": true})"), who_);
  EXPECT_EQ(Body(r)["read"], true);
  EXPECT_EQ(Body(r)["treated"], true);
  r = api_->HandlePatch(ForId(bam_alert_id_, R"({"read": false, "treated": false})"), who_);
  EXPECT_EQ(Body(r)["read"], false);
  EXPECT_EQ(Body(r)["treated"], false);
  EXPECT_TRUE(Body(r)["impact"].is_object());  // the whole alert comes back
}

TEST_F(AlertsApiTest, PatchValidation) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({})", "empty patch"},
      {R"({"read": "true"})", "field \"read\" must be true or false, not \"true\""},
      {R"({"treated": 1})", "field \"treated\" must be true or false"},
      {R"({"read": true, "status": "resolved"})", "unknown field \"status\""},
      {R"([true])", "must be a JSON object"},
      {R"({"read": tru)", "must be a JSON object"},
      {"", "must be a JSON object"},
  };
  for (const auto& [body, expected] : cases) {
    const std::string message =
        BadRequestMessage(api_->HandlePatch(ForId(bam_alert_id_, body), who_));
    EXPECT_NE(message.find(expected), std::string::npos) << body << ": " << message;
  }
  EXPECT_EQ(Body(api_->HandleGet(ForId(bam_alert_id_), who_))["read"], false);  // nothing applied
  EXPECT_EQ(api_->HandlePatch(ForId(999, R"({"read": true})"), who_).status, 404);
}

TEST_F(AlertsApiTest, CommentsAreAddedWithAuthorAndListedOldestFirst) {
  ApiResponse r =
      api_->HandleAddComment(ForId(bam_alert_id_, R"({"text": "payment PSP down"})"), who_);
  ASSERT_EQ(r.status, 201) << r.body;
  json c = Body(r);
  EXPECT_EQ(c["author"], "alice");
  EXPECT_EQ(c["text"], "payment PSP down");
  EXPECT_EQ(c["created_at"], "2026-11-22T08:00:00.000Z");
  EXPECT_GT(c["id"].get<int64_t>(), 0);
  Principal bob{"bob", {http::Role::kAnalyst}};
  ASSERT_EQ(
      api_->HandleAddComment(ForId(bam_alert_id_, R"({"text": "rollback done"})"), bob).status,
      201);

  r = api_->HandleListComments(ForId(bam_alert_id_), who_);
  ASSERT_EQ(r.status, 200) << r.body;
  json list = Body(r)["comments"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["text"], "payment PSP down");
  EXPECT_EQ(list[1]["author"], "bob");
  // The alert's JSON carries them too, in the list and alone.
  json alert = Body(api_->HandleGet(ForId(bam_alert_id_), who_));
  EXPECT_EQ(alert["comment_count"], 2);
  EXPECT_EQ(alert["comments"], list);
  EXPECT_EQ(List({{"rule", "conversion-critical"}})["alerts"][0]["comments"], list);

  EXPECT_EQ(api_->HandleListComments(ForId(999), who_).status, 404);
  EXPECT_EQ(api_->HandleAddComment(ForId(999, R"({"text": "x"})"), who_).status, 404);
}

TEST_F(AlertsApiTest, CommentValidation) {
  const std::string at_limit = [] {
    std::string s;
    for (int i = 0; i < 4000; ++i) s += "é";  // 4000 characters, 8000 bytes
    return s;
  }();
  EXPECT_EQ(
      api_->HandleAddComment(ForId(bam_alert_id_, json{{"text", at_limit}}.dump()), who_).status,
      201);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {json{{"text", at_limit + "x"}}.dump(), "has 4001 characters; at most 4000"},
      {R"({"text": ""})", "field \"text\" is empty"},
      {R"({"text": " \n\t"})", "field \"text\" is empty"},
      {R"({"text": 42})", "field \"text\" is required and must be a string"},
      {R"({})", "field \"text\" is required"},
      {R"({"text": "a", "author": "mallory"})", "unknown field \"author\""},
      {"text=hello", "must be a JSON object"},
  };
  for (const auto& [body, expected] : cases) {
    const std::string message =
        BadRequestMessage(api_->HandleAddComment(ForId(bam_alert_id_, body), who_));
    EXPECT_NE(message.find(expected), std::string::npos) << body.substr(0, 40) << ": " << message;
  }
  ApiResponse anonymous =
      api_->HandleAddComment(ForId(bam_alert_id_, R"({"text": "x"})"), Principal{});
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(Body(api_->HandleListComments(ForId(bam_alert_id_), who_))["comments"].size(), 1u);
}

// Regression guard for the user-state/event-state split: a repeat from an HA peer, the resolve and
// a new firing of the same fingerprint must leave comments, read and treated where they were.
TEST_F(AlertsApiTest, RefireAndResolveNeverWipeUserState) {
  ASSERT_EQ(api_->HandleAddComment(ForId(bam_alert_id_, R"({"text": "looking"})"), who_).status,
            201);
  ASSERT_EQ(
      api_->HandlePatch(ForId(bam_alert_id_, R"({"read": true, "treated": true})"), who_).status,
      200);

  Post(bam_firing_);  // the same firing again (HA peer / retry)
  json resolved = json::parse(bam_firing_);
  resolved["status"] = "resolved";
  resolved["alerts"][0]["status"] = "resolved";
  resolved["alerts"][0]["endsAt"] = "2026-11-22T07:50:00Z";
  Post(resolved.dump());
  json refire = json::parse(bam_firing_);
  refire["alerts"][0]["startsAt"] = "2026-11-22T07:55:00Z";  // a new incident
  const RecordResult again = Post(refire.dump());
  EXPECT_NE(again.alert_id, bam_alert_id_);
  Post(bam_firing_);  // a late duplicate of the first firing

  json a = Body(api_->HandleGet(ForId(bam_alert_id_), who_));
  EXPECT_EQ(a["status"], "resolved");
  EXPECT_EQ(a["ends_at"], "2026-11-22T07:50:00.000Z");
  EXPECT_EQ(a["read"], true);
  EXPECT_EQ(a["treated"], true);
  ASSERT_EQ(a["comments"].size(), 1u);
  EXPECT_EQ(a["comments"][0]["text"], "looking");
  EXPECT_TRUE(a["impact"].is_object());
  EXPECT_EQ(a["events"].size(), 2u);

  json fresh = Body(api_->HandleGet(ForId(again.alert_id), who_));
  EXPECT_EQ(fresh["status"], "firing");
  EXPECT_EQ(fresh["read"], false);
  EXPECT_EQ(fresh["comments"].size(), 0u);
  EXPECT_EQ(List({{"rule", "conversion-critical"}})["total"], 2);
}

}  // namespace
}  // namespace bam::rulesvc::api
