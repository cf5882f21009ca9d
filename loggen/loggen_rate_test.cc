// Slow (label "slow", ~65 s): bam-loggen --mode=realtime --rate=20000 holds its rate within 2% for
// a minute, measured from outside by counting the lines that reach the output file every second.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <thread>

namespace bam::loggen {
namespace {

namespace fs = std::filesystem;

TEST(LoggenRateTest, RealtimeHolds20000LinesPerSecondWithinTwoPercentForAMinute) {
  constexpr double kRate = 20000;
  const fs::path dir = fs::temp_directory_path() / ("bam_loggen_rate_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string out = (dir / "rt.log").string();
  const std::string bin = std::string(BAM_BIN_DIR) + "/bam-loggen";
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    std::string o = "--out=" + out;
    execl(bin.c_str(), "bam-loggen", "--seed=1", "--mode=realtime", "--rate=20000",
          "--duration=60s", o.c_str(), "--quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  // Count newlines as they arrive.
  int fd = -1;
  uint64_t lines = 0;
  char buf[1 << 16];
  double worst = 0;
  auto count = [&] {
    if (fd < 0) fd = open(out.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; ++i) lines += buf[i] == '\n';
    }
  };
  for (int second = 1; second <= 60; ++second) {
    std::this_thread::sleep_until(t0 + std::chrono::seconds(second));
    count();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (second >= 5) {  // after the process has started and written its first batches
      const double error =
          std::fabs(static_cast<double>(lines) - kRate * elapsed) / (kRate * elapsed);
      worst = std::max(worst, error);
      EXPECT_LT(error, 0.02) << "after " << elapsed << " s: " << lines << " lines";
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  count();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NEAR(static_cast<double>(lines), kRate * 60, kRate * 60 * 0.02);
  std::printf(
      "realtime: %llu lines in %.2f s = %.1f lines/s; worst deviation from 20000 * t: %.2f%%\n",
      static_cast<unsigned long long>(lines), elapsed, static_cast<double>(lines) / elapsed,
      worst * 100);
  if (fd >= 0) close(fd);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bam::loggen
