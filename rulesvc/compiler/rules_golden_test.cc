// Golden tests of the rule compiler, run through the real bam-rulesvc binary and the real
// promtool (see rulesvc/testdata/README.md):
//   forms/<case>/catalog.yml -> expected.rules.yml, `promtool check rules` clean, and
//     forms/<case>/promtool_test.yml (`promtool test rules`) passing against the generated file;
//   invalid/<case>.yml -> exit 1, stderr equal to invalid/<case>.err, nothing written.
// BAM_UPDATE_GOLDEN=1 rewrites expected.rules.yml and *.err from the current compiler.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/process.h"

namespace bam {
namespace {

namespace fs = std::filesystem;

const fs::path kTestdata = fs::path(BAM_SOURCE_DIR) / "rulesvc/testdata";
const std::string kRulesvc = std::string(BAM_BIN_DIR) + "/bam-rulesvc";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

bool Updating() {
  const char* u = std::getenv("BAM_UPDATE_GOLDEN");
  return u != nullptr && std::string(u) == "1";
}

std::vector<std::string> Entries(const fs::path& dir, bool dirs, const std::string& ext = "") {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (dirs ? e.is_directory() : e.path().extension() == ext) {
      names.push_back(dirs ? e.path().filename().string() : e.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("bam-rules-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

// Test names from case names: "drops-vs-7d" -> "drops_vs_7d".
std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class FormTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FormTest, CompilesToGoldenRulesThatPromtoolChecksAndTests) {
  const fs::path dir = kTestdata / "forms" / GetParam();
  const fs::path out = TempDir(GetParam());
  auto compile = testing::RunShell("cd " + Quote(dir) + " && " + kRulesvc +
                                   " compile --catalog=catalog.yml --out=" + Quote(out));
  ASSERT_EQ(compile.exit_code, 0) << compile.err;
  const std::string generated = ReadFile(out / "bam-rules.yml");
  if (Updating()) WriteFile(dir / "expected.rules.yml", generated);
  EXPECT_EQ(generated, ReadFile(dir / "expected.rules.yml"))
      << "BAM_UPDATE_GOLDEN=1 regenerates the golden file";

  auto check = testing::RunShell("promtool check rules " + Quote(out / "bam-rules.yml"));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

  ASSERT_TRUE(fs::exists(dir / "promtool_test.yml")) << "every form has promtool tests";
  fs::copy_file(dir / "promtool_test.yml", out / "promtool_test.yml");
  auto test = testing::RunShell("cd " + Quote(out) + " && promtool test rules promtool_test.yml");
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Forms, FormTest,
                         ::testing::ValuesIn(Entries(kTestdata / "forms", /*dirs=*/true)),
                         CaseName);

class InvalidTest : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidTest, ReportsEveryErrorAndWritesNothing) {
  const fs::path out = TempDir("invalid-" + GetParam());
  auto run = testing::RunShell("cd " + Quote(kTestdata) + " && " + kRulesvc +
                               " compile --catalog=invalid/" + GetParam() +
                               ".yml --out=" + Quote(out / "rules"));
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_FALSE(fs::exists(out / "rules")) << "a failed compile writes nothing";
  const fs::path err = kTestdata / "invalid" / (GetParam() + ".err");
  if (Updating()) WriteFile(err, run.err);
  EXPECT_EQ(run.err, ReadFile(err)) << "BAM_UPDATE_GOLDEN=1 regenerates the .err file";
  fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Invalid, InvalidTest,
                         ::testing::ValuesIn(Entries(kTestdata / "invalid", /*dirs=*/false,
                                                     ".yml")),
                         CaseName);

// The promtool cases are not vacuous: the same test with one expectation moved fails.
TEST(PromtoolTestCanFail, ShiftedExpectationFails) {
  const fs::path dir = kTestdata / "forms" / "threshold";
  const fs::path out = TempDir("control");
  auto compile = testing::RunShell("cd " + Quote(dir) + " && " + kRulesvc +
                                   " compile --catalog=catalog.yml --out=" + Quote(out));
  ASSERT_EQ(compile.exit_code, 0) << compile.err;
  std::string test = ReadFile(dir / "promtool_test.yml");
  // Claim the alert fires for the mobile platform instead of web.
  size_t at = test.find("platform: web");
  ASSERT_NE(at, std::string::npos);
  test.replace(at, 13, "platform: mobile");
  WriteFile(out / "promtool_test.yml", test);
  auto run = testing::RunShell("cd " + Quote(out) + " && promtool test rules promtool_test.yml");
  EXPECT_NE(run.exit_code, 0) << run.out;
  fs::remove_all(out);
}

// The default catalog compiles to the committed rules, which promtool accepts.
TEST(DefaultCatalog, MatchesCommittedRules) {
  const fs::path root(BAM_SOURCE_DIR);
  const fs::path out = TempDir("default");
  auto compile =
      testing::RunShell("cd " + Quote(root) + " && " + kRulesvc +
                        " compile --catalog=rulesvc/examples/catalog.yml --out=" + Quote(out));
  ASSERT_EQ(compile.exit_code, 0) << compile.err;
  const std::string generated = ReadFile(out / "bam-rules.yml");
  const fs::path committed = root / "rulesvc/examples/generated/bam-rules.yml";
  if (Updating()) {
    fs::create_directories(committed.parent_path());
    WriteFile(committed, generated);
  }
  EXPECT_EQ(generated, ReadFile(committed)) << "BAM_UPDATE_GOLDEN=1 regenerates it";
  auto check = testing::RunShell("promtool check rules " + Quote(out / "bam-rules.yml"));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  fs::remove_all(out);
}

// --format=operator wraps the very same groups in a PrometheusRule manifest.
TEST(OperatorFormat, CarriesTheSameGroups) {
  const fs::path root(BAM_SOURCE_DIR);
  const fs::path prom = TempDir("format-prom");
  const fs::path op = TempDir("format-operator");
  const std::string catalog = Quote(root / "rulesvc/examples/catalog.yml");
  ASSERT_EQ(testing::RunShell(kRulesvc + " compile --catalog=" + catalog + " --out=" + Quote(prom))
                .exit_code,
            0);
  ASSERT_EQ(testing::RunShell(kRulesvc + " compile --format=operator --catalog=" + catalog +
                              " --out=" + Quote(op))
                .exit_code,
            0);
  YAML::Node p = YAML::LoadFile((prom / "bam-rules.yml").string());
  YAML::Node o = YAML::LoadFile((op / "bam-rules.yml").string());
  EXPECT_EQ(o["apiVersion"].as<std::string>(), "monitoring.coreos.com/v1");
  EXPECT_EQ(o["kind"].as<std::string>(), "PrometheusRule");
  EXPECT_EQ(o["metadata"]["name"].as<std::string>(), "bam-rules");
  ASSERT_TRUE(p["groups"].IsSequence());
  EXPECT_GT(p["groups"].size(), 1u);
  EXPECT_EQ(YAML::Dump(o["spec"]["groups"]), YAML::Dump(p["groups"]));
  fs::remove_all(prom);
  fs::remove_all(op);
}

}  // namespace
}  // namespace bam
