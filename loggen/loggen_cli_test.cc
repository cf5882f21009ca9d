// The bam-loggen command line: usage errors exit 2 with a clear message, I/O errors exit 1, stdout
// output, and a short real-time run. Runs the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "loggen/testing/log_count.h"
#include "tests/testing/process.h"

namespace bam::loggen {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class LoggenCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_loggen_cli_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  bam::testing::ProcessResult Run(const std::string& args) {
    return bam::testing::RunShell("cd '" + dir_.string() + "' && '" + BAM_BIN_DIR +
                                  "/bam-loggen' " + args);
  }
  fs::path dir_;
};

TEST_F(LoggenCliTest, UsageErrorsExitTwoWithAClearMessage) {
  const std::string ok = "--seed=1 --start=2025-11-03T00:00:00Z --duration=1h --out=x.log ";
  struct Case {
    std::string args;
    std::string message;
  } cases[] = {
      {ok + "--scenario=payment_outgae@+5m/10m",
       "bam-loggen: --scenario=payment_outgae@+5m/10m: unknown scenario \"payment_outgae\"\n\tTry "
       "payment_outage\n"},
      {ok + "--scenario=payment_outage@+5m",
       "--scenario=payment_outage@+5m: expected NAME@TIME/DURATION"},
      {ok + "--scenario=payment_outage@+5m/soon", "bad duration \"soon\""},
      {ok + "--scenario=traffic_drop@+2h/10m", "is outside the log"},
      {"--seed=1 --duration=1h --out=x.log", "--start is required in backfill mode"},
      {"--seed=1 --start=2025-11-03T00:00:00Z --out=x.log",
       "--duration is required in backfill mode"},
      {ok + "--sead=3", "unknown flag --sead\n\tTry --seed"},
      {ok + "--format=xml", "--format: unknown format \"xml\""},
      {ok + "--mode=fast", "--mode: unknown mode \"fast\""},
      {ok + "--rotate=rename", "--rotate needs a positive --rotate-mb"},
      {ok + "--scale=0", "--scale: expected a number in (0, 1000]"},
      {"--seed=1 --start=2025-11-03T00:00:00Z --duration=1h", "no output"},
      {ok + "--seed=-1", "--seed: not an unsigned integer"},
  };
  for (const auto& c : cases) {
    auto r = Run(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.args;
  }
}

TEST_F(LoggenCliTest, HelpVersionAndIoErrors) {
  auto help = Run("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--scenario=NAME@RFC3339/DURATION"));
  auto version = Run("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("bam-loggen "));
  auto io = Run("--seed=1 --start=2025-11-03T00:00:00Z --duration=1h --out=/nonexistent/dir/x.log");
  EXPECT_EQ(io.exit_code, 1);
  EXPECT_THAT(io.err, HasSubstr("cannot open /nonexistent/dir/x.log"));
}

TEST_F(LoggenCliTest, StdoutCarriesTheWholeLog) {
  auto r =
      Run("--seed=4 --start=2025-11-03T12:00:00Z --duration=2h --out=- --truth=t.json --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto truth = nlohmann::json::parse(testing::ReadFile((dir_ / "t.json").string()));
  testing::LogCount c = testing::CountJsonLines(r.out);
  EXPECT_EQ(c.lines, truth.at("lines").get<uint64_t>());
  EXPECT_EQ(c.revenue_cents, truth.at("revenue_completed_cents").get<int64_t>());
  EXPECT_EQ(truth.at("run").at("start"), "2025-11-03T12:00:00.000Z");
  EXPECT_EQ(truth.at("run").at("end"), "2025-11-03T14:00:00.000Z");
}

// The line count of a real-time run is set by the simulated clock, so it is checked exactly to 2%
// even on a loaded machine; the wall-clock pace is checked by the slow loggen_rate_test.
TEST_F(LoggenCliTest, RealtimeShortRunWritesItsRateAndTruth) {
  auto r =
      Run("--seed=4 --mode=realtime --rate=5000 --duration=2s --out=rt.log --truth=rt.json "
          "--scenario=payment_outage@+1s/1s");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("lines/s (target 5000)"));
  auto truth = nlohmann::json::parse(testing::ReadFile((dir_ / "rt.json").string()));
  testing::LogCount c = testing::CountJsonLines(testing::ReadFile((dir_ / "rt.log").string()));
  EXPECT_EQ(c.lines, truth.at("lines").get<uint64_t>());
  EXPECT_NEAR(static_cast<double>(c.lines), 10000.0, 200.0);
  EXPECT_EQ(truth.at("run").at("mode"), "realtime");
  EXPECT_EQ(truth.at("incidents").size(), 1u);
}

}  // namespace
}  // namespace bam::loggen
