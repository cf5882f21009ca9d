// Scenario: copytruncate. logrotate copies the file and truncates it in place; the writer (opened
// with O_APPEND) continues at the new end. The tailer sees a size below its offset and restarts at
// byte 0. Truncation is normal operation: logged at info, not counted as a source error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "exporter/sources/file_tailer.h"
#include "exporter/sources/positions_file.h"
#include "exporter/sources/tailer_test_util.h"
#include "exporter/store/self_metrics.h"

namespace bam::exporter::testing {
namespace {

using TailerCopytruncateTest = TailerTest;

FileIdentity IdOf(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

TEST_F(TailerCopytruncateTest, TruncatedFileIsReadAgainFromItsStart) {
  const std::string log = Path("app.log");
  std::ofstream writer(log, std::ios::binary | std::ios::app);  // O_APPEND, like a logger
  writer << Numbered("before", 0, 10) << std::flush;
  PositionsFile positions(Path("positions.json"));
  prometheus::Registry registry;
  SelfMetrics metrics(registry, "test");
  FileTailer tailer(FileSource({log}, StartAt::kBeginning), &positions, &metrics, FastOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 10; }));

  std::filesystem::copy_file(log, Path("app.log.1"));
  std::filesystem::resize_file(log, 0);
  writer << Numbered("after", 0, 3) << std::flush;  // shorter than what was there
  const uint64_t size_after = std::filesystem::file_size(log);
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 13; }));
  ASSERT_TRUE(WaitFor([&] { return positions.Get("test", IdOf(log)) == size_after; }));
  tailer.Stop();

  std::vector<std::string> expected = NumberedLines("before", 0, 10);
  for (const auto& l : NumberedLines("after", 0, 3)) expected.push_back(l);
  EXPECT_EQ(sink.Lines(), expected);
  ASSERT_EQ(tailer.Status().inputs.size(), 1u);
  EXPECT_EQ(tailer.Status().inputs[0].offset, size_after);
  EXPECT_EQ(tailer.Status().inputs[0].last_error, "");
  EXPECT_EQ(metrics.SourceError("test", "truncated").Value(), 0);
}

TEST_F(TailerCopytruncateTest, TruncationToEmptyThenNothingWrittenDeliversNothingMore) {
  const std::string log = Path("app.log");
  Append(log, Numbered("before", 0, 4));
  PositionsFile positions(Path("positions.json"));
  FileTailer tailer(FileSource({log}, StartAt::kBeginning), &positions, nullptr, FastOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 4; }));

  std::filesystem::resize_file(log, 0);
  ASSERT_TRUE(WaitFor([&] { return positions.Get("test", IdOf(log)) == 0u; }));
  Append(log, Numbered("after", 0, 1));
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 5; }));
  tailer.Stop();
  EXPECT_EQ(WithPrefix(sink.Lines(), "after"), NumberedLines("after", 0, 1));
  EXPECT_EQ(sink.Count(), 5u);
}

}  // namespace
}  // namespace bam::exporter::testing
