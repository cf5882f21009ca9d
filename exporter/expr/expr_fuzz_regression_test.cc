// Replays the fuzz_expr property on the seed corpus and on every input the fuzzer found a crash
// with, so they stay fixed in builds without libFuzzer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "exporter/expr/testing/expr_fuzz_check.h"

namespace bam::exporter::testing {
namespace {

TEST(ExprFuzzRegressionTest, SeedCorpusHoldsTheProperty) {
  std::filesystem::path dir = std::filesystem::path(BAM_SOURCE_DIR) / "tests/fuzz/corpus/fuzz_expr";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(CheckExprProperty(text.str()), "") << entry.path();
    ++files;
  }
  EXPECT_GE(files, 20);
}

TEST(ExprFuzzRegressionTest, DeepNestingIsAnErrorNotAStackOverflow) {
  EXPECT_EQ(CheckExprProperty(std::string(100000, '(')), "");
  EXPECT_EQ(CheckExprProperty(std::string(100000, '-') + "1"), "");
  EXPECT_EQ(CheckExprProperty(std::string(256, '(') + "a" + std::string(256, ')')), "");
}

}  // namespace
}  // namespace bam::exporter::testing
