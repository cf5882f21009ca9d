// End to end: bam_order_processing_seconds, the `duration` metric of
// exporter/examples/ecommerce.yml (order_created -> order_shipped by order_id, timeout 72h), read
// by `bam-exporter --one-shot` from a bam-loggen log, equals the truth file's "order_processing":
// histogram count, sum and every bucket, orphans and timeouts. The log has orders that ship, orders
// that are cancelled (they never ship: pending, then timed out after 72 h), orders shipped whose
// creation was before the log (orphans) and orders still in flight at the end.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "loggen/testing/log_count.h"
#include "tests/testing/exposition.h"
#include "tests/testing/process.h"

namespace bam::loggen {
namespace {

namespace fs = std::filesystem;
using bam::testing::ParsedExposition;
using nlohmann::json;

class LoggenDurationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_loggen_duration_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteStdinConfig() {
    std::string path = testing::WriteEcommerceStdinConfig(dir_.string());
    EXPECT_FALSE(path.empty());
    return path;
  }

  fs::path dir_;
};

TEST_F(LoggenDurationTest, OrderProcessingEqualsTheTruth) {
  const std::string log = (dir_ / "shop.log").string(), truth_path = (dir_ / "truth.json").string();
  auto gen = bam::testing::RunShell(std::string("'") + BAM_BIN_DIR +
                                    "/bam-loggen' --seed=23 --start=2025-11-03T00:00:00Z "
                                    "--duration=5d --scale=1 --quiet "
                                    "--scenario=cancellation_surge@+30h/4h --out='" +
                                    log + "' --truth='" + truth_path + "'");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto run =
      bam::testing::RunShell("'" + std::string(BAM_BIN_DIR) + "/bam-exporter' --config.file='" +
                             WriteStdinConfig() + "' --one-shot < '" + log + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const ParsedExposition e = ParsedExposition::Parse(run.out);
  const json truth = json::parse(testing::ReadFile(truth_path));
  const json& p = truth.at("order_processing");
  const std::string name = "bam_order_processing_seconds";

  // Every kind of order is in the log, so each number below is a real comparison.
  EXPECT_GT(p.at("completed").get<int>(), 1000);
  EXPECT_GT(p.at("orphans").get<int>(), 10);   // created before --start, shipped inside
  EXPECT_GT(p.at("timeouts").get<int>(), 10);  // cancelled, 72 h passed
  EXPECT_GT(p.at("cancelled").get<int>(), 10);
  EXPECT_GT(p.at("pending").get<int>(), 10);  // in flight at the end: neither count

  double count = -1, sum = -1, orphans = -1, timeouts = -1;
  ASSERT_TRUE(e.Find(name + "_count", &count));
  ASSERT_TRUE(e.Find(name + "_sum", &sum));
  ASSERT_TRUE(e.Find(name + "_orphans_total", &orphans));
  ASSERT_TRUE(e.Find(name + "_timeouts_total", &timeouts));
  EXPECT_EQ(count, p.at("completed").get<double>());
  EXPECT_EQ(orphans, p.at("orphans").get<double>());
  EXPECT_EQ(timeouts, p.at("timeouts").get<double>());
  // The truth adds integer milliseconds; the exporter adds each duration in seconds as a double.
  // Every term is exact to 1 ulp and there are ~10^4 of them: 1e-9 relative is far above the
  // rounding and far below one millisecond over the whole sum.
  const double truth_sum = static_cast<double>(p.at("sum_ms").get<int64_t>()) / 1000.0;
  EXPECT_NEAR(sum, truth_sum, 1e-9 * truth_sum);
  for (const auto& [le, n] : p.at("buckets").items()) {
    double v = -1;
    ASSERT_TRUE(e.FindLabels(name + "_bucket", {{"le", le}}, &v))
        << "ecommerce.yml's buckets differ from the truth's at le=" << le;
    EXPECT_EQ(v, n.get<double>()) << "le=" << le;
  }
  double evictions = -1, skew = -1;
  ASSERT_TRUE(e.Find(name + "_evictions_total", &evictions));
  ASSERT_TRUE(e.Find(name + "_clock_skew_total", &skew));
  EXPECT_EQ(evictions, 0);
  EXPECT_EQ(skew, 0);
}

}  // namespace
}  // namespace bam::loggen
