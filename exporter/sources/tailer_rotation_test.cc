// Scenario: rotation by rename-and-create (logrotate's default). The old file is followed by
// identity and read to its end, including what the writer appends after the rename; the new file
// at the path is read from its first byte; the old one is dropped once idle for a rescan interval.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "exporter/sources/file_tailer.h"
#include "exporter/sources/tailer_test_util.h"

namespace bam::exporter::testing {
namespace {

using TailerRotationTest = TailerTest;

TEST_F(TailerRotationTest, OldFileReadToItsEndThenNewFileFromItsStart) {
  const std::string log = Path("app.log");
  Append(log, Numbered("old", 0, 100));
  FileTailer tailer(FileSource({log}, StartAt::kBeginning), nullptr, nullptr, ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 100; }));

  // The writer keeps its descriptor across the rename, as a process does until it reopens.
  std::ofstream writer(log, std::ios::binary | std::ios::app);
  writer << Numbered("old", 100, 50) << std::flush;
  ASSERT_EQ(std::rename(log.c_str(), Path("app.log.1").c_str()), 0);
  writer << Numbered("old", 150, 10) << std::flush;
  Append(log, Numbered("new", 0, 20));
  // Before any rescan the open descriptor still delivers the old file's new lines.
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 160; }));

  Tick();  // rescan: the path now names another file
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 180 && HasInput(tailer, log + " (rotated)"); }));
  writer << Numbered("old", 160, 5) << std::flush;  // a late write to the rotated file
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 185; }));

  Tick();  // idle for a rescan interval: the rotated file is dropped
  ASSERT_TRUE(WaitFor([&] { return !HasInput(tailer, log + " (rotated)"); }));
  tailer.Stop();

  std::vector<std::string> lines = sink.Lines();
  EXPECT_EQ(lines.size(), 185u);
  EXPECT_EQ(WithPrefix(lines, "old"), NumberedLines("old", 0, 165));
  EXPECT_EQ(WithPrefix(lines, "new"), NumberedLines("new", 0, 20));
  ASSERT_EQ(tailer.Status().inputs.size(), 1u);
  EXPECT_EQ(tailer.Status().inputs[0].name, log);
  EXPECT_EQ(tailer.Status().inputs[0].lines, 20u);
}

TEST_F(TailerRotationTest, UnreadRestOfOldFileComesBeforeAnyLineOfTheNewFile) {
  const std::string log = Path("app.log");
  Append(log, Numbered("old", 0, 10));
  FileTailer tailer(FileSource({log}, StartAt::kBeginning), nullptr, nullptr, ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 10; }));

  // Append, rotate and write the new file before the tailer can look: on its next rescan it must
  // still finish the old file first.
  std::ofstream writer(log, std::ios::binary | std::ios::app);
  ASSERT_EQ(std::rename(log.c_str(), Path("app.log.1").c_str()), 0);
  writer << Numbered("old", 10, 1000) << std::flush;
  Append(log, Numbered("new", 0, 7));
  Tick();
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 1017; }));
  tailer.Stop();

  std::vector<std::string> expected = NumberedLines("old", 0, 1010);
  for (const auto& l : NumberedLines("new", 0, 7)) expected.push_back(l);
  EXPECT_EQ(sink.Lines(), expected);
}

}  // namespace
}  // namespace bam::exporter::testing
