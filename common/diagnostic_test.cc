#include "common/diagnostic.h"

#include <gtest/gtest.h>

namespace bam {
namespace {

TEST(DiagnosticTest, FormatsLocationPathMessageAndHint) {
  Diagnostic d{
      "exporter.yml", {14, 9}, "metrics[3].labels", "unknown field \"regoin\"", "\"region\""};
  EXPECT_EQ(d.Format(),
            "exporter.yml:14:9: metrics[3].labels: unknown field \"regoin\"\n\tTry \"region\"");
}

TEST(DiagnosticTest, OmitsUnknownPositionAndEmptyPath) {
  Diagnostic d{"x.yml", {}, "", "cannot read file", ""};
  EXPECT_EQ(d.Format(), "x.yml: cannot read file");
}

TEST(DiagnosticListTest, SortsByLineThenColumn) {
  DiagnosticList list;
  list.Add("a.yml", {5, 2}, "b", "second");
  list.Add("a.yml", {2, 7}, "a", "first");
  list.Add("a.yml", {5, 1}, "c", "between");
  list.Sort();
  EXPECT_EQ(list.Format(), "a.yml:2:7: a: first\na.yml:5:1: c: between\na.yml:5:2: b: second\n");
}

TEST(DiagnosticListTest, SortDropsRepeatsOfTheSamePlace) {
  DiagnosticList list;
  list.Add("a.yml", {3, 4}, "x.layout", "unknown layout \"foo\"");
  list.Add("a.yml", {3, 4}, "x.layout", "unknown layout \"foo\"");
  list.Add("a.yml", {3, 4}, "x.layout", "another problem of the same field");
  list.Add("a.yml", {3, 4}, "y", "another field at the same place");
  list.Sort();
  EXPECT_EQ(list.size(), 3u);
  EXPECT_EQ(list.items()[0].message, "unknown layout \"foo\"");
}

TEST(SuggestClosestTest, FindsTyposButNotUnrelatedWords) {
  std::vector<std::string> fields = {"name", "type", "labels", "region", "max_series"};
  EXPECT_EQ(SuggestClosest("regoin", fields), "region");
  EXPECT_EQ(SuggestClosest("lables", fields), "labels");
  EXPECT_EQ(SuggestClosest("max_serie", fields), "max_series");
  EXPECT_EQ(SuggestClosest("completely_different", fields), "");
}

}  // namespace
}  // namespace bam
