// Scenario: restart. A file known to the positions file resumes at its stored offset (start_at is
// ignored for it); a file truncated while we were down restarts at 0; a file rotated away while we
// were down is found by identity in its directory and read to its end, and the file that replaced
// it at the path is read from byte 0; a known file that is gone is forgotten.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "exporter/sources/file_tailer.h"
#include "exporter/sources/positions_file.h"
#include "exporter/sources/tailer_test_util.h"

namespace bam::exporter::testing {
namespace {

class TailerRestartPositionsTest : public TailerTest {
 protected:
  // One run of the exporter: load positions, tail until `until` holds, stop (flushing positions).
  std::vector<std::string> Run(StartAt start_at, size_t expected_lines, bool tick_twice = false) {
    PositionsFile positions(Path("positions.json"));
    std::string error;
    EXPECT_TRUE(positions.Load(&error)) << error;
    FileTailer tailer(FileSource({Path("app.log")}, start_at), &positions, nullptr,
                      ClockedOptions());
    CollectingSink sink;
    EXPECT_TRUE(tailer.Start(&sink, &error)) << error;
    EXPECT_TRUE(WaitFor([&] { return sink.Count() == expected_lines; }));
    if (tick_twice) {  // let a rotated file be dropped
      Tick();
      Tick();
      EXPECT_TRUE(WaitFor([&] { return tailer.Status().inputs.size() == 1; }));
    }
    tailer.Stop();
    return sink.Lines();
  }
  std::vector<PositionEntry> Stored() {
    PositionsFile positions(Path("positions.json"));
    std::string error;
    EXPECT_TRUE(positions.Load(&error)) << error;
    return positions.Entries("test");
  }
};

TEST_F(TailerRestartPositionsTest, ResumesAtTheStoredOffset) {
  Append(Path("app.log"), Numbered("a", 0, 5));
  EXPECT_EQ(Run(StartAt::kBeginning, 5), NumberedLines("a", 0, 5));
  Append(Path("app.log"), Numbered("a", 5, 3));
  EXPECT_EQ(Run(StartAt::kBeginning, 3), NumberedLines("a", 5, 3));  // not 8: resumed
  Append(Path("app.log"), Numbered("a", 8, 1));
  EXPECT_EQ(Run(StartAt::kEnd, 1), NumberedLines("a", 8, 1));  // not 0: resumed
  auto stored = Stored();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].path, Path("app.log"));
  EXPECT_EQ(stored[0].offset, std::filesystem::file_size(Path("app.log")));
}

TEST_F(TailerRestartPositionsTest, TruncatedWhileStoppedRestartsAtZero) {
  Append(Path("app.log"), Numbered("a", 0, 5));
  EXPECT_EQ(Run(StartAt::kBeginning, 5), NumberedLines("a", 0, 5));
  std::filesystem::resize_file(Path("app.log"), 0);  // same inode, smaller than the offset
  Append(Path("app.log"), Numbered("c", 0, 2));
  EXPECT_EQ(Run(StartAt::kEnd, 2), NumberedLines("c", 0, 2));
}

TEST_F(TailerRestartPositionsTest, RotatedWhileStoppedReadsTheRestThenTheNewFile) {
  Append(Path("app.log"), Numbered("a", 0, 5));
  EXPECT_EQ(Run(StartAt::kBeginning, 5), NumberedLines("a", 0, 5));
  Append(Path("app.log"), Numbered("a", 5, 2));  // written after the stop ...
  ASSERT_EQ(std::rename(Path("app.log").c_str(), Path("app.log.1").c_str()), 0);  // ... rotated
  Append(Path("app.log"), Numbered("b", 0, 4));  // the new file, before we came back
  std::vector<std::string> expected = NumberedLines("a", 5, 2);
  for (const auto& l : NumberedLines("b", 0, 4)) expected.push_back(l);
  // start_at: end would skip b-0..b-3, but app.log replaced a file we were reading: all new.
  EXPECT_EQ(Run(StartAt::kEnd, 6, /*tick_twice=*/true), expected);
  auto stored = Stored();
  ASSERT_EQ(stored.size(), 1u);  // the rotated file was finished and forgotten
  EXPECT_EQ(stored[0].path, Path("app.log"));
  EXPECT_EQ(stored[0].offset, std::filesystem::file_size(Path("app.log")));
}

TEST_F(TailerRestartPositionsTest, RotatedTwiceWhileStoppedAlsoReadsTheFileInBetween) {
  // bam-loggen's scheme: app.log -> app.log.1 -> app.log.2 ...
  auto rotate = [&] {
    for (int i = 2; i >= 1; --i) {
      std::string from = Path("app.log." + std::to_string(i));
      if (std::filesystem::exists(from)) {
        std::filesystem::rename(from, Path("app.log." + std::to_string(i + 1)));
      }
    }
    std::filesystem::rename(Path("app.log"), Path("app.log.1"));
  };
  Append(Path("app.log.1"), Numbered("ancient", 0, 3));  // rotated before the first run: not ours
  Append(Path("app.log"), Numbered("a", 0, 5));
  EXPECT_EQ(Run(StartAt::kBeginning, 5), NumberedLines("a", 0, 5));
  Append(Path("app.log"), Numbered("a", 5, 2));
  rotate();
  Append(Path("app.log"), Numbered("m", 0, 3));  // created and rotated while we were down
  rotate();
  Append(Path("app.log"), Numbered("b", 0, 4));
  Append(Path("app.log.gz"), "\x1f\x8b binary\n");  // compressed rotations are never read
  // File timestamps are as coarse as a kernel tick: state explicitly which files were written
  // after the last save (the positions file's mtime) and which before.
  const auto saved = std::filesystem::last_write_time(Path("positions.json"));
  std::filesystem::last_write_time(Path("app.log.3"), saved - std::chrono::hours(1));    // ancient
  std::filesystem::last_write_time(Path("app.log.1"), saved + std::chrono::seconds(1));  // m
  std::filesystem::last_write_time(Path("app.log.gz"), saved + std::chrono::seconds(1));

  PositionsFile positions(Path("positions.json"));
  std::string error;
  ASSERT_TRUE(positions.Load(&error)) << error;
  FileTailer tailer(FileSource({Path("app.log")}, StartAt::kEnd), &positions, nullptr,
                    ClockedOptions());
  CollectingSink sink;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 9; }));
  Tick();
  Tick();
  ASSERT_TRUE(WaitFor([&] { return tailer.Status().inputs.size() == 1; }));
  tailer.Stop();
  std::vector<std::string> expected = NumberedLines("a", 5, 2);
  for (const auto& l : NumberedLines("m", 0, 3)) expected.push_back(l);
  for (const auto& l : NumberedLines("b", 0, 4)) expected.push_back(l);
  EXPECT_EQ(sink.Lines(), expected);
}

TEST_F(TailerRestartPositionsTest, KnownFileThatIsGoneIsForgotten) {
  Append(Path("app.log"), Numbered("a", 0, 2));
  EXPECT_EQ(Run(StartAt::kBeginning, 2), NumberedLines("a", 0, 2));
  std::filesystem::remove(Path("app.log"));
  EXPECT_EQ(Run(StartAt::kEnd, 0), std::vector<std::string>{});
  EXPECT_TRUE(Stored().empty());
}

}  // namespace
}  // namespace bam::exporter::testing
