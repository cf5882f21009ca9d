// End-to-end test of the bam-exporter daemon: a tailed file and an HTTP push source counted into
// /metrics (checked by promtool while live), reloads by SIGHUP (a bad config changes nothing and is
// counted; a good one keeps counts), SIGTERM, and a restart that resumes from the positions file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "tests/testing/exposition.h"
#include "tests/testing/process.h"
#include "tests/testing/subprocess.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr char kConfig[] =
    "sources:\n"
    "  - name: app\n"
    "    file: {paths: [app.log], start_at: beginning}\n"
    "    format: logfmt\n"
    "  - name: push\n"
    "    http: {path: /ingest, max_body_bytes: 1000}\n"
    "    format: json\n"
    "metrics:\n"
    "  - name: app_events_total\n"
    "    type: counter\n"
    "    help: Events by level.\n"
    "    labels: {level: level}\n";

class ExporterDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_daemon_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    WriteConfig(kConfig);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteConfig(const std::string& text) { std::ofstream(dir_ / "bam.yml") << text; }
  void Append(const std::string& text) { std::ofstream(dir_ / "app.log", std::ios::app) << text; }

  // Starts the daemon and returns its port (0 if it did not come up).
  int Start() {
    daemon_ = std::make_unique<testing::Subprocess>(std::vector<std::string>{
        std::string(BAM_BIN_DIR) + "/bam-exporter", "--config.file=" + (dir_ / "bam.yml").string(),
        "--web.listen-address=127.0.0.1:0",
        "--storage.positions-file=" + (dir_ / "positions.json").string()});
    std::string line = daemon_->WaitForStderr("listening on", 10s);
    size_t colon = line.rfind(':');
    if (colon == std::string::npos) return 0;
    return std::atoi(line.c_str() + colon + 1);
  }

  std::string Get(int port, const std::string& path) {
    return testing::RunShell("curl -s http://127.0.0.1:" + std::to_string(port) + path).out;
  }

  // Polls /metrics until `series` has `want`; returns the last exposition seen.
  std::string WaitForValue(int port, const std::string& series, double want) {
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      text = Get(port, "/metrics");
      double got = -1;
      if (testing::ParsedExposition::Parse(text).Find(series, &got) && got == want) return text;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "timed out waiting for " << series << " = " << want << "\n" << text;
    return text;
  }

  fs::path dir_;
  std::unique_ptr<testing::Subprocess> daemon_;
};

TEST_F(ExporterDaemonTest, CountsLiveSourcesReloadsAndResumesAfterRestart) {
  Append("level=info msg=a\nlevel=error msg=b\nlevel=info msg=c\n");
  int port = Start();
  ASSERT_GT(port, 0) << daemon_->err();
  EXPECT_THAT(Get(port, "/-/healthy"), HasSubstr("Healthy"));
  EXPECT_THAT(Get(port, "/-/ready"), HasSubstr("Ready"));

  // HTTP push: one good line, one malformed; the answer comes once they are counted.
  auto push = testing::RunShell(
      "curl -s -X POST --data-binary @- http://127.0.0.1:" + std::to_string(port) + "/ingest",
      "{\"level\":\"warn\"}\nnot json\n");
  EXPECT_THAT(push.out, HasSubstr("\"accepted\":1"));
  EXPECT_THAT(push.out, HasSubstr("parse_error"));

  std::string text = WaitForValue(port, "app_events_total{level=\"info\"}", 2);
  WaitForValue(port, "app_events_total{level=\"warn\"}", 1);
  text = WaitForValue(port, "app_events_total{level=\"error\"}", 1);
  auto lint = testing::RunShell("promtool check metrics", text);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_THAT(Get(port, "/"), HasSubstr("app.log"));

  // A broken config is rejected whole and counted; the running one keeps counting.
  WriteConfig(
      "sources: [{name: app, file: {paths: [app.log]}, format: logfmt}]\n"
      "metrics: [{name: app_events_total, type: counter, when: nosuch(x)}]\n");
  daemon_->Signal(SIGHUP);
  WaitForValue(port, "bam_exporter_config_reloads_total{result=\"failure\"}", 1);
  Append("level=info msg=d\n");
  WaitForValue(port, "app_events_total{level=\"info\"}", 3);

  // A good one applies without losing counts.
  WriteConfig(std::string(kConfig) +
              "  - name: app_lines_total\n"
              "    type: counter\n"
              "    help: Lines.\n");
  daemon_->Signal(SIGHUP);
  WaitForValue(port, "bam_exporter_config_reloads_total{result=\"success\"}", 1);
  Append("level=info msg=e\n");
  WaitForValue(port, "app_events_total{level=\"info\"}", 4);
  WaitForValue(port, "app_lines_total", 1);  // only the line after the reload: nothing re-read

  daemon_->Signal(SIGTERM);
  EXPECT_EQ(daemon_->Wait(10s), 0) << daemon_->err();
  ASSERT_TRUE(fs::exists(dir_ / "positions.json"));

  // Restart: lines counted before are not counted again; new ones are.
  Append("level=error msg=f\n");
  port = Start();
  ASSERT_GT(port, 0) << daemon_->err();
  text = WaitForValue(port, "app_events_total{level=\"error\"}", 1);
  double info = 0;
  EXPECT_FALSE(
      testing::ParsedExposition::Parse(text).Find("app_events_total{level=\"info\"}", &info) &&
      info > 0)
      << text;
  daemon_->Signal(SIGTERM);
  EXPECT_EQ(daemon_->Wait(10s), 0) << daemon_->err();
}

TEST_F(ExporterDaemonTest, InvalidConfigAtStartExitsOne) {
  WriteConfig("sources: []\nmetrics: []\n");
  testing::Subprocess daemon({std::string(BAM_BIN_DIR) + "/bam-exporter",
                              "--config.file=" + (dir_ / "bam.yml").string(),
                              "--web.listen-address=127.0.0.1:0"});
  EXPECT_EQ(daemon.Wait(10s), 1);
}

}  // namespace
}  // namespace bam
