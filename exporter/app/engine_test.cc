#include "exporter/app/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "exporter/exposition/text.h"

namespace bam::exporter {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bam_engine_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& yaml) {
    std::string path = (dir_ / "bam.yml").string();
    std::ofstream(path) << yaml;
    return path;
  }
  // Checks and applies; returns the diagnostics ("" when applied).
  std::string Reload(const std::string& yaml) {
    DiagnosticList diags;
    std::vector<std::string> warnings;
    auto config = engine_.Check(Write(yaml), &diags, &warnings);
    if (config == nullptr) return diags.Format();
    engine_.Apply(std::move(config));
    return "";
  }
  std::string Text() { return SerializeText(engine_.registry()); }

  std::filesystem::path dir_;
  Engine engine_{"test"};
};

constexpr char kBefore[] =
    "sources:\n  - {name: in, stdin: {}, format: json}\n"
    "metrics:\n"
    "  - {name: shop_orders_total, type: counter, labels: {region: region}}\n"
    "  - {name: shop_errors_total, type: counter, when: 'level == \"error\"'}\n";

constexpr char kAfter[] =
    "sources:\n  - {name: in, stdin: {}, format: json}\n"
    "metrics:\n"
    "  # unchanged, moved down a line, new budget: keeps its counts\n"
    "  - {name: shop_orders_total, type: counter, labels: {region: region}, max_series: 10}\n"
    "  # changed labels: starts again\n"
    "  - {name: shop_errors_total, type: counter, labels: {level: level}}\n"
    "  - {name: shop_lines_total, type: counter}\n";

TEST_F(EngineTest, ValidReloadKeepsCountsOfUnchangedMetrics) {
  ASSERT_EQ(Reload(kBefore), "");
  engine_.pipeline()->source(0).OnLine(R"({"region": "eu", "level": "error"})");
  engine_.pipeline()->source(0).OnLine(R"({"region": "eu", "level": "info"})");
  EXPECT_THAT(Text(), HasSubstr("shop_orders_total{region=\"eu\"} 2\n"));
  EXPECT_THAT(Text(), HasSubstr("shop_errors_total 1\n"));

  ASSERT_EQ(Reload(kAfter), "");
  engine_.pipeline()->source(0).OnLine(R"({"region": "eu", "level": "warn"})");
  std::string text = Text();
  EXPECT_THAT(text, HasSubstr("shop_orders_total{region=\"eu\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("shop_errors_total{level=\"warn\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("shop_errors_total 1\n")));
  EXPECT_THAT(text, HasSubstr("shop_lines_total 1\n"));
  EXPECT_THAT(text, HasSubstr("bam_exporter_lines_read_total{source=\"in\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("bam_exporter_series_overflow_total{metric=\"shop_orders_total\"} 0"));
}

TEST_F(EngineTest, InvalidConfigChangesNothing) {
  ASSERT_EQ(Reload(kBefore), "");
  engine_.pipeline()->source(0).OnLine(R"({"region": "eu"})");
  const Pipeline* before = engine_.pipeline();
  std::string errors = Reload(
      "sources:\n  - {name: in, stdin: {}, format: json}\n"
      "metrics:\n  - {name: shop_orders_total, type: counter, when: nosuch(x)}\n");
  EXPECT_THAT(errors, HasSubstr("unknown function \"nosuch\""));
  EXPECT_EQ(engine_.pipeline(), before);
  engine_.pipeline()->source(0).OnLine(R"({"region": "eu"})");
  EXPECT_THAT(Text(), HasSubstr("shop_orders_total{region=\"eu\"} 2\n"));
}

TEST_F(EngineTest, DroppedMetricDisappearsFromTheExposition) {
  ASSERT_EQ(Reload(kBefore), "");
  ASSERT_EQ(Reload("sources:\n  - {name: in, stdin: {}, format: json}\n"
                   "metrics:\n  - {name: shop_orders_total, type: counter, "
                   "labels: {region: region}}\n"),
            "");
  EXPECT_THAT(Text(), Not(HasSubstr("shop_errors_total")));
}

}  // namespace
}  // namespace bam::exporter
