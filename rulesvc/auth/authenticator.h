// Bearer-token authentication for the rule service's REST API: a JWT (RFC 7519) in JWS compact
// form, signed either HS256 with the shared secret of `auth.hs256_secret_file`, or RS256 by an
// OIDC provider whose public keys come from `auth.oidc.jwks_url` / `jwks_file` (see
// jwks_source.h). The result is a Principal whose roles come from the `auth.roles_claim` claim
// mapped through `auth.role_map`; authorisation itself is Principal::Allows.
//
// Rules (docs/rulesvc.md "Authentication and roles"):
// - only "HS256" and "RS256"; "none" and every other alg are refused (alg_not_allowed);
// - HS256 is verified only with the shared secret and only when one is configured; RS256 only
//   with RSA keys from the JWKS. A key never serves the other algorithm (no alg confusion);
// - the signature is checked before any claim is trusted;
// - "exp" is required; "exp", "nbf" and "iat" are checked with `leeway_s` of clock skew;
// - "iss" and "aud" (a string or an array of strings) are checked when configured;
// - subject: "preferred_username" when it is a non-empty string, else "sub"; a token with
//   neither is refused (invalid_claims).
//
// Thread-safety: thread-safe. Authenticate may be called from every HTTP worker at once.
#ifndef BAM_RULESVC_AUTH_AUTHENTICATOR_H_
#define BAM_RULESVC_AUTH_AUTHENTICATOR_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "rulesvc/auth/jwks_source.h"
#include "rulesvc/http/api_types.h"
#include "rulesvc/webhook/status.h"

namespace bam::rulesvc {
struct ServiceConfig;
}  // namespace bam::rulesvc

namespace bam::rulesvc::auth {

// Why a request was not authenticated. The names (AuthFailureName) are stable: they go to the
// audit log and to the `reason` of the 401 body.
enum class AuthFailure {
  kNone,             // "ok"
  kMissing,          // "missing": no Authorization header
  kMalformed,        // "malformed": not "Bearer <JWS>", bad segments, bad base64url, not JSON
  kAlgNotAllowed,    // "alg_not_allowed": alg none/other, or an alg with no key configured
  kUnknownKey,       // "unknown_key": RS256 kid not in the JWKS, even after a refetch
  kBadSignature,     // "bad_signature"
  kExpired,          // "expired"
  kNotYetValid,      // "not_yet_valid": nbf or iat in the future
  kInvalidClaims,    // "invalid_claims": exp missing, a time claim not a number, no subject
  kWrongIssuer,      // "wrong_issuer"
  kWrongAudience,    // "wrong_audience"
  kKeysUnavailable,  // "keys_unavailable": the JWKS could never be loaded (provider down)
};

const char* AuthFailureName(AuthFailure failure);

struct AuthResult {
  AuthFailure failure = AuthFailure::kNone;
  // Short English text for logs and the audit log ("token expired 120 s ago"). Never holds the
  // token, the secret or any signature; attacker-controlled values (kid, iss) are truncated.
  std::string detail;
  http::Principal principal;  // meaningful only when ok()

  bool ok() const { return failure == AuthFailure::kNone; }
  // 401 for every failure but kKeysUnavailable (503: retry later, the token may be fine).
  int HttpStatus() const;
  // "<reason>: <detail>" ("expired: token expired 120 s ago"), for AuditEntry::detail.
  std::string AuditDetail() const;
};

// The answer to a refused request (REQUIRES: !result.ok()): HttpStatus(), the usual error body
// with code "unauthenticated" (or "unavailable" for 503) and the message "<reason>: <detail>",
// and for 401 an RFC 6750 challenge: `WWW-Authenticate: Bearer realm="bam"` when no token was
// sent, `Bearer realm="bam", error="invalid_token"` otherwise.
http::ApiResponse UnauthenticatedResponse(const AuthResult& result);

struct AuthenticatorOptions {
  // HS256 shared secret; "" disables HS256. At least 32 bytes (RFC 7518 §3.2).
  std::string hs256_secret;
  // Expected "iss"; "" = not checked.
  std::string issuer;
  // Expected "aud" (string, or one element of an array); "" = not checked.
  std::string audience;
  // RS256 keys: jwks.url or jwks.file; both empty disables RS256.
  JwksSourceOptions jwks;
  // Dotted path to the roles claim: "realm_access.roles" (Keycloak), "roles" (Azure AD). When
  // the top-level claims hold the whole string as one key (namespaced claims such as
  // "https://bam.example/roles"), that key wins. The value is an array of strings (non-strings
  // ignored) or one string. Missing or of another type: no roles.
  std::string roles_claim = "realm_access.roles";
  // Token role -> "analyst" | "ops" | "direction" | "admin". Token roles not in the map are
  // ignored. When the map is EMPTY, token roles spelled exactly like a BAM role are taken as is;
  // when it is not empty, only the map counts (an IdP's generic "admin" role then grants
  // nothing unless mapped).
  std::map<std::string, std::string> role_map;
  // Clock skew tolerated on exp, nbf and iat, in seconds.
  int64_t leeway_s = 60;
};

class Authenticator {
 public:
  // Validates the options: at least one of HS256 and RS256 enabled, secret length, role_map
  // values, leeway >= 0. InvalidArgument naming the field otherwise. Does not fetch the JWKS
  // (see Prefetch).
  static StatusOr<std::unique_ptr<Authenticator>> Create(AuthenticatorOptions options);

  // Options from the `auth:` section of rulesvc.yml; JWKS fetch settings keep their defaults.
  static AuthenticatorOptions OptionsFromConfig(const ServiceConfig& config);

  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // Loads the JWKS now (at startup, so a wrong URL shows in the log at once). A failure is not
  // fatal: Authenticate retries, subject to the refetch interval. OK when RS256 is disabled.
  Status Prefetch(int64_t now_s);

  // Verifies an Authorization header value ("Bearer <token>"; the scheme is case-insensitive)
  // at `now_s` (seconds since the epoch). Never throws. May block up to
  // jwks.fetch_timeout_ms when the token's kid is unknown and a refetch is allowed.
  AuthResult Authenticate(std::string_view authorization_header, int64_t now_s) const;

  // The same for a bare token.
  AuthResult AuthenticateToken(std::string_view token, int64_t now_s) const;

  bool hs256_enabled() const { return !options_.hs256_secret.empty(); }
  bool rs256_enabled() const { return jwks_ != nullptr; }

 private:
  explicit Authenticator(AuthenticatorOptions options);

  const AuthenticatorOptions options_;
  std::map<std::string, http::Role> role_map_;
  std::unique_ptr<JwksSource> jwks_;  // null when RS256 is disabled
};

}  // namespace bam::rulesvc::auth

#endif  // BAM_RULESVC_AUTH_AUTHENTICATOR_H_
