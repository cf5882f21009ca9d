#include "rulesvc/api/params.h"

#include <gtest/gtest.h>

namespace bam::rulesvc::api {
namespace {

http::ApiRequest WithQuery(std::map<std::string, std::string> query) {
  http::ApiRequest r;
  r.query = std::move(query);
  return r;
}

TEST(ParamsTest, TimeAcceptsRfc3339AndUnixMilliseconds) {
  auto rfc = TimeParam(WithQuery({{"from", "2026-11-16T14:00:00Z"}}), "from");
  ASSERT_TRUE(rfc.ok());
  EXPECT_EQ(*rfc, std::optional<int64_t>(1794837600000));
  auto ms = TimeParam(WithQuery({{"from", "1794837600123"}}), "from");
  EXPECT_EQ(*ms, std::optional<int64_t>(1794837600123));
  EXPECT_FALSE(TimeParam(WithQuery({}), "from")->has_value());
  auto bad = TimeParam(WithQuery({{"from", "2026-11-16 14:00"}}), "from");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST(ParamsTest, IntAndBoolRefuseWhatTheyDoNotUnderstand) {
  EXPECT_EQ(*IntParam(WithQuery({}), "limit", 50, 1, 1000), 50);
  EXPECT_EQ(*IntParam(WithQuery({{"limit", "1000"}}), "limit", 50, 1, 1000), 1000);
  EXPECT_FALSE(IntParam(WithQuery({{"limit", "12abc"}}), "limit", 50, 1, 1000).ok());
  EXPECT_FALSE(IntParam(WithQuery({{"limit", "+5"}}), "limit", 50, 1, 1000).ok());
  EXPECT_EQ(*BoolParam(WithQuery({{"read", "false"}}), "read"), std::optional<bool>(false));
  EXPECT_FALSE(BoolParam(WithQuery({{"read", "True"}}), "read").ok());
}

TEST(ParamsTest, KnownParamsNameTheStranger) {
  Status s = CheckKnownParams(WithQuery({{"limit", "1"}, {"limt", "2"}}), {"limit", "offset"});
  EXPECT_EQ(s.message(), "unknown query parameter \"limt\"; known: limit, offset");
}

TEST(ParamsTest, Helpers) {
  EXPECT_EQ(UrlEncode("a b&c=é~"), "a%20b%26c%3D%C3%A9~");
  EXPECT_EQ(Utf8Length("été"), 3u);
  EXPECT_EQ(EditDistance("checkout_sucess_rate", "checkout_success_rate"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

}  // namespace
}  // namespace bam::rulesvc::api
