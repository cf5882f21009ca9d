// JWS compact serialisation (RFC 7515 §7.1) split and decoded, and the two signature checks the
// rule service accepts: HS256 (HMAC-SHA256, RFC 7518 §3.2) and RS256 (RSASSA-PKCS1-v1_5 with
// SHA-256, RFC 7518 §3.3). Nothing here decides whether a token is acceptable: that is
// Authenticator's job. Pure functions; thread-safe.
#ifndef BAM_RULESVC_AUTH_JWS_H_
#define BAM_RULESVC_AUTH_JWS_H_

#include <openssl/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bam::rulesvc::auth {

// Tokens longer than this are refused before any decoding.
inline constexpr size_t kMaxTokenBytes = 16 * 1024;

struct ParsedJws {
  nlohmann::json header;      // a JSON object
  nlohmann::json payload;     // a JSON object (the JWT claims set)
  std::string signing_input;  // "<b64url header>.<b64url payload>", as signed
  std::string signature;      // decoded signature bytes
  std::string alg;            // header "alg"; REQUIRED by RFC 7515, so never empty on success
  std::string kid;            // header "kid", "" when absent
};

// Splits `token` into exactly three base64url segments and decodes header and payload as JSON
// objects. Returns false with a short reason in *error ("token has 2 segments, want 3",
// "header is not base64url", "payload is not a JSON object", ...). Never throws.
// A header with a "crit" member is refused: this implementation understands no extension.
bool ParseJws(std::string_view token, ParsedJws* out, std::string* error);

// HMAC-SHA256 of `input` under `secret`, compared with `signature` in constant time.
bool VerifyHs256(std::string_view secret, std::string_view input, std::string_view signature);

// RSASSA-PKCS1-v1_5 SHA-256 verification of `signature` over `input` with an RSA public key.
// REQUIRES: key is an RSA key.
bool VerifyRs256(EVP_PKEY* key, std::string_view input, std::string_view signature);

}  // namespace bam::rulesvc::auth

#endif  // BAM_RULESVC_AUTH_JWS_H_
