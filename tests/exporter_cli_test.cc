// End-to-end tests of the bam-exporter command line: exit codes, --check-config diagnostics,
// --one-shot on stdin. Runs the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/testing/exposition.h"
#include "tests/testing/process.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ExporterCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bam_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
    return (dir_ / name).string();
  }
  testing::ProcessResult Run(const std::string& args, const std::string& input = "") {
    return testing::RunShell(
        "cd '" + dir_.string() + "' && '" + BAM_BIN_DIR + "/bam-exporter' " + args, input);
  }

  fs::path dir_;
};

TEST_F(ExporterCliTest, VersionAndHelpExitZero) {
  auto version = Run("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, StartsWith("bam-exporter "));
  auto help = Run("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--one-shot"));
}

TEST_F(ExporterCliTest, BadFlagsExitTwo) {
  auto r = Run("--config.file=x.yml --frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown flag --frobnicate"));
  EXPECT_EQ(Run("--one-shot").exit_code, 2);
}

TEST_F(ExporterCliTest, MissingConfigFileIsInvalidConfig) {
  auto r = Run("--config.file=absent.yml --check-config");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("absent.yml"));
}

// The acceptance case: several mistakes of different stages, all reported at once, each at
// its line and column, exit 1.
TEST_F(ExporterCliTest, CheckConfigReportsEveryMistakeWithLineAndColumn) {
  Write("broken.yml",
        "sources:\n"                                       // 1
        "  - name: web\n"                                  // 2
        "    file: {paths: [access.log]}\n"                // 3
        "    format: regex\n"                              // 4
        "    pattern: '^(?P<ip>\\S+ (?P<status>\\d{3}'\n"  // 5 bad regex
        "metrics:\n"                                       // 6
        "  - name: bam-checkouts\n"                        // 7 bad metric name
        "    type: counter\n"                              // 8
        "    labls: {status: status}\n"                    // 9 unknown field
        "  - name: bam_revenue_total\n"                    // 10
        "    type: counter\n"                              // 11
        "    value: lookpu(\"segment\", amount)\n");       // 12 unknown function
  auto r = Run("--config.file=broken.yml --check-config");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("broken.yml:5:15: sources[0].pattern: invalid regex: missing ): "));
  EXPECT_THAT(r.err,
              HasSubstr("broken.yml:7:11: metrics[0].name: invalid metric name \"bam-checkouts\""));
  EXPECT_THAT(r.err, HasSubstr("broken.yml:9:5: metrics[0].labls: unknown field \"labls\""));
  EXPECT_THAT(r.err, HasSubstr("\tTry \"labels\""));
  EXPECT_THAT(r.err, HasSubstr("broken.yml:12:12: metrics[1].value: unknown function \"lookpu\""));
  EXPECT_THAT(r.err, HasSubstr("\tTry lookup("));
  // In line order, one diagnostic per mistake.
  EXPECT_LT(r.err.find(":5:15:"), r.err.find(":7:11:"));
  EXPECT_LT(r.err.find(":7:11:"), r.err.find(":9:5:"));
  EXPECT_LT(r.err.find(":9:5:"), r.err.find(":12:12:"));
  size_t diagnostics = 0;
  for (size_t p = r.err.find("broken.yml:"); p != std::string::npos;
       p = r.err.find("broken.yml:", p + 1)) {
    ++diagnostics;
  }
  EXPECT_EQ(diagnostics, 4u) << r.err;
}

TEST_F(ExporterCliTest, CheckConfigPlacesErrorsInsideBlockScalarsAndLiveOnlyMetrics) {
  Write("block.yml",
        "sources:\n"                         // 1
        "  - name: in\n"                     // 2
        "    stdin: {}\n"                    // 3
        "    format: json\n"                 // 4
        "metrics:\n"                         // 5
        "  - name: app_lines_total\n"        // 6
        "    type: counter\n"                // 7
        "    when: |\n"                      // 8
        "      log_type == \"x\" and\n"      // 9
        "      lookpu(a)\n"                  // 10 unknown function
        "  - name: app_order_seconds\n"      // 11
        "    type: duration\n"               // 12
        "    key: order_id\n"                // 13
        "    start: event == \"created\"\n"  // 14
        "    end: event === \"shipped\"\n"   // 15 syntax error
        "    timeout: 1h\n");
  auto r = Run("--config.file=block.yml --check-config");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("block.yml:10:7: metrics[0].when: unknown function \"lookpu\""));
  EXPECT_THAT(r.err, HasSubstr("block.yml:15:"));
  EXPECT_THAT(r.err, HasSubstr("metrics[1].end: "));
}

TEST_F(ExporterCliTest, ValidConfigChecksClean) {
  Write("ok.yml",
        "sources:\n  - name: in\n    stdin: {}\n    format: logfmt\n"
        "metrics:\n  - name: app_lines_total\n    type: counter\n    labels: {level: level}\n");
  auto r = Run("--config.file=ok.yml --check-config");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(ExporterCliTest, OneShotCountsStdinAndPrintsExposition) {
  Write("ok.yml",
        "sources:\n  - name: in\n    stdin: {}\n    format: logfmt\n"
        "metrics:\n  - name: app_lines_total\n    type: counter\n    labels: {level: level}\n"
        "  - name: app_latency_seconds\n    type: histogram\n    value: ms / 1000\n"
        "    buckets: [0.1, 1]\n    when: exists(ms)\n");
  auto r = Run("--config.file=ok.yml --one-shot",
               "level=info ms=50\nlevel=error msg=\"boom \\\"quoted\\\"\" ms=2000\r\n"
               "level=info\n=broken\nlevel=warn ms=abc");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lint = testing::RunShell("promtool check metrics", r.out);
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  auto parsed = testing::ParsedExposition::Parse(r.out);
  double v = 0;
  ASSERT_TRUE(parsed.Find("app_lines_total{level=\"info\"}", &v)) << r.out;
  EXPECT_EQ(v, 2);
  ASSERT_TRUE(parsed.Find("app_lines_total{level=\"error\"}", &v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(parsed.Find("app_lines_total{level=\"warn\"}", &v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(parsed.Find("app_latency_seconds_count", &v));
  EXPECT_EQ(v, 2);
  ASSERT_TRUE(parsed.Find("app_latency_seconds_bucket{le=\"0.1\"}", &v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(parsed.Find("bam_exporter_lines_read_total{source=\"in\"}", &v));
  EXPECT_EQ(v, 5);
  ASSERT_TRUE(
      parsed.Find("bam_exporter_lines_rejected_total{source=\"in\",reason=\"parse_error\"}", &v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(
      parsed.Find("bam_exporter_lines_rejected_total{source=\"in\",reason=\"bad_value\"}", &v));
  EXPECT_EQ(v, 1);
}

}  // namespace
}  // namespace bam
