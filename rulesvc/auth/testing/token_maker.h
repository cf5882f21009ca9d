// Test helper: mints JWTs the way an identity provider would — HS256 with a shared secret, RS256
// with a freshly generated RSA key published as a JWKS — plus the broken and hostile tokens
// (alg none, alg confusion) the authenticator must refuse. Its signing and encoding code is
// independent of bam::rulesvc_auth (OpenSSL's base64 and EVP_MAC), so a shared bug cannot make a
// test pass. For tests only: keys are generated per process and never stored.
//
// Thread-safety: RsaKeyPair is immutable after Generate and safe to share; the free functions
// are thread-safe.
#ifndef BAM_RULESVC_AUTH_TESTING_TOKEN_MAKER_H_
#define BAM_RULESVC_AUTH_TESTING_TOKEN_MAKER_H_

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace bam::rulesvc::auth::testing {

// base64url without padding, via OpenSSL's EVP_EncodeBlock.
std::string B64Url(std::string_view bytes);

// Raw HMAC-SHA256 (32 bytes).
std::string HmacSha256(std::string_view key, std::string_view data);

class RsaKeyPair {
 public:
  // A new RSA key of `bits` bits (e = 65537). Aborts the test process on OpenSSL failure.
  static std::shared_ptr<RsaKeyPair> Generate(std::string kid, int bits = 2048);
  ~RsaKeyPair();
  RsaKeyPair(const RsaKeyPair&) = delete;
  RsaKeyPair& operator=(const RsaKeyPair&) = delete;

  const std::string& kid() const { return kid_; }
  // {"kty":"RSA","use":"sig","alg":"RS256","kid":…,"n":…,"e":…}
  nlohmann::json PublicJwk() const;
  // SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----…"): the bytes an alg-confusion attacker
  // uses as an HMAC secret.
  std::string PublicKeyPem() const;
  // RSASSA-PKCS1-v1_5 SHA-256 signature of `input`.
  std::string SignRs256(std::string_view input) const;

 private:
  RsaKeyPair(std::string kid, EVP_PKEY* key) : kid_(std::move(kid)), key_(key) {}
  std::string kid_;
  EVP_PKEY* key_;
};

// {"keys":[jwk, …]} for the given keys, in order.
std::string JwksJson(const std::vector<std::shared_ptr<RsaKeyPair>>& keys);

// "<b64url(header)>.<b64url(claims)>", the JWS signing input.
std::string SigningInput(const nlohmann::json& header, const nlohmann::json& claims);

// header {"alg":"HS256","typ":"JWT"} merged with extra_header.
std::string MakeHs256Token(const nlohmann::json& claims, std::string_view secret,
                           const nlohmann::json& extra_header = nlohmann::json::object());
// header {"alg":"RS256","typ":"JWT","kid":key.kid()} (kid left out when with_kid is false).
std::string MakeRs256Token(const nlohmann::json& claims, const RsaKeyPair& key,
                           bool with_kid = true);
// {"alg":"none"} and an empty signature segment.
std::string MakeAlgNoneToken(const nlohmann::json& claims);
// Any header, any signature bytes.
std::string MakeToken(const nlohmann::json& header, const nlohmann::json& claims,
                      std::string_view signature);

// Claims valid at `now_s`: sub, preferred_username, iat, nbf, exp = now + 300, plus `extra`.
nlohmann::json StandardClaims(int64_t now_s, const std::string& subject,
                              const nlohmann::json& extra = nlohmann::json::object());

}  // namespace bam::rulesvc::auth::testing

#endif  // BAM_RULESVC_AUTH_TESTING_TOKEN_MAKER_H_
