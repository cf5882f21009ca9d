// Delivery over real HTTP to a local recorder on 127.0.0.1 (kernel-chosen port): what each
// service receives (method, path, headers, body), and how failures are classified.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "rulesvc/channels/channels.h"
#include "rulesvc/channels/testing/http_recorder.h"
#include "rulesvc/channels/testing/sample_notification.h"
#include "tests/testing/process.h"

namespace bam::rulesvc::channels {
namespace {

using testing::HttpRecorder;
using testing::RecordedRequest;

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(recorder_.Start());
    char tmpl[] = "/tmp/bam-channels-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& content) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    return path;
  }

  HttpRecorder recorder_;
  std::string dir_;
};

// Percent-decodes an application/x-www-form-urlencoded body into fields.
std::map<std::string, std::string> ParseForm(const std::string& body) {
  auto decode = [](const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += s[i] == '+' ? ' ' : s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> fields;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string pair = body.substr(start, end - start);
    size_t eq = pair.find('=');
    fields[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return fields;
}

TEST_F(DeliveryTest, SlackPostsBlockKitJson) {
  std::string error;
  auto ch =
      MakeSlackChannel({"slack_ops", recorder_.base_url() + "/services/T0/B0/X0", {}}, &error);
  ASSERT_NE(ch, nullptr) << error;
  Notification n = testing::SampleFiring();
  DeliveryResult r = ch->Deliver(n);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.http_status, 200);
  std::vector<RecordedRequest> reqs = recorder_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].path, "/services/T0/B0/X0");
  EXPECT_EQ(reqs[0].Header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(reqs[0].body, RenderSlack(n));
  nlohmann::json j = nlohmann::json::parse(reqs[0].body);
  EXPECT_TRUE(j["text"].is_string());
  EXPECT_EQ(j["blocks"][0]["type"], "header");
  EXPECT_EQ(ch->type(), "slack");
  EXPECT_EQ(ch->target(), recorder_.base_url() + "/…");
}

TEST_F(DeliveryTest, TeamsAcceptsAny2xx) {
  recorder_.Respond(202, "");
  std::string error;
  auto ch =
      MakeTeamsChannel({"teams_ops", recorder_.base_url() + "/workflows/abc?sig=s", {}}, &error);
  ASSERT_NE(ch, nullptr) << error;
  DeliveryResult r = ch->Deliver(testing::SampleFiring());
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.http_status, 202);
  std::vector<RecordedRequest> reqs = recorder_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/workflows/abc");
  EXPECT_EQ(reqs[0].query, "sig=s");
  nlohmann::json j = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(j["type"], "message");
  EXPECT_EQ(j["attachments"][0]["contentType"], "application/vnd.microsoft.card.adaptive");
  EXPECT_EQ(j["attachments"][0]["content"]["type"], "AdaptiveCard");
}

TEST_F(DeliveryTest, WebhookSignatureVerifiesIndependently) {
  std::string secret = "crm-s3cret-42";
  std::string secret_file = WriteFile("crm-secret", secret + "\n");
  std::string error;
  auto ch =
      MakeWebhookChannel({"crm", recorder_.base_url() + "/hooks/bam", secret_file, {}}, &error);
  ASSERT_NE(ch, nullptr) << error;
  DeliveryResult r = ch->Deliver(testing::SampleFiring());
  ASSERT_TRUE(r.ok) << r.error;
  std::vector<RecordedRequest> reqs = recorder_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/hooks/bam");
  EXPECT_EQ(reqs[0].Header("content-type"), "application/json; charset=utf-8");
  nlohmann::json j = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(j["rule"]["id"], "payment_success_low");

  // Recompute the HMAC with Python's hmac module over the bytes the receiver got.
  std::string body_file = WriteFile("body", reqs[0].body);
  bam::testing::ProcessResult py = bam::testing::RunShell(
      "python3 -c 'import hmac,hashlib,sys; "
      "print(hmac.new(open(sys.argv[1],\"rb\").read().strip(), open(sys.argv[2],\"rb\").read(), "
      "hashlib.sha256).hexdigest())' " +
      secret_file + " " + body_file);
  ASSERT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(reqs[0].Header("x-bam-signature"), "sha256=" + py.out.substr(0, 64));
}

TEST_F(DeliveryTest, TwilioPostsFormPerRecipientWithBasicAuth) {
  recorder_.Respond(201, R"({"sid":"SM1","status":"queued"})");
  std::string error;
  TwilioConfig config;
  config.name = "sms_oncall";
  config.account_sid = "AC123";
  config.auth_token_file = WriteFile("twilio-token", "tok-s3cret\n");
  config.from = "+33100000000";
  config.to = {"+33600000000", "+33600000001"};
  config.url = recorder_.base_url();
  auto ch = MakeTwilioChannel(config, &error);
  ASSERT_NE(ch, nullptr) << error;
  Notification n = testing::SampleFiring();
  DeliveryResult r = ch->Deliver(n);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.http_status, 201);
  std::vector<RecordedRequest> reqs = recorder_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  for (size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(reqs[i].method, "POST");
    EXPECT_EQ(reqs[i].path, "/2010-04-01/Accounts/AC123/Messages.json");
    EXPECT_EQ(reqs[i].Header("content-type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(reqs[i].Header("authorization"),
              "Basic QUMxMjM6dG9rLXMzY3JldA==");  // AC123:tok-s3cret
    std::map<std::string, std::string> form = ParseForm(reqs[i].body);
    EXPECT_EQ(form.size(), 3u);
    EXPECT_EQ(form["To"], config.to[i]);
    EXPECT_EQ(form["From"], "+33100000000");
    EXPECT_EQ(form["Body"], RenderSmsText(n));
  }
}

TEST_F(DeliveryTest, ServerErrorIsRetryable) {
  recorder_.Respond(500, "rollup_error");
  std::string error;
  auto ch = MakeSlackChannel({"s", recorder_.base_url() + "/services/T/B/SUPERSECRET", {}}, &error);
  DeliveryResult r = ch->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable);
  EXPECT_EQ(r.http_status, 500);
  EXPECT_EQ(r.error, "HTTP 500: rollup_error");
}

TEST_F(DeliveryTest, TooManyRequestsIsRetryableWithRetryAfter) {
  recorder_.Respond(429, "rate_limited", {"Retry-After: 7"});
  std::string error;
  auto ch = MakeTeamsChannel({"t", recorder_.base_url() + "/w", {}}, &error);
  DeliveryResult r = ch->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable);
  EXPECT_EQ(r.http_status, 429);
  EXPECT_EQ(r.retry_after, std::chrono::seconds(7));
}

TEST_F(DeliveryTest, ClientErrorIsPermanent) {
  recorder_.Respond(400, "invalid_payload");
  std::string error;
  auto ch = MakeWebhookChannel({"w", recorder_.base_url() + "/h", "", {}}, &error);
  ASSERT_NE(ch, nullptr) << error;
  DeliveryResult r = ch->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error, "HTTP 400: invalid_payload");
  ASSERT_EQ(recorder_.requests().size(), 1u);
  EXPECT_EQ(recorder_.requests()[0].Header("x-bam-signature"), "");  // no secret, no header
}

TEST_F(DeliveryTest, ConnectionRefusedIsRetryableAndKeepsSecretsOut) {
  std::string url = "http://user:pa55word@127.0.0.1:" + std::to_string(recorder_.port()) +
                    "/services/T/B/SUPERSECRET";
  recorder_.Stop();  // nothing listens on that port any more
  std::string error;
  auto ch = MakeSlackChannel({"s", url, {}}, &error);
  DeliveryResult r = ch->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(r.error.find("SUPERSECRET"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("pa55word"), std::string::npos) << r.error;
  EXPECT_EQ(ch->target().find("SUPERSECRET"), std::string::npos);
  EXPECT_EQ(ch->target().find("pa55word"), std::string::npos);
}

TEST_F(DeliveryTest, TimeoutIsRetryable) {
  // A socket that listens but never accepts: the connection completes in the backlog and no
  // response ever comes.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/h";
  std::string error;
  ChannelOptions options;
  options.timeout = std::chrono::milliseconds(300);
  auto ch = MakeWebhookChannel({"w", url, "", options}, &error);
  auto start = std::chrono::steady_clock::now();
  DeliveryResult r = ch->Deliver(testing::SampleFiring());
  auto took = std::chrono::steady_clock::now() - start;
  close(fd);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable);
  EXPECT_NE(r.error.find("Timeout"), std::string::npos) << r.error;
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(DeliveryTest, TwilioFailureNeverShowsTheToken) {
  recorder_.Respond(401, R"({"code":20003,"message":"Authenticate"})");
  std::string error;
  TwilioConfig config;
  config.name = "sms";
  config.account_sid = "AC123";
  config.auth_token_file = WriteFile("token", "tok-s3cret");
  config.from = "+33100000000";
  config.to = {"+33600000000"};
  config.url = recorder_.base_url();
  auto ch = MakeTwilioChannel(config, &error);
  DeliveryResult r = ch->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.error.find("tok-s3cret"), std::string::npos);
}

TEST_F(DeliveryTest, ConcurrentDeliveriesOnOneChannel) {
  std::string error;
  auto ch = MakeWebhookChannel({"crm", recorder_.base_url() + "/h", WriteFile("secret", "k"), {}},
                               &error);
  ASSERT_NE(ch, nullptr) << error;
  std::vector<std::thread> threads;
  std::atomic<int> ok = 0;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j) ok += ch->Deliver(testing::SampleFiring()).ok ? 1 : 0;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok, 20);
  std::vector<RecordedRequest> reqs = recorder_.requests();
  ASSERT_EQ(reqs.size(), 20u);
  for (const RecordedRequest& r : reqs) {
    EXPECT_EQ(r.Header("x-bam-signature"), WebhookSignature("k", r.body));
  }
}

TEST_F(DeliveryTest, FactoriesRefuseBadConfigWithoutLeakingSecrets) {
  std::string error;
  EXPECT_EQ(MakeSlackChannel({"s", "ftp://x", {}}, &error), nullptr);
  EXPECT_EQ(error, "channel s: url must be http:// or https://");
  EXPECT_EQ(MakeWebhookChannel({"crm", "http://x/h", dir_ + "/missing", {}}, &error), nullptr);
  EXPECT_NE(error.find("channel crm: cannot read secret file " + dir_ + "/missing"),
            std::string::npos)
      << error;
  EXPECT_EQ(MakeWebhookChannel({"crm", "http://x/h", WriteFile("empty", "\n"), {}}, &error),
            nullptr);
  EXPECT_NE(error.find("is empty"), std::string::npos) << error;
  TwilioConfig t;
  t.name = "sms";
  t.account_sid = "AC1";
  t.from = "+1";
  EXPECT_EQ(MakeTwilioChannel(t, &error), nullptr);  // no recipient
  EmailConfig e;
  e.name = "mail";
  e.smtp = "smtp://127.0.0.1:25";
  e.from = "a@b";
  e.to = {"c@d"};
  e.username_file = WriteFile("user", "u");
  EXPECT_EQ(MakeEmailChannel(e, &error), nullptr);
  EXPECT_EQ(error, "channel mail: username_file and password_file go together");
}

}  // namespace
}  // namespace bam::rulesvc::channels
