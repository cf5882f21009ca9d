#include "exporter/expr/csv_reader.h"

#include <gtest/gtest.h>

namespace bam::exporter {
namespace {

std::vector<std::vector<std::string>> Fields(const std::vector<CsvRow>& rows) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : rows) out.push_back(r.fields);
  return out;
}

TEST(CsvReaderTest, ReadsQuotedFieldsBomAndCrlf) {
  std::vector<CsvRow> rows;
  std::string error;
  ASSERT_TRUE(
      ParseCsv("\xEF\xBB\xBFid,name\r\n1,\"Smith, John\"\r\n2,\"say \"\"hi\"\"\"\r\n"
               "3,\"two\nlines\"\r\n\r\n4,\r\n",
               &rows, &error))
      << error;
  using V = std::vector<std::string>;
  EXPECT_EQ(Fields(rows), (std::vector<V>{{"id", "name"},
                                          {"1", "Smith, John"},
                                          {"2", "say \"hi\""},
                                          {"3", "two\nlines"},
                                          {"4", ""}}));
  EXPECT_EQ(rows[0].line, 1u);
  EXPECT_EQ(rows[3].line, 4u);
  EXPECT_EQ(rows[4].line, 7u);  // after the embedded newline and a blank line
}

TEST(CsvReaderTest, ReadsWithoutTrailingNewline) {
  std::vector<CsvRow> rows;
  std::string error;
  ASSERT_TRUE(ParseCsv("a,b\nc,\"d\"", &rows, &error));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"c", "d"}));
  ASSERT_TRUE(ParseCsv("", &rows, &error));
  EXPECT_TRUE(rows.empty());
}

TEST(CsvReaderTest, ReportsMalformedQuotesWithLines) {
  std::vector<CsvRow> rows;
  std::string error;
  EXPECT_FALSE(ParseCsv("a,b\n1,\"open\n2,3\n", &rows, &error));
  EXPECT_EQ(error, "line 2: unterminated quoted field");
  EXPECT_FALSE(ParseCsv("a,b\n\"x\"y,2\n", &rows, &error));
  EXPECT_EQ(error,
            "line 2: unexpected \"y\" after a closing quote (quotes inside a quoted field "
            "are written \"\")");
}

}  // namespace
}  // namespace bam::exporter
