#include "exporter/sources/line_splitter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bam::exporter {
namespace {

using ::testing::ElementsAre;

struct Collect : LineSink {
  std::vector<std::string> lines;
  int too_long = 0;
  void OnLine(std::string_view line) override { lines.emplace_back(line); }
  void OnTooLong() override { ++too_long; }
};

TEST(LineSplitterTest, SplitsOnNewlineAndDropsCarriageReturn) {
  LineSplitter s(100);
  Collect c;
  s.Feed("a=1\r\nb=2\nc=3\r\n", &c);
  s.Finish(&c);
  EXPECT_THAT(c.lines, ElementsAre("a=1", "b=2", "c=3"));
}

TEST(LineSplitterTest, DeliversLastLineWithoutNewlineOnlyAtFinish) {
  LineSplitter s(100);
  Collect c;
  s.Feed("one\ntwo", &c);
  EXPECT_THAT(c.lines, ElementsAre("one"));
  EXPECT_EQ(s.pending_bytes(), 3u);
  s.Finish(&c);
  EXPECT_THAT(c.lines, ElementsAre("one", "two"));
}

TEST(LineSplitterTest, JoinsLinesSplitAcrossChunksEvenInsideCrlf) {
  LineSplitter s(100);
  Collect c;
  s.Feed("hel", &c);
  s.Feed("lo\r", &c);
  s.Feed("\nworld\n", &c);
  s.Finish(&c);
  EXPECT_THAT(c.lines, ElementsAre("hello", "world"));
}

TEST(LineSplitterTest, KeepsEmptyLines) {
  LineSplitter s(100);
  Collect c;
  s.Feed("\n\r\nx\n", &c);
  EXPECT_THAT(c.lines, ElementsAre("", "", "x"));
}

TEST(LineSplitterTest, DropsTooLongLineWithinOneChunk) {
  LineSplitter s(5);
  Collect c;
  s.Feed("short\nmuch too long\nok\n", &c);
  EXPECT_THAT(c.lines, ElementsAre("short", "ok"));
  EXPECT_EQ(c.too_long, 1);
}

TEST(LineSplitterTest, DropsTooLongLineSpreadOverChunksWithoutBufferingIt) {
  LineSplitter s(5);
  Collect c;
  s.Feed("abc", &c);
  s.Feed("defgh", &c);  // now over the limit: dropped, counted once
  EXPECT_EQ(c.too_long, 1);
  EXPECT_EQ(s.pending_bytes(), 0u);
  s.Feed("ijklmnop", &c);  // still the same line
  s.Feed("q\nnext\n", &c);
  s.Finish(&c);
  EXPECT_THAT(c.lines, ElementsAre("next"));
  EXPECT_EQ(c.too_long, 1);
}

TEST(LineSplitterTest, LineOfExactlyTheLimitWithCrlfPasses) {
  LineSplitter s(5);
  Collect c;
  s.Feed("12345", &c);
  s.Feed("\r", &c);
  s.Feed("\n", &c);
  EXPECT_THAT(c.lines, ElementsAre("12345"));
  EXPECT_EQ(c.too_long, 0);
}

}  // namespace
}  // namespace bam::exporter
