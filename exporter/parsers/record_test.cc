#include "exporter/parsers/record.h"

#include <gtest/gtest.h>

namespace bam::exporter {
namespace {

TEST(FieldPathTest, ParsesSingleKey) {
  FieldPath p;
  ASSERT_TRUE(FieldPath::Parse("status", &p));
  ASSERT_EQ(p.segments.size(), 1u);
  EXPECT_EQ(p.segments[0].key, "status");
  EXPECT_FALSE(p.segments[0].is_index);
  EXPECT_EQ(p.text, "status");
}

TEST(FieldPathTest, ParsesNestedKeysAndIndexes) {
  FieldPath p;
  ASSERT_TRUE(FieldPath::Parse("products[1].price", &p));
  ASSERT_EQ(p.segments.size(), 3u);
  EXPECT_EQ(p.segments[0].key, "products");
  EXPECT_TRUE(p.segments[1].is_index);
  EXPECT_EQ(p.segments[1].index, 1u);
  EXPECT_EQ(p.segments[2].key, "price");
  EXPECT_EQ(p.text, "products[1].price");

  ASSERT_TRUE(FieldPath::Parse("geo.location.lat", &p));
  ASSERT_EQ(p.segments.size(), 3u);
  EXPECT_EQ(p.segments[2].key, "lat");

  ASSERT_TRUE(FieldPath::Parse("m[12][0]", &p));
  ASSERT_EQ(p.segments.size(), 3u);
  EXPECT_EQ(p.segments[1].index, 12u);
  EXPECT_EQ(p.segments[2].index, 0u);
}

TEST(FieldPathTest, AcceptsKeyPunctuationUsedByLoggers) {
  FieldPath p;
  ASSERT_TRUE(FieldPath::Parse("@timestamp", &p));
  EXPECT_EQ(p.segments[0].key, "@timestamp");
  ASSERT_TRUE(FieldPath::Parse("x-request-id", &p));
  EXPECT_EQ(p.segments[0].key, "x-request-id");
  ASSERT_TRUE(FieldPath::Parse("$ref._id", &p));
  EXPECT_EQ(p.segments.size(), 2u);
}

TEST(FieldPathTest, RejectsMalformedPaths) {
  FieldPath p;
  for (const char* bad : {"", ".a", "a.", "a..b", "[0]", "a[", "a[]", "a[x]", "a[0]b", "a b",
                          "a[-1]", "a[0", "a.[0]", "a[99999999999]", "é"}) {
    EXPECT_FALSE(FieldPath::Parse(bad, &p)) << bad;
  }
}

}  // namespace
}  // namespace bam::exporter
