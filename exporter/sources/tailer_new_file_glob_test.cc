// Scenario: a new file matching the glob. Globs are re-expanded every rescan; a file that appears
// after Start() is new data and is read from byte 0, whatever start_at says. start_at only decides
// where files already there at Start() (and unknown to the positions file) begin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "exporter/sources/file_tailer.h"
#include "exporter/sources/tailer_test_util.h"

namespace bam::exporter::testing {
namespace {

using TailerNewFileGlobTest = TailerTest;

TEST_F(TailerNewFileGlobTest, FileCreatedWhileRunningIsReadFromItsStart) {
  Append(Path("a.log"), Numbered("a", 0, 3));  // there at Start, start_at: end -> skipped
  Append(Path("c.txt"), Numbered("c", 0, 3));  // does not match
  FileTailer tailer(FileSource({Path("*.log")}, StartAt::kEnd), nullptr, nullptr, ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  Append(Path("a.log"), Numbered("a", 3, 2));
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 2; }));

  Append(Path("b.log"), Numbered("b", 0, 4));
  Append(Path("d.txt"), Numbered("d", 0, 4));
  std::filesystem::create_directory(Path("e.log"));  // matches, but is not a regular file
  Tick();
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 6; }));
  Append(Path("b.log"), Numbered("b", 4, 1));
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 7; }));
  tailer.Stop();

  std::vector<std::string> lines = sink.Lines();
  EXPECT_EQ(lines.size(), 7u);
  EXPECT_EQ(WithPrefix(lines, "a"), NumberedLines("a", 3, 2));
  EXPECT_EQ(WithPrefix(lines, "b"), NumberedLines("b", 0, 5));
  EXPECT_EQ(tailer.Status().inputs.size(), 2u);
}

TEST_F(TailerNewFileGlobTest, StartAtBeginningReadsFilesPresentAtStartWhole) {
  Append(Path("a.log"), Numbered("a", 0, 3));
  Append(Path("b.log"), Numbered("b", 0, 2));
  FileTailer tailer(FileSource({Path("*.log")}, StartAt::kBeginning), nullptr, nullptr,
                    ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 5; }));
  tailer.Stop();
  std::vector<std::string> lines = sink.Lines();
  EXPECT_EQ(WithPrefix(lines, "a"), NumberedLines("a", 0, 3));
  EXPECT_EQ(WithPrefix(lines, "b"), NumberedLines("b", 0, 2));
}

TEST_F(TailerNewFileGlobTest, StartAtEndStartsAfterTheLastCompleteLine) {
  Append(Path("a.log"), "old-0\nold-1\nnew-");  // a line being written at Start
  FileTailer tailer(FileSource({Path("*.log")}, StartAt::kEnd), nullptr, nullptr, ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  Append(Path("a.log"), "0\nnew-1\n");
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 2; }));
  tailer.Stop();
  EXPECT_EQ(sink.Lines(), NumberedLines("new", 0, 2));
}

}  // namespace
}  // namespace bam::exporter::testing
