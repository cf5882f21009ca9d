#include "exporter/sources/oneshot_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace bam::exporter {
namespace {

using ::testing::ElementsAre;

struct Collect : LineSink {
  std::vector<std::string> lines;
  void OnLine(std::string_view line) override { lines.emplace_back(line); }
  void OnTooLong() override {}
};

class OneshotReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bam_oneshot_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::filesystem::path dir_;
};

TEST_F(OneshotReaderTest, ExpandsGlobsSortedAndDeduplicated) {
  Write("b.log", "");
  Write("a.log", "");
  Write("c.txt", "");
  std::vector<std::string> unmatched;
  auto files = ExpandGlobs(
      {(dir_ / "*.log").string(), (dir_ / "a.log").string(), (dir_ / "none*.log").string()},
      &unmatched);
  EXPECT_THAT(files, ElementsAre((dir_ / "a.log").string(), (dir_ / "b.log").string()));
  EXPECT_THAT(unmatched, ElementsAre((dir_ / "none*.log").string()));
}

TEST_F(OneshotReaderTest, ReadsWholeFileIncludingUnterminatedLastLine) {
  std::string big(3 << 20, 'x');  // spans several read chunks
  Write("in.log", "first\r\n" + big + "\nlast");
  Collect c;
  EXPECT_EQ(ReadFileLines((dir_ / "in.log").string(), 8 << 20, &c), 0);
  ASSERT_EQ(c.lines.size(), 3u);
  EXPECT_EQ(c.lines[0], "first");
  EXPECT_EQ(c.lines[1].size(), big.size());
  EXPECT_EQ(c.lines[2], "last");
}

TEST_F(OneshotReaderTest, MissingFileReturnsErrno) {
  Collect c;
  EXPECT_EQ(ReadFileLines((dir_ / "absent.log").string(), 100, &c), ENOENT);
}

}  // namespace
}  // namespace bam::exporter
