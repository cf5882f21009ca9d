#include "rulesvc/auth/authenticator.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "rulesvc/auth/testing/token_maker.h"
#include "rulesvc/config/service_config.h"

namespace bam::rulesvc::auth {
namespace {

using http::Role;
using nlohmann::json;
namespace tk = testing;

constexpr int64_t kNow = 1'800'000'000;
constexpr char kSecret[] = "test-secret-test-secret-test-secret-0123";

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key1_ = tk::RsaKeyPair::Generate("key-1");
    key2_ = tk::RsaKeyPair::Generate("key-2");
  }

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bam_auth_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    jwks_file_ = (dir_ / "jwks.json").string();
    WriteFile(jwks_file_, Jwks({key1_}));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string Jwks(const std::vector<std::shared_ptr<tk::RsaKeyPair>>& keys) {
    return tk::JwksJson(keys);
  }

  AuthenticatorOptions Options() const {
    AuthenticatorOptions o;
    o.hs256_secret = kSecret;
    o.jwks.file = jwks_file_;
    o.jwks.min_refetch_interval_s = 30;
    o.issuer = "https://idp.example/realms/shop";
    o.audience = "bam";
    o.role_map = {{"bam-analyst", "analyst"}, {"bam-ops", "ops"}, {"bam-admin", "admin"}};
    return o;
  }

  std::unique_ptr<Authenticator> Make(const AuthenticatorOptions& o) const {
    StatusOr<std::unique_ptr<Authenticator>> a = Authenticator::Create(o);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? std::move(*a) : nullptr;
  }
  std::unique_ptr<Authenticator> Make() const { return Make(Options()); }

  // Claims accepted by Options().
  static json Claims(const json& extra = json::object()) {
    json c = tk::StandardClaims(kNow, "alice",
                                {{"iss", "https://idp.example/realms/shop"},
                                 {"aud", "bam"},
                                 {"realm_access", {{"roles", {"bam-analyst", "offline"}}}}});
    c.update(extra);
    return c;
  }

  static AuthResult Check(const Authenticator& a, const std::string& token, int64_t now = kNow) {
    return a.Authenticate("Bearer " + token, now);
  }

  static inline std::shared_ptr<tk::RsaKeyPair> key1_;
  static inline std::shared_ptr<tk::RsaKeyPair> key2_;
  std::filesystem::path dir_;
  std::string jwks_file_;
};

#define EXPECT_REFUSED(result, reason)                                        \
  do {                                                                        \
    const AuthResult& r_ = (result);                                          \
    EXPECT_EQ(AuthFailureName(r_.failure), std::string(reason)) << r_.detail; \
    EXPECT_FALSE(r_.ok());                                                    \
  } while (false)

TEST_F(AuthenticatorTest, AcceptsHs256) {
  auto a = Make();
  AuthResult r = Check(*a, tk::MakeHs256Token(Claims(), kSecret));
  ASSERT_TRUE(r.ok()) << AuthFailureName(r.failure) << ": " << r.detail;
  EXPECT_EQ(r.principal.subject, "alice");
  EXPECT_EQ(r.principal.roles, std::set<Role>{Role::kAnalyst});
  EXPECT_EQ(r.HttpStatus(), 200);
}

TEST_F(AuthenticatorTest, AcceptsRs256FromJwksFile) {
  auto a = Make();
  AuthResult r = Check(*a, tk::MakeRs256Token(Claims(), *key1_));
  ASSERT_TRUE(r.ok()) << AuthFailureName(r.failure) << ": " << r.detail;
  EXPECT_EQ(r.principal.subject, "alice");
}

TEST_F(AuthenticatorTest, AcceptsRs256WithoutKidAgainstAnyKey) {
  WriteFile(jwks_file_, Jwks({key2_, key1_}));
  auto a = Make();
  EXPECT_TRUE(Check(*a, tk::MakeRs256Token(Claims(), *key1_, /*with_kid=*/false)).ok());
}

TEST_F(AuthenticatorTest, SchemeIsCaseInsensitiveAndBlanksTolerated) {
  auto a = Make();
  const std::string t = tk::MakeHs256Token(Claims(), kSecret);
  EXPECT_TRUE(a->Authenticate("bearer " + t, kNow).ok());
  EXPECT_TRUE(a->Authenticate("  BEARER   " + t + "  ", kNow).ok());
  EXPECT_TRUE(a->AuthenticateToken(t, kNow).ok());
}

TEST_F(AuthenticatorTest, SubjectFallsBackToSub) {
  auto a = Make();
  json c = Claims();
  c.erase("preferred_username");
  AuthResult r = Check(*a, tk::MakeHs256Token(c, kSecret));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.principal.subject, "id-alice");
  c.erase("sub");
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(c, kSecret)), "invalid_claims");
}

TEST_F(AuthenticatorTest, RefusesMissingHeader) {
  auto a = Make();
  EXPECT_REFUSED(a->Authenticate("", kNow), "missing");
  EXPECT_REFUSED(a->Authenticate("   ", kNow), "missing");
  EXPECT_REFUSED(a->Authenticate("Basic YWxpY2U6cHc=", kNow), "malformed");
  EXPECT_REFUSED(a->Authenticate("Bearer", kNow), "malformed");
  EXPECT_REFUSED(a->Authenticate("Bearer   ", kNow), "malformed");
}

TEST_F(AuthenticatorTest, RefusesAlgNoneAndOtherAlgs) {
  auto a = Make();
  EXPECT_REFUSED(Check(*a, tk::MakeAlgNoneToken(Claims())), "alg_not_allowed");
  // alg none with a signature that would be a valid HS256 or RS256 one.
  const json c = Claims();
  for (const char* alg : {"none", "None", "NONE", "HS384", "HS512", "RS384", "RS512", "PS256",
                          "ES256", "hs256", "rs256"}) {
    SCOPED_TRACE(alg);
    const json header = {{"alg", alg}, {"kid", "key-1"}};
    const std::string input = tk::SigningInput(header, c);
    EXPECT_REFUSED(Check(*a, input + "." + tk::B64Url(tk::HmacSha256(kSecret, input))),
                   "alg_not_allowed");
    EXPECT_REFUSED(Check(*a, input + "." + tk::B64Url(key1_->SignRs256(input))), "alg_not_allowed");
  }
}

TEST_F(AuthenticatorTest, RefusesHs256SignedWithRsaPublicKey) {
  // The alg-confusion attack: the attacker knows the public key and signs HS256 with it.
  const std::string pem = key1_->PublicKeyPem();
  const std::string forged = tk::MakeHs256Token(Claims(), pem, {{"kid", "key-1"}});
  {
    auto a = Make();  // secret configured: the HS256 path uses only that secret
    EXPECT_REFUSED(Check(*a, forged), "bad_signature");
  }
  {
    AuthenticatorOptions o = Options();
    o.hs256_secret.clear();  // RS256 only: HS256 is not even tried
    auto a = Make(o);
    EXPECT_REFUSED(Check(*a, forged), "alg_not_allowed");
    // Nor with the JWK JSON or the raw modulus as the "secret".
    EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims(), key1_->PublicJwk().dump())),
                   "alg_not_allowed");
  }
}

TEST_F(AuthenticatorTest, RefusesRs256WhenOnlySecretConfiguredAndHmacInRsHeader) {
  AuthenticatorOptions o = Options();
  o.jwks = {};
  auto a = Make(o);
  EXPECT_REFUSED(Check(*a, tk::MakeRs256Token(Claims(), *key1_)), "alg_not_allowed");
  // An "RS256" token carrying an HMAC made with the secret is not an RS256 signature.
  auto b = Make();
  const json header = {{"alg", "RS256"}, {"kid", "key-1"}};
  const std::string input = tk::SigningInput(header, Claims());
  EXPECT_REFUSED(Check(*b, input + "." + tk::B64Url(tk::HmacSha256(kSecret, input))),
                 "bad_signature");
}

TEST_F(AuthenticatorTest, RefusesWrongSecretAndWrongKey) {
  auto a = Make();
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims(), std::string(kSecret) + "x")),
                 "bad_signature");
  // key2 signs, but claims kid key-1.
  const json header = {{"alg", "RS256"}, {"kid", "key-1"}};
  const std::string input = tk::SigningInput(header, Claims());
  EXPECT_REFUSED(Check(*a, input + "." + tk::B64Url(key2_->SignRs256(input))), "bad_signature");
  EXPECT_REFUSED(Check(*a, tk::MakeRs256Token(Claims(), *key2_, /*with_kid=*/false)),
                 "bad_signature");
}

TEST_F(AuthenticatorTest, RefusesTamperedPayloadAndSignature) {
  auto a = Make();
  for (const std::string& token :
       {tk::MakeHs256Token(Claims(), kSecret), tk::MakeRs256Token(Claims(), *key1_)}) {
    ASSERT_TRUE(Check(*a, token).ok());
    const size_t d1 = token.find('.');
    const size_t d2 = token.rfind('.');
    // Same signature, payload granting admin.
    const std::string evil =
        tk::B64Url(Claims({{"realm_access", {{"roles", {"bam-admin"}}}}}).dump());
    EXPECT_REFUSED(Check(*a, token.substr(0, d1 + 1) + evil + token.substr(d2)), "bad_signature");
    // One signature byte flipped.
    std::string sig = token.substr(d2 + 1);  // b64url text
    sig[sig.size() / 2] = sig[sig.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_REFUSED(Check(*a, token.substr(0, d2 + 1) + sig), "bad_signature");
    // Signature dropped.
    EXPECT_REFUSED(Check(*a, token.substr(0, d2 + 1)), "bad_signature");
  }
}

TEST_F(AuthenticatorTest, RefusesExpiredWithLeeway) {
  auto a = Make();
  const std::string t = tk::MakeHs256Token(Claims({{"exp", kNow}}), kSecret);
  EXPECT_TRUE(Check(*a, t, kNow + 59).ok());  // within the 60 s leeway
  EXPECT_REFUSED(Check(*a, t, kNow + 60), "expired");
  EXPECT_REFUSED(Check(*a, t, kNow + 3600), "expired");
  EXPECT_EQ(Check(*a, t, kNow + 3600).HttpStatus(), 401);
  AuthenticatorOptions o = Options();
  o.leeway_s = 0;
  EXPECT_REFUSED(Check(*Make(o), t, kNow), "expired");
}

TEST_F(AuthenticatorTest, RefusesNotYetValid) {
  auto a = Make();
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims({{"nbf", kNow + 600}}), kSecret)),
                 "not_yet_valid");
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims({{"iat", kNow + 600}}), kSecret)),
                 "not_yet_valid");
  EXPECT_TRUE(Check(*a, tk::MakeHs256Token(Claims({{"nbf", kNow + 30}}), kSecret)).ok());
}

TEST_F(AuthenticatorTest, RequiresNumericExp) {
  auto a = Make();
  json c = Claims();
  c.erase("exp");
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(c, kSecret)), "invalid_claims");
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims({{"exp", "tomorrow"}}), kSecret)),
                 "invalid_claims");
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims({{"nbf", nullptr}}), kSecret)),
                 "invalid_claims");
  EXPECT_TRUE(Check(*a, tk::MakeHs256Token(Claims({{"exp", kNow + 10.5}}), kSecret)).ok());
}

TEST_F(AuthenticatorTest, ChecksIssuer) {
  auto a = Make();
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims({{"iss", "https://evil.example"}}), kSecret)),
                 "wrong_issuer");
  json c = Claims();
  c.erase("iss");
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(c, kSecret)), "wrong_issuer");
  AuthenticatorOptions o = Options();
  o.issuer.clear();
  EXPECT_TRUE(Check(*Make(o), tk::MakeHs256Token(c, kSecret)).ok());
}

TEST_F(AuthenticatorTest, ChecksAudienceStringOrArray) {
  auto a = Make();
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims({{"aud", "account"}}), kSecret)),
                 "wrong_audience");
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(Claims({{"aud", {"account", "x"}}}), kSecret)),
                 "wrong_audience");
  EXPECT_TRUE(Check(*a, tk::MakeHs256Token(Claims({{"aud", {"account", "bam"}}}), kSecret)).ok());
  json c = Claims();
  c.erase("aud");
  EXPECT_REFUSED(Check(*a, tk::MakeHs256Token(c, kSecret)), "wrong_audience");
}

TEST_F(AuthenticatorTest, RefusesMalformedTokensWithoutCrashing) {
  auto a = Make();
  const std::string good = tk::MakeHs256Token(Claims(), kSecret);
  const std::string h = good.substr(0, good.find('.'));
  for (const std::string& t :
       {std::string("abc"), good.substr(0, good.rfind('.')), good + ".extra", std::string(".."),
        std::string("!!!.???.***"), h + "." + tk::B64Url("not json") + ".c2ln",
        tk::B64Url("[]") + "." + tk::B64Url("{}") + ".c2ln", std::string(20000, 'a'),
        std::string("eyJ\xff\xfe.eyJ.\x00", 11)}) {
    EXPECT_REFUSED(Check(*a, t), "malformed");
  }
}

TEST_F(AuthenticatorTest, UnknownKidIsRefusedAndFileIsReread) {
  auto a = Make();
  const std::string t2 = tk::MakeRs256Token(Claims(), *key2_);
  EXPECT_REFUSED(Check(*a, t2), "unknown_key");
  // Key rotation on disk: visible once the refetch interval has passed.
  WriteFile(jwks_file_, Jwks({key1_, key2_}));
  EXPECT_REFUSED(Check(*a, t2, kNow + 1), "unknown_key");
  EXPECT_TRUE(Check(*a, t2, kNow + 31).ok());
}

TEST_F(AuthenticatorTest, MissingJwksFileIsKeysUnavailable) {
  AuthenticatorOptions o = Options();
  o.jwks.file = (dir_ / "nope.json").string();
  auto a = Make(o);
  AuthResult r = Check(*a, tk::MakeRs256Token(Claims(), *key1_));
  EXPECT_REFUSED(r, "keys_unavailable");
  EXPECT_EQ(r.HttpStatus(), 503);
  EXPECT_NE(r.detail.find("nope.json"), std::string::npos) << r.detail;
  // HS256 tokens still work.
  EXPECT_TRUE(Check(*a, tk::MakeHs256Token(Claims(), kSecret)).ok());
}

TEST_F(AuthenticatorTest, MapsRolesThroughDottedClaim) {
  auto a = Make();
  AuthResult r = Check(
      *a, tk::MakeHs256Token(
              Claims({{"realm_access", {{"roles", {"bam-ops", "bam-admin", "unmapped", 7}}}}}),
              kSecret));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.principal.roles, (std::set<Role>{Role::kOps, Role::kAdmin}));
  EXPECT_TRUE(r.principal.Allows(http::Permission::kAdmin));

  // A single string.
  r = Check(*a, tk::MakeHs256Token(Claims({{"realm_access", {{"roles", "bam-ops"}}}}), kSecret));
  EXPECT_EQ(r.principal.roles, std::set<Role>{Role::kOps});
  // Missing claim, or another type: authenticated with no roles.
  json c = Claims();
  c.erase("realm_access");
  r = Check(*a, tk::MakeHs256Token(c, kSecret));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_TRUE(r.principal.roles.empty());
  EXPECT_FALSE(r.principal.Allows(http::Permission::kRead));
  r = Check(*a, tk::MakeHs256Token(Claims({{"realm_access", "bam-admin"}}), kSecret));
  EXPECT_TRUE(r.principal.roles.empty());
  r = Check(*a, tk::MakeHs256Token(Claims({{"realm_access", {{"roles", {{"a", 1}}}}}}), kSecret));
  EXPECT_TRUE(r.principal.roles.empty());
}

TEST_F(AuthenticatorTest, RolesAtTopLevelAsAzureAdDoes) {
  AuthenticatorOptions o = Options();
  o.roles_claim = "roles";
  o.role_map = {{"BAM.Direction", "direction"}};
  AuthResult r =
      Check(*Make(o), tk::MakeHs256Token(Claims({{"roles", {"BAM.Direction"}}}), kSecret));
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.principal.roles, std::set<Role>{Role::kDirection});
}

TEST_F(AuthenticatorTest, NamespacedClaimWithDotsIsFoundWhole) {
  AuthenticatorOptions o = Options();
  o.roles_claim = "https://bam.example/roles";
  AuthResult r =
      Check(*Make(o),
            tk::MakeHs256Token(Claims({{"https://bam.example/roles", {"bam-admin"}}}), kSecret));
  EXPECT_EQ(r.principal.roles, std::set<Role>{Role::kAdmin});
}

TEST_F(AuthenticatorTest, BamRoleNamesCountOnlyWithoutRoleMap) {
  const std::string t =
      tk::MakeHs256Token(Claims({{"realm_access", {{"roles", {"admin", "ops", "x"}}}}}), kSecret);
  AuthenticatorOptions o = Options();
  AuthResult with_map = Check(*Make(o), t);
  ASSERT_TRUE(with_map.ok());
  EXPECT_TRUE(with_map.principal.roles.empty());
  o.role_map.clear();
  AuthResult without = Check(*Make(o), t);
  EXPECT_EQ(without.principal.roles, (std::set<Role>{Role::kAdmin, Role::kOps}));
}

TEST_F(AuthenticatorTest, DetailNeverHoldsTheToken) {
  auto a = Make();
  const std::string t = tk::MakeHs256Token(Claims({{"exp", kNow - 1000}}), kSecret);
  for (const AuthResult& r : {Check(*a, t), Check(*a, t + "x"), Check(*a, "a" + t)}) {
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.detail.find(t.substr(0, 20)), std::string::npos) << r.detail;
    EXPECT_EQ(r.detail.find(kSecret), std::string::npos) << r.detail;
  }
}

TEST_F(AuthenticatorTest, UnauthenticatedResponseCarriesReasonAndChallenge) {
  auto a = Make();
  http::ApiResponse missing = UnauthenticatedResponse(a->Authenticate("", kNow));
  EXPECT_EQ(missing.status, 401);
  ASSERT_EQ(missing.headers.size(), 1u);
  EXPECT_EQ(missing.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(missing.headers[0].second, "Bearer realm=\"bam\"");
  json body = json::parse(missing.body);
  EXPECT_EQ(body["error"]["code"], "unauthenticated");
  EXPECT_EQ(body["error"]["message"], "missing: no bearer token");

  AuthResult expired = Check(*a, tk::MakeHs256Token(Claims({{"exp", kNow - 120}}), kSecret), kNow);
  EXPECT_EQ(expired.AuditDetail(), "expired: token expired 120 s ago");
  http::ApiResponse r = UnauthenticatedResponse(expired);
  EXPECT_EQ(r.status, 401);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "Bearer realm=\"bam\", error=\"invalid_token\"");

  AuthResult down;
  down.failure = AuthFailure::kKeysUnavailable;
  down.detail = "GET http://idp/certs: HTTP 502";
  http::ApiResponse u = UnauthenticatedResponse(down);
  EXPECT_EQ(u.status, 503);
  EXPECT_EQ(json::parse(u.body)["error"]["code"], "unavailable");
}

TEST_F(AuthenticatorTest, CreateValidatesOptions) {
  AuthenticatorOptions none;
  EXPECT_EQ(Authenticator::Create(none).status().code(), StatusCode::kInvalidArgument);
  AuthenticatorOptions o = Options();
  o.hs256_secret = "short";
  EXPECT_NE(Authenticator::Create(o).status().message().find("hs256_secret"), std::string::npos);
  o = Options();
  o.role_map["x"] = "superuser";
  EXPECT_NE(Authenticator::Create(o).status().message().find("role_map.x"), std::string::npos);
  o = Options();
  o.jwks.url = "http://127.0.0.1:1/certs";
  EXPECT_FALSE(Authenticator::Create(o).ok());
  o = Options();
  o.hs256_secret.clear();
  auto a = Make(o);
  EXPECT_FALSE(a->hs256_enabled());
  EXPECT_TRUE(a->rs256_enabled());
  EXPECT_TRUE(a->Prefetch(kNow).ok());
}

TEST_F(AuthenticatorTest, OptionsFromServiceConfig) {
  ServiceConfig c;
  c.jwt_hs256_secret = kSecret;
  c.oidc_issuer = "iss";
  c.oidc_audience = "aud";
  c.oidc_jwks_url = "http://127.0.0.1:9/certs";
  c.roles_claim = "roles";
  c.role_map = {{"r", "ops"}};
  AuthenticatorOptions o = Authenticator::OptionsFromConfig(c);
  EXPECT_EQ(o.hs256_secret, kSecret);
  EXPECT_EQ(o.issuer, "iss");
  EXPECT_EQ(o.audience, "aud");
  EXPECT_EQ(o.jwks.url, "http://127.0.0.1:9/certs");
  EXPECT_EQ(o.roles_claim, "roles");
  EXPECT_EQ(o.role_map, (std::map<std::string, std::string>{{"r", "ops"}}));
}

}  // namespace
}  // namespace bam::rulesvc::auth
