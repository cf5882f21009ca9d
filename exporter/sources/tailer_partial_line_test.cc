// Scenario: a partial last line. Bytes after the last newline are held, not delivered, and not
// covered by the recorded offset, until the newline arrives. A rotated-away file can get no more
// bytes once dropped, so its held partial line is delivered then. Stop() never delivers a held
// partial line: the next run reads it again, whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>

#include "exporter/sources/file_tailer.h"
#include "exporter/sources/positions_file.h"
#include "exporter/sources/tailer_test_util.h"

namespace bam::exporter::testing {
namespace {

using ::testing::ElementsAre;
using TailerPartialLineTest = TailerTest;

FileIdentity IdOf(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return FileIdentity{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

uint64_t Offset(const FileTailer& tailer) {
  auto inputs = tailer.Status().inputs;
  return inputs.empty() ? ~0ull : inputs[0].offset;
}

TEST_F(TailerPartialLineTest, HeldUntilItsNewlineAndNotCoveredByTheOffset) {
  const std::string log = Path("app.log");
  Append(log, "");
  PositionsFile positions(Path("positions.json"));
  FileTailer tailer(FileSource({log}, StartAt::kBeginning), &positions, nullptr, FastOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;

  Append(log, "first\nsec");
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 1 && Offset(tailer) == 6; }));
  EXPECT_EQ(positions.Get("test", IdOf(log)), 6u);
  Append(log, "o");
  Append(log, "nd\r\nthi");
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 2 && Offset(tailer) == 14; }));
  EXPECT_EQ(positions.Get("test", IdOf(log)), 14u);
  tailer.Stop();
  EXPECT_THAT(sink.Lines(), ElementsAre("first", "second"));
}

TEST_F(TailerPartialLineTest, PartialLineOfRotatedFileCompletedAfterTheRename) {
  const std::string log = Path("app.log");
  Append(log, "a-0\npart");
  FileTailer tailer(FileSource({log}, StartAt::kBeginning), nullptr, nullptr, ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 1; }));
  ASSERT_EQ(std::rename(log.c_str(), Path("app.log.1").c_str()), 0);
  Append(log, "b-0\n");
  Tick();
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 2; }));
  Append(Path("app.log.1"), "ial\n");  // the writer finishes its line in the old file
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 3; }));
  Tick();
  ASSERT_TRUE(WaitFor([&] { return tailer.Status().inputs.size() == 1; }));
  tailer.Stop();
  EXPECT_THAT(sink.Lines(), ElementsAre("a-0", "b-0", "partial"));
}

TEST_F(TailerPartialLineTest, PartialLineOfRotatedFileDeliveredWhenTheFileIsDropped) {
  const std::string log = Path("app.log");
  Append(log, "a-0\npart");
  FileTailer tailer(FileSource({log}, StartAt::kBeginning), nullptr, nullptr, ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 1; }));
  ASSERT_EQ(std::rename(log.c_str(), Path("app.log.1").c_str()), 0);
  Append(log, "b-0\n");
  Tick();  // rotation seen; "part" is still held: the writer may yet finish it
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 2 && HasInput(tailer, log + " (rotated)"); }));
  EXPECT_THAT(sink.Lines(), ElementsAre("a-0", "b-0"));
  Tick();  // idle for a rescan interval: no more bytes can come, deliver it
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 3; }));
  tailer.Stop();
  EXPECT_THAT(sink.Lines(), ElementsAre("a-0", "b-0", "part"));
}

TEST_F(TailerPartialLineTest, StopDoesNotDeliverItAndTheNextRunReadsItWhole) {
  const std::string log = Path("app.log");
  const std::string positions_path = Path("positions.json");
  Append(log, "x-0\nhalf");
  {
    PositionsFile positions(positions_path);
    FileTailer tailer(FileSource({log}, StartAt::kBeginning), &positions, nullptr, FastOptions());
    CollectingSink sink;
    std::string error;
    ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
    ASSERT_TRUE(WaitFor([&] { return sink.Count() == 1 && Offset(tailer) == 4; }));
    tailer.Stop();
    EXPECT_THAT(sink.Lines(), ElementsAre("x-0"));
  }
  Append(log, "-line\n");
  PositionsFile positions(positions_path);
  std::string error;
  ASSERT_TRUE(positions.Load(&error)) << error;
  EXPECT_EQ(positions.Get("test", IdOf(log)), 4u);
  FileTailer tailer(FileSource({log}, StartAt::kEnd), &positions, nullptr, FastOptions());
  CollectingSink sink;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 1 && Offset(tailer) == 14; }));
  tailer.Stop();
  EXPECT_THAT(sink.Lines(), ElementsAre("half-line"));
}

}  // namespace
}  // namespace bam::exporter::testing
