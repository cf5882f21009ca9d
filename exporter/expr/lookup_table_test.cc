#include "exporter/expr/lookup_table.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace bam::exporter {
namespace {

class LookupTableTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& content) {
    path_ = ::testing::TempDir() + "/lookup_table_test_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv";
    std::ofstream(path_, std::ios::binary) << content;
    return path_;
  }
  void TearDown() override {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  std::string path_;
};

TEST_F(LookupTableTest, LoadsQuotedCommasAndBom) {
  std::string path = Write(
      "\xEF\xBB\xBF"
      "customer_id, name ,segment\r\n"
      "42,\"Smith, John\",gold\r\n"
      "7,\"Doe \"\"JD\"\"\",\"silver, old\"\r\n"
      "42,\"Smith, John\",platinum\r\n");
  LookupTable table;
  std::string error;
  ASSERT_TRUE(LookupTable::Load(path, "customer_id", "segment", "unknown", &table, &error))
      << error;
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.Find("42"), "platinum");  // later duplicates win
  EXPECT_EQ(table.Find("7"), "silver, old");
  EXPECT_EQ(table.Find("8"), "unknown");
  EXPECT_EQ(table.default_value(), "unknown");

  ASSERT_TRUE(LookupTable::Load(path, "customer_id", "name", "", &table, &error)) << error;
  EXPECT_EQ(table.Find("7"), "Doe \"JD\"");
}

TEST_F(LookupTableTest, NamesTheMissingColumnAndTheColumns) {
  std::string path = Write("customer_id,name\n1,a\n");
  LookupTable table;
  std::string error;
  EXPECT_FALSE(LookupTable::Load(path, "customer_id", "segment", "", &table, &error));
  EXPECT_EQ(error, "line 1: no column \"segment\"; columns are: customer_id, name");
}

TEST_F(LookupTableTest, RejectsRowsOfTheWrongWidth) {
  std::string path = Write("a,b,c\n1,2,3\n\n4,5\n");
  LookupTable table;
  std::string error;
  EXPECT_FALSE(LookupTable::Load(path, "a", "c", "", &table, &error));
  EXPECT_EQ(error, "line 4: 2 fields, but the header has 3");
}

TEST_F(LookupTableTest, ReportsEmptyAndUnreadableFiles) {
  LookupTable table;
  std::string error;
  EXPECT_FALSE(LookupTable::Load(Write(""), "a", "b", "", &table, &error));
  EXPECT_EQ(error, "the file is empty; expected a header row naming the columns");
  EXPECT_FALSE(LookupTable::Load("/nonexistent/x.csv", "a", "b", "", &table, &error));
  EXPECT_EQ(error, "cannot read \"/nonexistent/x.csv\": No such file or directory");
}

TEST_F(LookupTableTest, ReportsCsvSyntaxErrors) {
  LookupTable table;
  std::string error;
  EXPECT_FALSE(LookupTable::Load(Write("a,b\n1,\"2\n"), "a", "b", "", &table, &error));
  EXPECT_EQ(error, "line 2: unterminated quoted field");
}

}  // namespace
}  // namespace bam::exporter
