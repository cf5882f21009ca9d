#include "exporter/exposition/backfill_writer.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "exporter/exposition/text.h"

namespace bam::exporter {
namespace {

namespace fs = std::filesystem;

class BackfillWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bam_backfill_writer_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<prometheus::MetricFamily> Collect() {
    auto families = registry_.Collect();
    SortSeries(&families);
    return families;
  }
  // Names in dir_, sorted.
  std::vector<std::string> Listing() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  fs::path dir_;
  prometheus::Registry registry_;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(BackfillWriterTest, FamiliesContiguousNewSeriesStartAtZero) {
  auto& orders =
      prometheus::BuildCounter().Name("orders_total").Help("Orders.").Register(registry_);
  auto& users = prometheus::BuildGauge().Name("users").Help("Users.").Register(registry_);
  auto& web = orders.Add({{"platform", "web"}});
  auto& gauge = users.Add({});
  const std::string out = (dir_ / "history.om").string();
  std::string error;
  auto writer = BackfillWriter::Create(out, &error);
  ASSERT_NE(writer, nullptr) << error;

  web.Increment(2);
  gauge.Set(5);
  ASSERT_TRUE(writer->Write(Collect(), 60000));
  web.Increment();
  orders.Add({{"platform", "mobile"}}).Increment(4);  // new at 120 s: 0 at 60 s
  gauge.Set(7);
  ASSERT_TRUE(writer->Write(Collect(), 120000));
  EXPECT_FALSE(fs::exists(out));  // nothing at PATH until Finish
  ASSERT_TRUE(writer->Finish()) << writer->error();
  EXPECT_EQ(writer->samples(), 6u);
  EXPECT_EQ(Slurp(out),
            "# HELP orders Orders.\n"
            "# TYPE orders counter\n"
            "orders_total{platform=\"web\"} 2 60\n"
            "orders_total{platform=\"mobile\"} 0 60\n"
            "orders_total{platform=\"mobile\"} 4 120\n"
            "orders_total{platform=\"web\"} 3 120\n"
            "# HELP users Users.\n"
            "# TYPE users gauge\n"
            "users 5 60\n"
            "users 7 120\n"
            "# EOF\n");
  writer.reset();
  EXPECT_EQ(Listing(), std::vector<std::string>{"history.om"});  // no temporary left
}

TEST_F(BackfillWriterTest, WithoutFinishNothingIsLeft) {
  prometheus::BuildCounter().Name("c_total").Register(registry_).Add({}).Increment();
  const std::string out = (dir_ / "history.om").string();
  std::string error;
  auto writer = BackfillWriter::Create(out, &error);
  ASSERT_NE(writer, nullptr) << error;
  ASSERT_TRUE(writer->Write(Collect(), 1000));
  EXPECT_EQ(Listing().size(), 1u);  // the part directory
  writer.reset();
  EXPECT_TRUE(Listing().empty());
}

TEST_F(BackfillWriterTest, UnwritableDirectoryIsAnError) {
  std::string error;
  auto writer = BackfillWriter::Create((dir_ / "missing" / "history.om").string(), &error);
  EXPECT_EQ(writer, nullptr);
  EXPECT_NE(error.find("cannot create a temporary directory beside"), std::string::npos) << error;
}

}  // namespace
}  // namespace bam::exporter
