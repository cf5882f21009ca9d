#include "rulesvc/auth/jws.h"

#include <gtest/gtest.h>

#include "rulesvc/auth/testing/token_maker.h"

namespace bam::rulesvc::auth {
namespace {

using nlohmann::json;
namespace tk = testing;

std::string ParseError(std::string_view token) {
  ParsedJws jws;
  std::string error;
  EXPECT_FALSE(ParseJws(token, &jws, &error)) << token;
  return error;
}

TEST(JwsTest, ParsesHeaderPayloadAndSignature) {
  const std::string token =
      tk::MakeToken({{"alg", "RS256"}, {"kid", "k1"}}, {{"sub", "alice"}}, std::string("\x01\x02"));
  ParsedJws jws;
  std::string error;
  ASSERT_TRUE(ParseJws(token, &jws, &error)) << error;
  EXPECT_EQ(jws.alg, "RS256");
  EXPECT_EQ(jws.kid, "k1");
  EXPECT_EQ(jws.payload["sub"], "alice");
  EXPECT_EQ(jws.signature, std::string("\x01\x02"));
  EXPECT_EQ(jws.signing_input, token.substr(0, token.rfind('.')));
}

TEST(JwsTest, RefusesWrongSegmentCounts) {
  const std::string good = tk::MakeToken({{"alg", "HS256"}}, {{"sub", "a"}}, "sig");
  EXPECT_EQ(ParseError("abc"), "token has 1 segment, want 3");
  EXPECT_EQ(ParseError(good.substr(0, good.rfind('.'))), "token has 2 segments, want 3");
  EXPECT_EQ(ParseError(good + ".x"), "token has more than 3 segments");
  EXPECT_EQ(ParseError(""), "empty token");
  EXPECT_EQ(ParseError(".."), "header is not a JSON object");
}

TEST(JwsTest, RefusesBadBase64AndNonJson) {
  const std::string p = tk::B64Url(R"({"sub":"a"})");
  const std::string h = tk::B64Url(R"({"alg":"HS256"})");
  EXPECT_EQ(ParseError("!!!." + p + ".c2ln"), "header is not base64url");
  EXPECT_EQ(ParseError(h + ".p=a=y.c2ln"), "payload is not base64url");
  EXPECT_EQ(ParseError(h + "." + p + ".s/g"), "signature is not base64url");
  EXPECT_EQ(ParseError(tk::B64Url("not json") + "." + p + ".c2ln"), "header is not a JSON object");
  EXPECT_EQ(ParseError(h + "." + tk::B64Url("[1,2]") + ".c2ln"), "payload is not a JSON object");
  EXPECT_EQ(ParseError(h + "." + tk::B64Url("{\"a\":") + ".c2ln"), "payload is not a JSON object");
}

TEST(JwsTest, RefusesMissingAlgBadKidAndCrit) {
  EXPECT_EQ(ParseError(tk::MakeToken({{"typ", "JWT"}}, {{"sub", "a"}}, "s")),
            "header has no \"alg\" string");
  EXPECT_EQ(ParseError(tk::MakeToken({{"alg", 5}}, {{"sub", "a"}}, "s")),
            "header has no \"alg\" string");
  EXPECT_EQ(ParseError(tk::MakeToken({{"alg", "RS256"}, {"kid", 1}}, {{"sub", "a"}}, "s")),
            "header \"kid\" is not a string");
  EXPECT_EQ(ParseError(tk::MakeToken({{"alg", "RS256"}, {"crit", {"exp"}}, {"exp", 1}},
                                     {{"sub", "a"}}, "s")),
            "header has \"crit\" extensions, none supported");
}

TEST(JwsTest, RefusesOversizedToken) {
  EXPECT_NE(ParseError(std::string(kMaxTokenBytes + 1, 'a')).find("longer than"),
            std::string::npos);
}

TEST(JwsTest, VerifiesHs256InConstantTimeCompare) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  const std::string mac = tk::HmacSha256(secret, "input");
  EXPECT_TRUE(VerifyHs256(secret, "input", mac));
  EXPECT_FALSE(VerifyHs256(secret, "inpuT", mac));
  EXPECT_FALSE(VerifyHs256(secret + "x", "input", mac));
  EXPECT_FALSE(VerifyHs256(secret, "input", mac.substr(0, 31)));
  EXPECT_FALSE(VerifyHs256(secret, "input", ""));
}

}  // namespace
}  // namespace bam::rulesvc::auth
