#include "exporter/parsers/big_integers.h"

#include <gtest/gtest.h>

#include <string>

namespace bam::exporter {
namespace {

std::string Rewrite(std::string json, bool* rewritten = nullptr) {
  const bool r = RewriteBigIntegers(json.data(), json.size());
  if (rewritten != nullptr) *rewritten = r;
  return json;
}

TEST(RewriteBigIntegersTest, RewritesOnlyOversizedIntegersOutsideStrings) {
  bool rewritten = false;
  EXPECT_EQ(Rewrite(R"({"a":123456789012345678901,"b":1})", &rewritten),
            R"({"a":12345678901234567e4  ,"b":1})");
  EXPECT_TRUE(rewritten);
  EXPECT_EQ(Rewrite(R"([-9223372036854775809])"), R"([-92233720368547758e2])");
  EXPECT_EQ(Rewrite(R"({"s":"123456789012345678901","t":"\"123456789012345678901"})", &rewritten),
            R"({"s":"123456789012345678901","t":"\"123456789012345678901"})");
  EXPECT_FALSE(rewritten);
}

TEST(RewriteBigIntegersTest, LeavesFloatsSmallIntegersAndInvalidNumbersAlone) {
  for (const char* json :
       {R"([1.23456789012345678901])", R"([12345678901234567890e2])", R"([1e1234567890123456789])",
        R"([0123456789012345678901])", R"([123456789012345678])", R"([-])", R"([1,2,3])"}) {
    bool rewritten = true;
    EXPECT_EQ(Rewrite(json, &rewritten), json);
    EXPECT_FALSE(rewritten) << json;
  }
}

}  // namespace
}  // namespace bam::exporter
