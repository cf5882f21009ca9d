// `bam-rulesvc serve` as a process: the receiver takes every shared Alertmanager payload, a
// payload posted twice yields one message, a channel that is down for a while gets every message
// once when it comes back, and a service killed with SIGKILL mid-delivery delivers the rest after
// a restart. Channels are local HTTP receivers (Slack-compatible); Prometheus is not needed here
// (enrichment only runs for BAM alerts, and this one points at a closed port: "unavailable").
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "rulesvc/channels/testing/http_recorder.h"
#include "tests/testing/process.h"
#include "tests/testing/subprocess.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Recorder = rulesvc::channels::testing::HttpRecorder;
using Recorded = rulesvc::channels::testing::RecordedRequest;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A v4 payload of `n` firing alerts, each with its own platform and summary "msg-<group>-<i>".
std::string Payload(const std::string& group, int n, const std::string& status = "firing") {
  nlohmann::json alerts = nlohmann::json::array();
  for (int i = 0; i < n; ++i) {
    alerts.push_back(
        {{"status", status},
         {"labels",
          {{"alertname", "BamPaymentFailures"},
           {"severity", "critical"},
           {"bam_rule_id", "payment-failures"},
           {"platform", group + "-" + std::to_string(i)}}},
         {"annotations", {{"summary", "msg-" + group + "-" + std::to_string(i)}}},
         {"startsAt", "2026-11-22T10:42:00Z"},
         {"endsAt", status == "firing" ? "0001-01-01T00:00:00Z" : "2026-11-22T11:00:00Z"},
         {"generatorURL", "http://prometheus/graph"}});
  }
  nlohmann::json p = {{"version", "4"},
                      {"groupKey", "{}:{alertname=\"BamPaymentFailures\",g=\"" + group + "\"}"},
                      {"status", status},
                      {"receiver", "bam"},
                      {"groupLabels", {{"alertname", "BamPaymentFailures"}}},
                      {"commonLabels", nlohmann::json::object()},
                      {"commonAnnotations", nlohmann::json::object()},
                      {"externalURL", "http://alertmanager:9093"},
                      {"alerts", alerts}};
  return p.dump();
}

// The summary ("msg-…") a Slack payload carries in its header block.
std::string MessageId(const Recorded& r) {
  auto at = r.body.find("msg-");
  if (at == std::string::npos) return "";
  auto end = r.body.find_first_of("\" \\", at);
  return r.body.substr(at, end - at);
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bam_serve_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ASSERT_TRUE(slack_.Start());
    std::ofstream(dir_ / "am-token") << "s3cret-am-token\n";
  }
  void TearDown() override {
    service_.reset();
    slack_.Stop();
    fs::remove_all(dir_);
  }

  void WriteConfig(const std::string& outbox) {
    std::ofstream(dir_ / "rulesvc.yml")
        << "prometheus: {url: \"http://127.0.0.1:1\", timeout: 1s}\n"
        << "state_dir: state\n"
        << "catalogs: [" << BAM_SOURCE_DIR << "/rulesvc/examples/catalog.yml]\n"
        << "receiver: {bearer_token_file: am-token}\n"
        << "channels:\n"
        << "  slack_ops: {type: slack, url: \"" << slack_.base_url() << "/services/T/B/X\"}\n"
        << "routing: {default: [slack_ops]}\n"
        << "outbox: " << outbox << "\n";
  }

  void StartService() {
    service_ = std::make_unique<testing::Subprocess>(std::vector<std::string>{
        std::string(BAM_BIN_DIR) + "/bam-rulesvc", "serve",
        "--config.file=" + (dir_ / "rulesvc.yml").string(), "--web.listen-address=127.0.0.1:0"});
    std::string line = service_->WaitForStderr("listening on", 30s);
    ASSERT_FALSE(line.empty()) << service_->err();
    auto colon = line.rfind(':');
    port_ = std::stoi(line.substr(colon + 1));
  }

  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // POSTs `body` to the receiver; returns "<status> <body>".
  std::string Post(const std::string& body, const std::string& token = "s3cret-am-token") {
    fs::path f = dir_ / "payload.json";
    std::ofstream(f, std::ios::binary | std::ios::trunc) << body;
    auto r =
        testing::RunShell("curl -s -w ' %{http_code}' -H 'Authorization: Bearer " + token +
                          "' --data-binary @" + f.string() + " " + Url("/alertmanager/webhook"));
    auto sp = r.out.rfind(' ');
    return sp == std::string::npos ? r.out : r.out.substr(sp + 1) + " " + r.out.substr(0, sp);
  }

  double Metric(const std::string& series) {
    auto r = testing::RunShell("curl -s " + Url("/metrics"));
    std::istringstream in(r.out);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }

  // Waits until `done` holds; false after `timeout`.
  template <typename F>
  bool WaitFor(F done, std::chrono::milliseconds timeout = 30s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }

  // Every message delivered with status 2xx, by message id.
  std::map<std::string, int> Delivered() {
    std::map<std::string, int> out;
    for (const Recorded& r : slack_.requests()) {
      if (r.status >= 200 && r.status < 300) ++out[MessageId(r)];
    }
    return out;
  }

  fs::path dir_;
  Recorder slack_;
  std::unique_ptr<testing::Subprocess> service_;
  int port_ = 0;
};

TEST_F(ServeTest, AcceptsEverySharedAlertmanagerPayload) {
  WriteConfig("{initial_backoff: 100ms, max_backoff: 1s}");
  StartService();
  const fs::path data = fs::path(BAM_SHARED_DIR) / "data" / "alertmanager-webhooks";
  int files = 0, alerts = 0;
  for (const auto& entry : fs::recursive_directory_iterator(data)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name.rfind("posted_alerts", 0) == 0) continue;
    const std::string body = ReadAll(entry.path());
    const size_t expected = nlohmann::json::parse(body)["alerts"].size();
    std::string answer = Post(body);
    ASSERT_EQ(answer.substr(0, 4), "200 ") << name << ": " << answer;
    auto j = nlohmann::json::parse(answer.substr(4));
    EXPECT_EQ(j["alerts"], expected) << name;
    alerts += j["recorded"].get<int>();
    ++files;
  }
  EXPECT_EQ(files, 8);
  // The captured 0.25 group repeats one alert across payloads (same startsAt, same status):
  // recorded once. Every recorded alert becomes one Slack message.
  ASSERT_TRUE(WaitFor([&] { return static_cast<int>(slack_.requests().size()) == alerts; }))
      << slack_.requests().size() << " of " << alerts;
  EXPECT_EQ(Metric("bam_rulesvc_webhook_rejected_total{reason=\"bad_payload\"}"), -1);
  for (const Recorded& r : slack_.requests()) {
    EXPECT_EQ(r.path, "/services/T/B/X");
    auto j = nlohmann::json::parse(r.body);
    EXPECT_TRUE(j.contains("blocks")) << r.body;
    EXPECT_TRUE(j.contains("text")) << r.body;
  }

  // Bad input: refused with a reason, not retried by Alertmanager (4xx), nothing enqueued.
  std::string answer = Post("{\"alerts\": [{\"labels\": 3}]}");
  EXPECT_EQ(answer.substr(0, 3), "400") << answer;
  answer = Post("not json");
  EXPECT_EQ(answer.substr(0, 3), "400") << answer;
  EXPECT_EQ(Metric("bam_rulesvc_webhook_rejected_total{reason=\"bad_payload\"}"), 2);
  // Wrong or missing token: 401 with a challenge.
  answer = Post(Payload("x", 1), "wrong");
  EXPECT_EQ(answer.substr(0, 3), "401") << answer;
  EXPECT_EQ(Metric("bam_rulesvc_webhook_rejected_total{reason=\"unauthorized\"}"), 1);
}

TEST_F(ServeTest, SamePayloadTwiceYieldsOneMessage) {
  WriteConfig("{initial_backoff: 100ms, max_backoff: 1s}");
  StartService();
  const std::string payload = Payload("dup", 1);
  EXPECT_THAT(Post(payload), HasSubstr("\"recorded\":1"));
  EXPECT_THAT(Post(payload), HasSubstr("\"duplicates\":1"));  // HA peer or retry
  ASSERT_TRUE(WaitFor([&] {
    return Metric("bam_rulesvc_notifications_total{channel=\"slack_ops\",result=\"delivered\"}") ==
               1 &&
           Metric("bam_rulesvc_outbox_pending") == 0;
  }));
  EXPECT_EQ(slack_.requests().size(), 1u);
  EXPECT_EQ(MessageId(slack_.requests()[0]), "msg-dup-0");
  // The resolution is a new transition: a second message.
  EXPECT_THAT(Post(Payload("dup", 1, "resolved")), HasSubstr("\"recorded\":1"));
  ASSERT_TRUE(WaitFor([&] { return slack_.requests().size() == 2; }));
  EXPECT_THAT(slack_.requests()[1].body, HasSubstr("RÉSOLU"));
}

TEST_F(ServeTest, ChannelDownForAWhileGetsEveryMessageOnceWhenBack) {
  WriteConfig("{initial_backoff: 100ms, max_backoff: 400ms}");
  StartService();
  slack_.Respond(503, "down");
  EXPECT_THAT(Post(Payload("down", 6)), HasSubstr("\"recorded\":6"));
  // Every message tried, some several times, all refused.
  ASSERT_TRUE(WaitFor([&] {
    std::set<std::string> tried;
    for (const Recorded& r : slack_.requests()) tried.insert(MessageId(r));
    return tried.size() == 6 && slack_.requests().size() >= 12;
  }));
  EXPECT_TRUE(Delivered().empty());
  EXPECT_GE(Metric("bam_rulesvc_notifications_total{channel=\"slack_ops\",result=\"retry\"}"), 12);
  slack_.Respond(200, "ok");
  ASSERT_TRUE(WaitFor([&] { return Delivered().size() == 6; })) << Delivered().size();
  ASSERT_TRUE(WaitFor([&] { return Metric("bam_rulesvc_outbox_pending") == 0; }));
  for (const auto& [id, count] : Delivered()) EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(Metric("bam_rulesvc_notifications_total{channel=\"slack_ops\",result=\"delivered\"}"),
            6);
  EXPECT_EQ(Metric("bam_rulesvc_notifications_total{channel=\"slack_ops\",result=\"dead\"}"), 0);
}

TEST_F(ServeTest, KilledMidDeliveryDeliversTheRestAfterRestart) {
  WriteConfig("{initial_backoff: 100ms, max_backoff: 400ms, lease: 2s}");
  StartService();
  slack_.Delay(3s);  // the first delivery hangs: the service is mid-delivery
  EXPECT_THAT(Post(Payload("kill", 5)), HasSubstr("\"recorded\":5"));
  ASSERT_TRUE(WaitFor([&] { return !slack_.requests().empty(); }));
  const std::string in_flight = MessageId(slack_.requests()[0]);
  service_->Signal(SIGKILL);
  EXPECT_EQ(service_->Wait(10s), -SIGKILL);
  EXPECT_EQ(slack_.requests().size(), 1u);
  slack_.Delay(0ms);

  StartService();  // same state directory
  ASSERT_TRUE(WaitFor([&] { return Delivered().size() == 5; })) << Delivered().size();
  ASSERT_TRUE(WaitFor([&] { return Metric("bam_rulesvc_outbox_pending") == 0; }));
  // At least once: only the delivery cut by the kill may arrive twice.
  for (const auto& [id, count] : Delivered()) {
    if (id != in_flight) {
      EXPECT_EQ(count, 1) << id;
    }
    EXPECT_LE(count, 2) << id;
  }
}

}  // namespace
}  // namespace bam
