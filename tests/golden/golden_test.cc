// Golden tests: {config, input, expected exposition} cases under tests/golden/, plus independent
// oracles (see tests/golden/README.md). Runs the real bam-exporter binary and the real promtool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/exposition.h"
#include "tests/testing/process.h"

namespace bam {
namespace {

namespace fs = std::filesystem;
using testing::ParsedExposition;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string FirstLine(const fs::path& p) {
  std::string s = ReadFile(p);
  return s.substr(0, s.find('\n'));
}

std::string DropBuildInfo(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.find("bam_exporter_build_info") != std::string::npos) continue;
    out += line + "\n";
  }
  return out;
}

std::vector<std::string> Cases() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(fs::path(BAM_SOURCE_DIR) / "tests/golden")) {
    if (e.is_directory()) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, MatchesExpectedExpositionAndOracles) {
  const fs::path dir = fs::path(BAM_SOURCE_DIR) / "tests/golden" / GetParam();
  fs::path config = dir / "config.yml";
  if (fs::exists(dir / "config_path")) config = dir / FirstLine(dir / "config_path");
  std::string cmd = "cd '" + dir.string() + "' && ";
  if (fs::exists(dir / "stdin")) {
    fs::path input = dir / FirstLine(dir / "stdin");
    ASSERT_TRUE(fs::exists(input)) << input;
    cmd += (input.extension() == ".gz" ? "gzip -dc '" : "cat '") + input.string() + "' | ";
  } else {
    cmd += "true | ";
  }
  cmd += std::string("'") + BAM_BIN_DIR + "/bam-exporter' --config.file='" + config.string() +
         "' --one-shot";
  testing::ProcessResult run = testing::RunShell(cmd);
  ASSERT_EQ(run.exit_code, 0) << cmd << "\n" << run.err;
  const std::string output = DropBuildInfo(run.out);

  // 1. promtool, the real consumer, accepts it.
  testing::ProcessResult lint = testing::RunShell("promtool check metrics", run.out);
  EXPECT_EQ(lint.exit_code, 0) << "promtool check metrics:\n" << lint.out << lint.err;

  // 2. Independent oracles.
  ParsedExposition parsed = ParsedExposition::Parse(output);
  if (fs::exists(dir / "oracle.txt")) {
    std::istringstream in(ReadFile(dir / "oracle.txt"));
    std::string line;
    int checked = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      size_t sp = line.rfind(' ');
      std::string what = line.substr(0, sp);
      double want = std::stod(line.substr(sp + 1));
      double got = 0;
      if (what.rfind("sum:", 0) == 0) {
        ASSERT_TRUE(parsed.Sum(what.substr(4), &got)) << "no series of " << what;
      } else {
        ASSERT_TRUE(parsed.Find(what, &got)) << "missing series " << what << "\n" << output;
      }
      EXPECT_NEAR(got, want, std::abs(want) * 1e-9 + 1e-9) << what;
      ++checked;
    }
    EXPECT_GT(checked, 0);
  }
  if (fs::exists(dir / "mtail_golden.txt")) {
    std::istringstream in(ReadFile(dir / "mtail_golden.txt"));
    std::string golden_file, line;
    std::getline(in, golden_file);
    std::map<std::string, std::string> renames;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string from, to;
      if (ls >> from >> to) renames[from] = to;
    }
    int checked = 0;
    for (const auto& entry : testing::ParseMtailGolden(ReadFile(dir / golden_file))) {
      std::string name = renames.count(entry.name) ? renames[entry.name] : entry.name;
      double got = 0;
      ASSERT_TRUE(parsed.FindLabels(name, entry.labels, &got))
          << "missing " << name << " for mtail's " << entry.name << "\n"
          << output;
      EXPECT_DOUBLE_EQ(got, entry.value) << entry.name;
      ++checked;
    }
    EXPECT_GT(checked, 0);
  }

  // 3. The golden file.
  const fs::path expected = dir / "expected.prom";
  if (std::getenv("BAM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected, std::ios::binary) << output;
    return;
  }
  ASSERT_TRUE(fs::exists(expected)) << "run with BAM_UPDATE_GOLDEN=1 to create " << expected;
  EXPECT_EQ(output, ReadFile(expected)) << "golden mismatch in " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Cases, GoldenTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace bam
