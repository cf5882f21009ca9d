// File output: rotation by rename and by copytruncate keeps every line, whole, in order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "loggen/output.h"
#include "loggen/testing/in_process.h"
#include "loggen/testing/log_count.h"

namespace bam::loggen {
namespace {

namespace fs = std::filesystem;

class FileOutputTest : public ::testing::TestWithParam<Rotation> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_loggen_file_" + std::to_string(getpid()) + "_" +
                                        std::to_string(static_cast<int>(GetParam())));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The rotated files oldest first, then the live file, concatenated; *files gets their count.
  std::string ReadAll(const std::string& path, int* files, uint64_t* largest) {
    int n = 0;
    while (fs::exists(path + "." + std::to_string(n + 1))) ++n;
    std::string all;
    *largest = 0;
    for (int i = n; i >= 0; --i) {
      std::string part = testing::ReadFile(i == 0 ? path : path + "." + std::to_string(i));
      EXPECT_TRUE(part.empty() || part.back() == '\n') << "file " << i << " ends inside a line";
      *largest = std::max<uint64_t>(*largest, part.size());
      all += part;
    }
    *files = n + 1;
    return all;
  }

  fs::path dir_;
};

TEST_P(FileOutputTest, SmallWritesRotateAtLineBoundaries) {
  const std::string path = (dir_ / "x.log").string();
  std::string error;
  auto out = OpenFileOutput({path, GetParam(), 100}, &error);
  ASSERT_NE(out, nullptr) << error;
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    std::string line =
        "line " + std::to_string(i) + std::string(static_cast<size_t>(i % 7) * 5, '.') + "\n";
    expected += line;
    ASSERT_TRUE(out->Write(line).ok());
  }
  ASSERT_TRUE(out->Close().ok());
  int files = 0;
  uint64_t largest = 0;
  EXPECT_EQ(ReadAll(path, &files, &largest), expected);
  EXPECT_GT(files, 10);
  EXPECT_LE(largest, 100u);
}

TEST_P(FileOutputTest, GeneratedLogRotatedAddsUpToTheTruth) {
  const std::string path = (dir_ / "shop.log").string();
  std::string error;
  auto rotated = OpenFileOutput({path, GetParam(), 512 * 1024}, &error);
  ASSERT_NE(rotated, nullptr) << error;
  const std::vector<std::string> flags = {"--seed=5", "--start=2025-11-04T10:00:00Z",
                                          "--duration=3h", "--out=unused",
                                          "--scenario=payment_outage@+1h/1h"};
  nlohmann::json truth = testing::RunBackfill(flags, rotated.get());
  auto plain = OpenFileOutput({(dir_ / "plain.log").string(), Rotation::kNone, 0}, &error);
  testing::RunBackfill(flags, plain.get());

  int files = 0;
  uint64_t largest = 0;
  const std::string all = ReadAll(path, &files, &largest);
  EXPECT_GT(files, 3);
  EXPECT_LE(largest, 512u * 1024);
  EXPECT_TRUE(all == testing::ReadFile((dir_ / "plain.log").string()));
  testing::LogCount c = testing::CountJsonLines(all);
  EXPECT_EQ(c.lines, truth.at("lines").get<uint64_t>());
  EXPECT_EQ(c.revenue_cents, truth.at("revenue_completed_cents").get<int64_t>());
}

INSTANTIATE_TEST_SUITE_P(Rotations, FileOutputTest,
                         ::testing::Values(Rotation::kRename, Rotation::kCopyTruncate),
                         [](const ::testing::TestParamInfo<Rotation>& p) {
                           return p.param == Rotation::kRename ? std::string("Rename")
                                                               : std::string("CopyTruncate");
                         });

}  // namespace
}  // namespace bam::loggen
