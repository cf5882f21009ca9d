// Scenario: permission denied. Each failed open is counted in
// bam_exporter_source_errors_total{kind="permission_denied"}, shown in Status, logged once (not
// on every retry), and retried on every rescan; once readable the file is read from byte 0 (it
// became readable after Start, so all of it is data we have not counted).
//
// The tests run as root, for whom chmod 000 denies nothing, so the denial is injected through the
// FileTailerOptions::open_file seam, the same call the tailer makes in production.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cerrno>
#include <mutex>

#include "exporter/sources/file_tailer.h"
#include "exporter/sources/tailer_test_util.h"
#include "exporter/store/self_metrics.h"

namespace bam::exporter::testing {
namespace {

using TailerPermissionDeniedTest = TailerTest;

TEST_F(TailerPermissionDeniedTest, CountedRetriedEachRescanThenReadOnceReadable) {
  const std::string log = Path("app.log");
  Append(log, Numbered("a", 0, 3));
  std::atomic<bool> deny{true};
  std::atomic<int> opens{0};
  std::mutex log_mu;
  std::vector<std::string> warnings;
  FileTailerOptions options = ClockedOptions();
  options.open_file = [&](const std::string& path) {
    ++opens;
    if (deny.load()) return -EACCES;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
  };
  options.log = [&](TailLogLevel level, std::string_view message) {
    std::lock_guard<std::mutex> lock(log_mu);
    if (level == TailLogLevel::kWarn) warnings.emplace_back(message);
  };
  prometheus::Registry registry;
  SelfMetrics metrics(registry, "test");
  prometheus::Counter& denied = metrics.SourceError("test", "permission_denied");
  FileTailer tailer(FileSource({log}, StartAt::kEnd), nullptr, &metrics, options);
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;  // not a start failure: retried

  EXPECT_EQ(denied.Value(), 1);
  SourceStatus status = tailer.Status();
  ASSERT_EQ(status.inputs.size(), 1u);
  EXPECT_EQ(status.inputs[0].name, log);
  EXPECT_EQ(status.inputs[0].last_error, "Permission denied");

  Tick();  // one rescan, one retry
  ASSERT_TRUE(WaitFor([&] { return denied.Value() == 2; }));
  Tick();
  ASSERT_TRUE(WaitFor([&] { return denied.Value() == 3; }));
  EXPECT_EQ(sink.Count(), 0u);
  EXPECT_EQ(opens.load(), 3);

  deny = false;
  Tick();
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 3; }));
  ASSERT_TRUE(WaitFor([&] { return tailer.Status().inputs.at(0).last_error.empty(); }));
  Append(log, Numbered("a", 3, 1));
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 4; }));
  tailer.Stop();

  EXPECT_EQ(sink.Lines(), NumberedLines("a", 0, 4));
  EXPECT_EQ(denied.Value(), 3);
  EXPECT_EQ(opens.load(), 4);
  std::lock_guard<std::mutex> lock(log_mu);
  ASSERT_EQ(warnings.size(), 1u);  // logged when the error appeared, not on every retry
  EXPECT_THAT(warnings[0], ::testing::HasSubstr("Permission denied"));
}

}  // namespace
}  // namespace bam::exporter::testing
