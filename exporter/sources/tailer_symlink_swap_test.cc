// Scenario: symlink swap. The configured path is a symlink that is atomically repointed to a new
// file (a deploy switching `current.log`). The identity behind the path changes, so this is a
// rotation: the old target is read to its end through its descriptor, the new one from byte 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "exporter/sources/file_tailer.h"
#include "exporter/sources/tailer_test_util.h"

namespace bam::exporter::testing {
namespace {

using TailerSymlinkSwapTest = TailerTest;

TEST_F(TailerSymlinkSwapTest, RepointedSymlinkIsARotation) {
  const std::string link = Path("current.log");
  Append(Path("v1.log"), Numbered("one", 0, 3));
  ASSERT_EQ(::symlink("v1.log", link.c_str()), 0);
  FileTailer tailer(FileSource({link}, StartAt::kBeginning), nullptr, nullptr, ClockedOptions());
  CollectingSink sink;
  std::string error;
  ASSERT_TRUE(tailer.Start(&sink, &error)) << error;
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 3; }));

  Append(Path("v2.log"), Numbered("two", 0, 4));
  ASSERT_EQ(::symlink("v2.log", Path("current.log.tmp").c_str()), 0);
  ASSERT_EQ(std::rename(Path("current.log.tmp").c_str(), link.c_str()), 0);  // atomic swap
  Append(Path("v1.log"), Numbered("one", 3, 2));  // the old target still gets writes
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 5; }));

  Tick();  // rescan: the link resolves to another file
  ASSERT_TRUE(WaitFor([&] { return sink.Count() == 9 && HasInput(tailer, link + " (rotated)"); }));
  Tick();
  ASSERT_TRUE(WaitFor([&] { return !HasInput(tailer, link + " (rotated)"); }));
  tailer.Stop();

  std::vector<std::string> expected = NumberedLines("one", 0, 5);
  for (const auto& l : NumberedLines("two", 0, 4)) expected.push_back(l);
  EXPECT_EQ(sink.Lines(), expected);
  ASSERT_EQ(tailer.Status().inputs.size(), 1u);
  EXPECT_EQ(tailer.Status().inputs[0].name, link);
}

}  // namespace
}  // namespace bam::exporter::testing
