// E-mail through a real SMTP server: aiosmtpd (Debian python3-aiosmtpd) started by the test on a
// kernel-chosen port (testing/smtp_sink.py). The received message is parsed by Python's e-mail
// package, so the Subject decoding and both parts are checked by an independent MIME parser.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rulesvc/channels/email.h"
#include "rulesvc/channels/facts.h"
#include "rulesvc/channels/testing/sample_notification.h"
#include "tests/testing/subprocess.h"

namespace bam::rulesvc::channels {
namespace {

// Debian's interpreter: python3-aiosmtpd installs into its dist-packages.
constexpr const char* kPython = "/usr/bin/python3";

class SmtpSink {
 public:
  // `reply` (e.g. "451 4.3.0 try later") is answered to DATA instead of accepting; `auth`
  // ("user:password") makes AUTH mandatory.
  explicit SmtpSink(const std::string& reply = "", const std::string& auth = "") {
    char tmpl[] = "/tmp/bam-smtp-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::vector<std::string> argv = {
        kPython, std::string(BAM_SOURCE_DIR) + "/rulesvc/channels/testing/smtp_sink.py", dir_};
    if (!reply.empty()) argv.insert(argv.end(), {"--reply", reply});
    if (!auth.empty()) argv.insert(argv.end(), {"--auth", auth});
    proc_ = std::make_unique<bam::testing::Subprocess>(argv);
    std::string line = proc_->WaitForStderr("listening on", std::chrono::seconds(15));
    size_t colon = line.rfind(':');
    if (colon != std::string::npos) port_ = std::atoi(line.c_str() + colon + 1);
  }
  ~SmtpSink() {
    Kill();
    std::filesystem::remove_all(dir_);
  }
  void Kill() {
    if (proc_) {
      proc_->Signal(SIGKILL);
      proc_->Wait(std::chrono::seconds(5));
      proc_.reset();
    }
  }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return proc_ ? proc_->err() : ""; }

  // The parsed summary of message `n` (1-based), or null when absent.
  nlohmann::json Message(int n) const {
    std::ifstream in(dir_ + "/" + std::to_string(n) + ".json");
    if (!in) return nullptr;
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str());
  }

 private:
  std::string dir_;
  std::unique_ptr<bam::testing::Subprocess> proc_;
  int port_ = 0;
};

EmailConfig Config(const std::string& url) {
  EmailConfig config;
  config.name = "email_ops";
  config.smtp = url;
  config.from = "bam@shop.example";
  config.to = {"ops@shop.example", "cto@shop.example"};
  return config;
}

std::unique_ptr<Channel> MakeChannel(const EmailConfig& config) {
  std::string error;
  auto ch = MakeEmailChannel(config, &error);
  EXPECT_NE(ch, nullptr) << error;
  return ch;
}

TEST(EmailDeliveryTest, MessageArrivesAndParses) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0) << sink.log();
  auto ch = MakeChannel(Config(sink.url()));
  Notification n = testing::SampleFiring();
  DeliveryResult r = ch->Deliver(n);
  ASSERT_TRUE(r.ok) << r.error << "\n" << sink.log();
  EXPECT_EQ(r.http_status, 250);

  nlohmann::json m = sink.Message(1);  // written before the sink answered 250
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["mail_from"], "bam@shop.example");
  EXPECT_EQ(m["rcpt_tos"], nlohmann::json::array({"ops@shop.example", "cto@shop.example"}));
  EXPECT_EQ(m["from"], "bam@shop.example");
  EXPECT_EQ(m["to"], "ops@shop.example, cto@shop.example");
  EXPECT_EQ(m["subject"], HeadlineText(n));  // decoded from encoded-words by Python
  EXPECT_NE(m["raw_headers"].get<std::string>().find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_EQ(m["content_type"], "multipart/alternative");
  EXPECT_EQ(m["defects"], nlohmann::json::array());
  ASSERT_EQ(m["parts"].size(), 2u);
  EXPECT_EQ(m["parts"][0]["content_type"], "text/plain");
  EXPECT_EQ(m["parts"][0]["charset"], "utf-8");
  EXPECT_EQ(m["parts"][0]["text"], PlainText(n));
  EXPECT_NE(m["parts"][0]["text"].get<std::string>().find("Perte estimée: 15\u202F000\u00A0€/h"),
            std::string::npos);
  EXPECT_EQ(m["parts"][1]["content_type"], "text/html");
  EXPECT_EQ(m["parts"][1]["text"], RenderEmailHtml(n));
}

TEST(EmailDeliveryTest, AsciiSubjectStaysPlain) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0) << sink.log();
  auto ch = MakeChannel(Config(sink.url()));
  Notification n = testing::SampleResolvedEn();
  n.title = "Payment success rate back to 97 pct (web)";
  DeliveryResult r = ch->Deliver(n);
  ASSERT_TRUE(r.ok) << r.error;
  nlohmann::json m = sink.Message(1);
  ASSERT_FALSE(m.is_null());
  EXPECT_EQ(m["subject"], "[WARNING] [RESOLVED] Payment success rate back to 97 pct (web)");
  EXPECT_NE(m["raw_headers"].get<std::string>().find(
                "Subject: [WARNING] [RESOLVED] Payment success rate back to 97 pct (web)"),
            std::string::npos);
}

TEST(EmailDeliveryTest, TransientReplyIsRetryable) {
  SmtpSink sink("451 4.3.0 Try again later");
  ASSERT_GT(sink.port(), 0) << sink.log();
  DeliveryResult r = MakeChannel(Config(sink.url()))->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable) << r.error;
  EXPECT_EQ(r.http_status, 451);
  EXPECT_TRUE(sink.Message(1).is_null());
}

TEST(EmailDeliveryTest, PermanentReplyIsNotRetryable) {
  SmtpSink sink("554 5.6.0 Message rejected");
  ASSERT_GT(sink.port(), 0) << sink.log();
  DeliveryResult r = MakeChannel(Config(sink.url()))->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable) << r.error;
  EXPECT_EQ(r.http_status, 554);
}

TEST(EmailDeliveryTest, ServerDownIsRetryable) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0) << sink.log();
  std::string url = sink.url();
  sink.Kill();
  DeliveryResult r = MakeChannel(Config(url))->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable) << r.error;
  EXPECT_EQ(r.http_status, 0);
}

std::string WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path) << content;
  return path;
}

TEST(EmailDeliveryTest, CredentialsFromFilesAreUsed) {
  SmtpSink sink("", "bam-user:s3cret pass");
  ASSERT_GT(sink.port(), 0) << sink.log();
  EmailConfig config = Config(sink.url());
  config.username_file =
      WriteFile(sink.dir() + "/../bam-smtp-user-" + std::to_string(sink.port()), "bam-user\n");
  config.password_file =
      WriteFile(sink.dir() + "/../bam-smtp-pass-" + std::to_string(sink.port()), "s3cret pass\n");
  DeliveryResult r = MakeChannel(config)->Deliver(testing::SampleFiring());
  EXPECT_TRUE(r.ok) << r.error << "\n" << sink.log();
  EXPECT_FALSE(sink.Message(1).is_null());

  // The same server refuses a wrong password: permanent, and the password is not in the error.
  WriteFile(config.password_file, "wrong-pass\n");
  r = MakeChannel(config)->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable) << r.error;
  EXPECT_EQ(r.http_status, 535);
  EXPECT_EQ(r.error.find("wrong-pass"), std::string::npos) << r.error;
  std::filesystem::remove(config.username_file);
  std::filesystem::remove(config.password_file);
}

TEST(EmailDeliveryTest, WithoutCredentialsAuthRequiredIsPermanent) {
  SmtpSink sink("", "bam-user:pw");
  ASSERT_GT(sink.port(), 0) << sink.log();
  DeliveryResult r = MakeChannel(Config(sink.url()))->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable) << r.error;
  EXPECT_EQ(r.http_status, 530);
}

TEST(EmailDeliveryTest, StartTlsRequiredButNotOfferedIsPermanent) {
  SmtpSink sink;
  ASSERT_GT(sink.port(), 0) << sink.log();
  EmailConfig config = Config(sink.url());
  config.starttls = true;
  DeliveryResult r = MakeChannel(config)->Deliver(testing::SampleFiring());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable) << r.error;
  EXPECT_TRUE(sink.Message(1).is_null());
}

}  // namespace
}  // namespace bam::rulesvc::channels
