// Scenario: deletion and re-creation. A deleted file stays readable through the open descriptor:
// the tailer reads it to its end (including writes after the unlink), drops it once idle for a
// rescan interval, and reads a file re-created at the path from its first byte, whatever start_at.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "exporter/sources/file_tailer.h"
#include "exporter/sources/tailer_test_util.h"

namespace bam::exporter::testing {
namespace {

using TailerDeletionTest = TailerTest;

TEST_F(TailerDeletionTest, DeletedFileReadToItsEndThenRecreatedFileFromItsStart) {
  const std::string log = Path("app.log");
  Append(log, Numbered("pre", 0, 2));  // present at start with start_at: end -> skipped
  FileTailer tailer(FileSource({log}, StartAt::kEnd), nullptr, nullptr, ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;

  std::ofstream writer(log, std::ios::binary | std::ios::app);
  writer << Numbered("a", 0, 5) << std::flush;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 5; }));

  ASSERT_TRUE(std::filesystem::remove(log));
  writer << Numbered("a", 5, 3) << std::flush;  // written to the deleted file
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 8; }));
  Tick();  // rescan: the path is gone
  ASSERT_TRUE(WaitFor([&] { return HasInput(tailer, log + " (rotated)"); }));
  writer << Numbered("a", 8, 2) << std::flush;  // still read while not yet dropped
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 10; }));
  Tick();  // idle for a rescan interval: dropped
  ASSERT_TRUE(WaitFor([&] { return tailer.Status().inputs.empty(); }));
  writer.close();

  Append(log, Numbered("b", 0, 4));  // re-created: new data, read from byte 0
  Tick();
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 14; }));
  tailer.Stop();

  std::vector<std::string> expected = NumberedLines("a", 0, 10);
  for (const auto& l : NumberedLines("b", 0, 4)) expected.push_back(l);
  EXPECT_EQ(sink.Lines(), expected);
}

}  // namespace
}  // namespace bam::exporter::testing
