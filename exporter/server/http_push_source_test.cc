#include "exporter/server/http_push_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "exporter/server/testing/http_client.h"

namespace bam::exporter {
namespace {

using ::testing::ElementsAre;
using testing::Fetch;
using ::testing::HasSubstr;
using testing::HttpResult;

// Stands in for the SourceProcessor: records lines, rejects "bad…" as parse_error and "neg" as
// negative_value, and notices if it is ever called from two threads at once.
class RecordingSink : public LineSink {
 public:
  void OnLine(std::string_view line) override {
    if (active_.fetch_add(1) != 0) overlapped_ = true;
    lines_.emplace_back(line);
    last_ = line.starts_with("bad") ? "parse_error" : line == "neg" ? "negative_value" : "";
    active_.fetch_sub(1);
  }
  void OnTooLong() override {
    ++too_long_;
    last_ = "too_long";
  }
  std::string_view LastRejection() const override { return last_; }

  // Read only after the requests have been answered.
  const std::vector<std::string>& lines() const { return lines_; }
  int too_long() const { return too_long_; }
  bool overlapped() const { return overlapped_; }

 private:
  std::vector<std::string> lines_;
  int too_long_ = 0;
  std::string last_;
  std::atomic<int> active_ = 0;
  std::atomic<bool> overlapped_ = false;
};

class HttpPushSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.name = "push";
    config_.kind = SourceKind::kHttp;
    config_.http.path = "/ingest";
    config_.http.max_body_bytes = 1000;
    config_.max_line_bytes = 64;
    std::string error;
    ASSERT_TRUE(server_.Start("127.0.0.1:0", &error)) << error;
  }

  void StartSource() {
    source_ = std::make_unique<HttpPushSource>(config_, &server_, &self_);
    std::string error;
    ASSERT_TRUE(source_->Start(&sink_, &error)) << error;
  }

  HttpResult Post(const std::string& body, std::vector<std::string> headers = {},
                  bool chunked = false) {
    return Fetch({"POST", Url(), body, std::move(headers), chunked});
  }
  std::string Url() { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/ingest"; }

  double SourceErrors(const std::string& kind) { return self_.SourceError("push", kind).Value(); }

  prometheus::Registry registry_;
  SelfMetrics self_{registry_, "test"};
  SourceConfig config_;
  HttpServer server_;
  RecordingSink sink_;
  std::unique_ptr<HttpPushSource> source_;
};

TEST_F(HttpPushSourceTest, AcceptsEveryLineInOrder) {
  StartSource();
  const std::string body = "{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}";  // CRLF and no final newline
  HttpResult r = Post(body);
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["accepted"], 3);
  EXPECT_EQ(j["rejected"], 0);
  EXPECT_EQ(j["errors"], nlohmann::json::array());
  EXPECT_THAT(sink_.lines(), ElementsAre("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"));

  SourceStatus status = source_->Status();
  EXPECT_EQ(status.source, "push");
  EXPECT_EQ(status.kind, "http");
  EXPECT_TRUE(status.running);
  ASSERT_EQ(status.inputs.size(), 1u);
  EXPECT_EQ(status.inputs[0].name, "POST /ingest");
  EXPECT_EQ(status.inputs[0].offset, body.size());
  EXPECT_EQ(status.inputs[0].lines, 3u);
  EXPECT_EQ(status.inputs[0].last_error, "");
}

TEST_F(HttpPushSourceTest, EmptyBodyAcceptsNothing) {
  StartSource();
  HttpResult r = Post("");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(nlohmann::json::parse(r.body)["accepted"], 0);
  EXPECT_TRUE(sink_.lines().empty());
}

// Rejected lines were processed (and counted in bam_exporter_lines_rejected_total): the request
// still succeeds, so a sender does not resend, and double-count, the good lines.
TEST_F(HttpPushSourceTest, MalformedLinesAreCountedAndListedWith200) {
  StartSource();
  HttpResult r = Post("ok1\nbad\nok2\nneg\n" + std::string(100, 'x') + "\nok3\n");
  ASSERT_EQ(r.status, 200) << r.error;
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["accepted"], 3);
  EXPECT_EQ(j["rejected"], 3);
  EXPECT_EQ(j["errors"], nlohmann::json::parse(R"([
      {"line": 2, "reason": "parse_error"},
      {"line": 4, "reason": "negative_value"},
      {"line": 5, "reason": "too_long"}])"));
  EXPECT_THAT(sink_.lines(), ElementsAre("ok1", "bad", "ok2", "neg", "ok3"));
  EXPECT_EQ(sink_.too_long(), 1);
}

TEST_F(HttpPushSourceTest, ListsAtMostAHundredErrors) {
  config_.http.max_body_bytes = 10000;
  StartSource();
  std::string body;
  for (int i = 0; i < 150; ++i) body += "bad\n";
  HttpResult r = Post(body);
  ASSERT_EQ(r.status, 200) << r.error;
  nlohmann::json j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["rejected"], 150);
  ASSERT_EQ(j["errors"].size(), HttpPushSource::kMaxListedErrors);
  EXPECT_EQ(j["errors"][99]["line"], 100);
}

TEST_F(HttpPushSourceTest, OversizeBodyIs413AndDeliversNothing) {
  StartSource();
  HttpResult r = Post(std::string(1001, 'x'));
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_THAT(r.body, HasSubstr("max_body_bytes (1000)"));
  EXPECT_TRUE(sink_.lines().empty());
  EXPECT_EQ(SourceErrors("oversize"), 1);
  EXPECT_THAT(source_->Status().inputs[0].last_error, HasSubstr("413"));

  std::string at_limit;
  for (int i = 0; i < 100; ++i) at_limit += "123456789\n";  // exactly max_body_bytes
  r = Post(at_limit);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(sink_.lines().size(), 100u);
  EXPECT_EQ(source_->Status().inputs[0].last_error, "");
}

// A large body is refused from its Content-Length: with "Expect: 100-continue" (what curl sends
// for large bodies) the sender does not even transmit it; without, the server drains and closes.
TEST_F(HttpPushSourceTest, LargeOversizeBodyIsRefusedBeforeReading) {
  StartSource();
  const std::string huge(2 << 20, 'x');
  HttpResult r = Post(huge, {"Expect: 100-continue"});
  EXPECT_EQ(r.status, 413) << r.error;
  r = Post(huge, {"Expect:"});
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_TRUE(sink_.lines().empty());
  EXPECT_EQ(SourceErrors("oversize"), 2);
}

TEST_F(HttpPushSourceTest, OversizeChunkedBodyIs413AndDeliversNothing) {
  StartSource();
  std::string body;
  while (body.size() < 5000) body += "line\n";
  HttpResult r = Post(body, {}, /*chunked=*/true);
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_TRUE(sink_.lines().empty());
  EXPECT_EQ(SourceErrors("oversize"), 1);
}

TEST_F(HttpPushSourceTest, ChunkedBodyWithinLimitIsAccepted) {
  StartSource();
  std::string body;
  for (int i = 0; i < 150; ++i) body += "l" + std::to_string(i) + "\n";  // > one 1000-byte chunk
  ASSERT_LT(body.size(), 1000u);
  HttpResult r = Post(body, {}, /*chunked=*/true);
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(nlohmann::json::parse(r.body)["accepted"], 150);
  ASSERT_EQ(sink_.lines().size(), 150u);
  EXPECT_EQ(sink_.lines()[149], "l149");
}

TEST_F(HttpPushSourceTest, BearerTokenIsRequiredWhenConfigured) {
  config_.http.bearer_token = "s3cret";
  StartSource();
  HttpResult r = Post("a\n");
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(r.headers, HasSubstr("WWW-Authenticate: Bearer realm=\"bam-exporter\""));
  r = Post("a\n", {"Authorization: Bearer wrong"});
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(r.headers, HasSubstr("error=\"invalid_token\""));
  r = Post("a\n", {"Authorization: Basic czNjcmV0"});
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(sink_.lines().empty());
  EXPECT_EQ(SourceErrors("unauthorized"), 3);

  r = Post("a\n", {"Authorization: Bearer s3cret"});
  EXPECT_EQ(r.status, 200) << r.error;
  r = Post("b\n", {"Authorization: bearer s3cret"});  // the scheme is case-insensitive
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_THAT(sink_.lines(), ElementsAre("a", "b"));
}

TEST_F(HttpPushSourceTest, OtherMethodsAre405) {
  StartSource();
  EXPECT_EQ(Fetch({"GET", Url(), "", {}, false}).status, 405);
  EXPECT_EQ(Fetch({"PUT", Url(), "a\n", {}, false}).status, 405);
  EXPECT_TRUE(sink_.lines().empty());
}

TEST_F(HttpPushSourceTest, StoppedSourceAnswers503AndDestroyedOneIsUnrouted) {
  StartSource();
  source_->Stop();
  source_->Stop();
  EXPECT_FALSE(source_->Status().running);
  EXPECT_EQ(Post("a\n").status, 503);
  EXPECT_TRUE(sink_.lines().empty());
  source_.reset();
  EXPECT_EQ(Post("a\n").status, 404);
}

// A sink that holds its first line until released, to catch a request in the middle of counting.
class BlockingSink : public LineSink {
 public:
  void OnLine(std::string_view) override {
    std::unique_lock lock(mu_);
    entered_ = true;
    cv_.notify_all();
    cv_.wait(lock, [this] { return released_; });
    ++lines_;
  }
  void OnTooLong() override {}
  void WaitEntered() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return entered_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  int lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false, released_ = false;
  int lines_ = 0;
};

TEST_F(HttpPushSourceTest, StopWaitsForRequestsInProgress) {
  BlockingSink sink;
  HttpPushSource source(config_, &server_, &self_);
  std::string error;
  ASSERT_TRUE(source.Start(&sink, &error));
  HttpResult posted;
  std::thread client([&] { posted = Post("a\nb\n"); });
  sink.WaitEntered();
  std::atomic<bool> stopped = false;
  std::thread stopper([&] {
    source.Stop();
    stopped = true;
  });
  while (source.Status().running) std::this_thread::yield();  // Stop has begun
  EXPECT_EQ(Post("c\n").status, 503);  // refused while the first request is still counting
  EXPECT_FALSE(stopped);
  sink.Release();
  stopper.join();
  client.join();
  EXPECT_TRUE(stopped);
  EXPECT_EQ(posted.status, 200) << posted.error;
  EXPECT_EQ(sink.lines(), 2);  // both lines counted before Stop returned
}

TEST_F(HttpPushSourceTest, ConcurrentPostsCountEveryLineExactlyOnce) {
  config_.http.max_body_bytes = 1 << 20;
  StartSource();
  constexpr int kThreads = 4, kPosts = 25, kLines = 40;
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int p = 0; p < kPosts; ++p) {
        std::string body;
        for (int l = 0; l < kLines; ++l) {
          body += std::to_string(t) + "-" + std::to_string(p) + "-" + std::to_string(l) + "\n";
        }
        HttpResult r = Post(body);
        if (r.status != 200 || nlohmann::json::parse(r.body)["accepted"] != kLines) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_FALSE(sink_.overlapped());
  const std::vector<std::string>& lines = sink_.lines();
  ASSERT_EQ(lines.size(), size_t{kThreads * kPosts * kLines});
  EXPECT_EQ(std::set<std::string>(lines.begin(), lines.end()).size(), lines.size());
  // One request's lines reach the sink together and in order.
  for (size_t i = 0; i < lines.size(); i += kLines) {
    std::string prefix = lines[i].substr(0, lines[i].rfind('-') + 1);
    for (int l = 0; l < kLines; ++l) EXPECT_EQ(lines[i + l], prefix + std::to_string(l));
  }
  EXPECT_EQ(source_->Status().inputs[0].lines, uint64_t{kThreads * kPosts * kLines});
}

TEST(ConstantTimeEqualsTest, ComparesWholeSecrets) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abcd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace bam::exporter
