// Test helpers shared by the tailer scenario tests: a collecting sink, a deadline wait, a
// temporary directory, a fake clock and file-writing shortcuts. Test-only; not part of the library.
// CollectingSink and FakeClock are thread-safe; the rest is used from the test thread only.
#ifndef BAM_EXPORTER_SOURCES_TAILER_TEST_UTIL_H_
#define BAM_EXPORTER_SOURCES_TAILER_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exporter/config/config.h"
#include "exporter/sources/file_tailer.h"
#include "exporter/sources/line_splitter.h"

namespace bam::exporter::testing {

class CollectingSink : public LineSink {
 public:
  void OnLine(std::string_view line) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.emplace_back(line);
  }
  void OnTooLong() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++too_long_;
  }
  std::vector<std::string> Lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }
  size_t Count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  size_t too_long_ = 0;
};

// Polls `done` until it holds or `deadline` passes; returns its last value. The short sleep is
// the polling period, not a synchronisation: correctness never depends on its length.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Manually advanced clock for FileTailerOptions::now / PositionsFileOptions::now.
class FakeClock {
 public:
  std::chrono::steady_clock::time_point Now() const {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(ms_.load()));
  }
  void Advance(std::chrono::milliseconds d) { ms_ += d.count(); }
  std::function<std::chrono::steady_clock::time_point()> Fn() {
    return [this] { return Now(); };
  }

 private:
  std::atomic<int64_t> ms_{1'000'000};
};

// A fresh directory per test, removed afterwards.
class TailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bam_tailer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static void Append(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::app) << text;
  }
  // "prefix-first\n" ... "prefix-(first+n-1)\n"
  static std::string Numbered(const std::string& prefix, int first, int n) {
    std::string out;
    for (int i = first; i < first + n; ++i) out += prefix + "-" + std::to_string(i) + "\n";
    return out;
  }
  static std::vector<std::string> NumberedLines(const std::string& prefix, int first, int n) {
    std::vector<std::string> out;
    for (int i = first; i < first + n; ++i) out.push_back(prefix + "-" + std::to_string(i));
    return out;
  }
  // The lines of `all` starting with `prefix` + "-", in delivery order.
  static std::vector<std::string> WithPrefix(const std::vector<std::string>& all,
                                             const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& l : all) {
      if (l.rfind(prefix + "-", 0) == 0) out.push_back(l);
    }
    return out;
  }

  static SourceConfig FileSource(std::vector<std::string> globs, StartAt start_at) {
    SourceConfig s;
    s.name = "test";
    s.kind = SourceKind::kFile;
    s.file.paths = std::move(globs);
    s.file.start_at = start_at;
    return s;
  }
  // Short intervals so scenarios settle in milliseconds.
  static FileTailerOptions FastOptions() {
    FileTailerOptions o;
    o.poll_interval = std::chrono::milliseconds(2);
    o.rescan_interval = std::chrono::milliseconds(10);
    return o;
  }
  // FastOptions driven by clock_: rescans (and drops of rotated files) happen only on Tick().
  FileTailerOptions ClockedOptions() {
    FileTailerOptions o = FastOptions();
    o.now = clock_.Fn();
    return o;
  }
  void Tick() { clock_.Advance(std::chrono::milliseconds(10)); }

  static bool HasInput(const FileTailer& t, const std::string& name) {
    for (const auto& in : t.Status().inputs) {
      if (in.name == name) return true;
    }
    return false;
  }

  std::filesystem::path dir_;
  FakeClock clock_;
};

}  // namespace bam::exporter::testing

#endif  // BAM_EXPORTER_SOURCES_TAILER_TEST_UTIL_H_
