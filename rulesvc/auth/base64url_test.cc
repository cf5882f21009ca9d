#include "rulesvc/auth/base64url.h"

#include <gtest/gtest.h>

#include <random>

#include "rulesvc/auth/testing/token_maker.h"

namespace bam::rulesvc::auth {
namespace {

TEST(Base64UrlTest, EncodesRfc4648Vectors) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");
}

TEST(Base64UrlTest, RoundTripsAndAgreesWithOpenSsl) {
  std::mt19937 rng(42);
  for (size_t len = 0; len < 70; ++len) {
    std::string bytes(len, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
    const std::string enc = Base64UrlEncode(bytes);
    EXPECT_EQ(enc, testing::B64Url(bytes)) << len;
    std::optional<std::string> dec = Base64UrlDecode(enc);
    ASSERT_TRUE(dec.has_value()) << len;
    EXPECT_EQ(*dec, bytes) << len;
  }
}

TEST(Base64UrlTest, RefusesNonCanonicalInput) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").has_value());     // padding
  EXPECT_FALSE(Base64UrlDecode("+/+/").has_value());     // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm9v Yg").has_value());  // whitespace
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());        // length 1 mod 4
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());       // unused bits set ("Zg" is canonical)
  EXPECT_TRUE(Base64UrlDecode("Zg").has_value());
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).has_value());
}

}  // namespace
}  // namespace bam::rulesvc::auth
