#include "rulesvc/auth/authenticator.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "rulesvc/auth/jws.h"
#include "rulesvc/config/service_config.h"

namespace bam::rulesvc::auth {
namespace {

using nlohmann::json;

constexpr size_t kMinSecretBytes = 32;

AuthResult Fail(AuthFailure failure, std::string detail) {
  AuthResult r;
  r.failure = failure;
  r.detail = std::move(detail);
  return r;
}

// An attacker-chosen value made safe for a log line: printable ASCII, at most 64 bytes, quoted.
std::string Quote(std::string_view v) {
  std::string out = "\"";
  for (size_t i = 0; i < v.size() && i < 64; ++i) {
    const char c = v[i];
    out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? c : '?';
  }
  if (v.size() > 64) out += "...";
  return out + "\"";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Reads a NumericDate claim (RFC 7519 §2: a JSON number, possibly fractional). Returns false
// when present but not a number; *present tells whether it was there.
bool NumericDate(const json& claims, const char* name, bool* present, double* value) {
  auto it = claims.find(name);
  *present = it != claims.end();
  if (!*present) return true;
  if (!it->is_number()) return false;
  *value = it->get<double>();
  return true;
}

const json* FindClaim(const json& claims, const std::string& path) {
  if (path.empty()) return nullptr;
  if (auto it = claims.find(path); it != claims.end()) return &*it;
  const json* node = &claims;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    if (dot == std::string::npos) return node;
    start = dot + 1;
  }
}

}  // namespace

const char* AuthFailureName(AuthFailure failure) {
  switch (failure) {
    case AuthFailure::kNone:
      return "ok";
    case AuthFailure::kMissing:
      return "missing";
    case AuthFailure::kMalformed:
      return "malformed";
    case AuthFailure::kAlgNotAllowed:
      return "alg_not_allowed";
    case AuthFailure::kUnknownKey:
      return "unknown_key";
    case AuthFailure::kBadSignature:
      return "bad_signature";
    case AuthFailure::kExpired:
      return "expired";
    case AuthFailure::kNotYetValid:
      return "not_yet_valid";
    case AuthFailure::kInvalidClaims:
      return "invalid_claims";
    case AuthFailure::kWrongIssuer:
      return "wrong_issuer";
    case AuthFailure::kWrongAudience:
      return "wrong_audience";
    case AuthFailure::kKeysUnavailable:
      return "keys_unavailable";
  }
  return "unknown";
}

int AuthResult::HttpStatus() const {
  if (ok()) return 200;
  return failure == AuthFailure::kKeysUnavailable ? 503 : 401;
}

std::string AuthResult::AuditDetail() const {
  if (ok()) return "ok";
  return std::string(AuthFailureName(failure)) + ": " + detail;
}

http::ApiResponse UnauthenticatedResponse(const AuthResult& result) {
  const int status = result.HttpStatus();
  http::ApiResponse r = http::ApiResponse::Error(
      status, status == 503 ? "unavailable" : "unauthenticated", result.AuditDetail());
  if (status == 401) {
    r.headers.emplace_back("WWW-Authenticate",
                           result.failure == AuthFailure::kMissing
                               ? "Bearer realm=\"bam\""
                               : "Bearer realm=\"bam\", error=\"invalid_token\"");
  } else if (status == 503) {
    r.headers.emplace_back("Retry-After", "30");
  }
  return r;
}

Authenticator::Authenticator(AuthenticatorOptions options) : options_(std::move(options)) {}

StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(AuthenticatorOptions options) {
  const bool rs256 = !options.jwks.url.empty() || !options.jwks.file.empty();
  if (options.hs256_secret.empty() && !rs256) {
    return Status::InvalidArgument(
        "auth: neither an HS256 secret nor an OIDC JWKS (url or file) is configured");
  }
  if (!options.hs256_secret.empty() && options.hs256_secret.size() < kMinSecretBytes) {
    return Status::InvalidArgument(
        "auth.hs256_secret: " + std::to_string(options.hs256_secret.size()) + " bytes, at least " +
        std::to_string(kMinSecretBytes) + " required for HS256 (RFC 7518 section 3.2)");
  }
  if (!options.jwks.url.empty() && !options.jwks.file.empty()) {
    return Status::InvalidArgument("auth.oidc: jwks_url and jwks_file are exclusive");
  }
  if (options.leeway_s < 0) return Status::InvalidArgument("auth: leeway must be >= 0");
  std::map<std::string, http::Role> role_map;
  for (const auto& [token_role, bam_role] : options.role_map) {
    http::Role role;
    if (!http::ParseRole(bam_role, &role)) {
      return Status::InvalidArgument("auth.role_map." + token_role + ": \"" + bam_role +
                                     "\" is not one of analyst, ops, direction, admin");
    }
    role_map.emplace(token_role, role);
  }
  std::unique_ptr<Authenticator> a(new Authenticator(std::move(options)));
  a->role_map_ = std::move(role_map);
  if (rs256) a->jwks_ = std::make_unique<JwksSource>(a->options_.jwks);
  return a;
}

AuthenticatorOptions Authenticator::OptionsFromConfig(const ServiceConfig& config) {
  AuthenticatorOptions o;
  o.hs256_secret = config.jwt_hs256_secret;
  o.issuer = config.oidc_issuer;
  o.audience = config.oidc_audience;
  o.jwks.url = config.oidc_jwks_url;
  o.jwks.file = config.oidc_jwks_file;
  o.roles_claim = config.roles_claim;
  o.role_map = config.role_map;
  return o;
}

Status Authenticator::Prefetch(int64_t now_s) {
  if (jwks_ == nullptr) return {};
  return jwks_->Refresh(now_s);
}

AuthResult Authenticator::Authenticate(std::string_view authorization_header, int64_t now_s) const {
  const std::string_view header = Trim(authorization_header);
  if (header.empty()) return Fail(AuthFailure::kMissing, "no bearer token");
  const size_t space = header.find_first_of(" \t");
  if (space == std::string_view::npos || !EqualsIgnoreCase(header.substr(0, space), "bearer")) {
    return Fail(AuthFailure::kMalformed, "authorization scheme is not Bearer");
  }
  const std::string_view token = Trim(header.substr(space + 1));
  if (token.empty()) return Fail(AuthFailure::kMalformed, "empty bearer token");
  return AuthenticateToken(token, now_s);
}

AuthResult Authenticator::AuthenticateToken(std::string_view token, int64_t now_s) const {
  ParsedJws jws;
  std::string error;
  if (!ParseJws(token, &jws, &error)) return Fail(AuthFailure::kMalformed, error);

  // The algorithm selects the key type; the key never selects the algorithm.
  if (jws.alg == "HS256") {
    if (options_.hs256_secret.empty()) {
      return Fail(AuthFailure::kAlgNotAllowed, "HS256 not accepted: no shared secret configured");
    }
    if (!VerifyHs256(options_.hs256_secret, jws.signing_input, jws.signature)) {
      return Fail(AuthFailure::kBadSignature, "HS256 signature does not verify");
    }
  } else if (jws.alg == "RS256") {
    if (jwks_ == nullptr) {
      return Fail(AuthFailure::kAlgNotAllowed, "RS256 not accepted: no JWKS configured");
    }
    StatusOr<std::shared_ptr<const JwkSet>> keys = jwks_->Get(now_s, jws.kid);
    if (!keys.ok()) return Fail(AuthFailure::kKeysUnavailable, keys.status().message());
    bool verified = false;
    if (!jws.kid.empty()) {
      EVP_PKEY* key = (*keys)->Find(jws.kid);
      if (key == nullptr) {
        return Fail(AuthFailure::kUnknownKey, "kid " + Quote(jws.kid) + " not in the JWKS");
      }
      verified = VerifyRs256(key, jws.signing_input, jws.signature);
    } else {
      // No kid (RFC 7515 §4.1.4 makes it optional): any of the provider's keys may have signed.
      for (const RsaJwk& k : (*keys)->keys()) {
        if (VerifyRs256(k.key.get(), jws.signing_input, jws.signature)) {
          verified = true;
          break;
        }
      }
    }
    if (!verified) return Fail(AuthFailure::kBadSignature, "RS256 signature does not verify");
  } else {
    return Fail(AuthFailure::kAlgNotAllowed, "alg " + Quote(jws.alg) + " not accepted");
  }

  // Signature good: now the claims can be read.
  const json& c = jws.payload;
  bool present = false;
  double exp = 0, nbf = 0, iat = 0;
  if (!NumericDate(c, "exp", &present, &exp)) {
    return Fail(AuthFailure::kInvalidClaims, "exp is not a number");
  }
  if (!present) return Fail(AuthFailure::kInvalidClaims, "exp claim missing");
  const double now = static_cast<double>(now_s);
  const double leeway = static_cast<double>(options_.leeway_s);
  if (now >= exp + leeway) {
    return Fail(AuthFailure::kExpired,
                "token expired " + std::to_string(static_cast<int64_t>(now - exp)) + " s ago");
  }
  if (!NumericDate(c, "nbf", &present, &nbf)) {
    return Fail(AuthFailure::kInvalidClaims, "nbf is not a number");
  }
  if (present && nbf > now + leeway) {
    return Fail(AuthFailure::kNotYetValid,
                "token not valid for " + std::to_string(static_cast<int64_t>(nbf - now)) + " s");
  }
  if (!NumericDate(c, "iat", &present, &iat)) {
    return Fail(AuthFailure::kInvalidClaims, "iat is not a number");
  }
  if (present && iat > now + leeway) {
    return Fail(
        AuthFailure::kNotYetValid,
        "token issued " + std::to_string(static_cast<int64_t>(iat - now)) + " s in the future");
  }
  if (!options_.issuer.empty()) {
    auto it = c.find("iss");
    if (it == c.end() || !it->is_string() || *it != options_.issuer) {
      return Fail(AuthFailure::kWrongIssuer,
                  it == c.end() || !it->is_string()
                      ? std::string("no iss claim")
                      : "iss " + Quote(it->get_ref<const std::string&>()) + " not accepted");
    }
  }
  if (!options_.audience.empty()) {
    bool match = false;
    if (auto it = c.find("aud"); it != c.end()) {
      if (it->is_string()) {
        match = *it == options_.audience;
      } else if (it->is_array()) {
        for (const json& a : *it) match = match || (a.is_string() && a == options_.audience);
      }
    }
    if (!match) {
      return Fail(AuthFailure::kWrongAudience, "aud does not contain " + Quote(options_.audience));
    }
  }

  AuthResult r;
  if (auto it = c.find("preferred_username"); it != c.end() && it->is_string() && *it != "") {
    r.principal.subject = it->get<std::string>();
  } else if (auto sub = c.find("sub"); sub != c.end() && sub->is_string() && *sub != "") {
    r.principal.subject = sub->get<std::string>();
  } else {
    return Fail(AuthFailure::kInvalidClaims, "no sub or preferred_username claim");
  }

  auto add_role = [&](const std::string& name) {
    if (role_map_.empty()) {
      http::Role role;
      if (http::ParseRole(name, &role)) r.principal.roles.insert(role);
    } else if (auto m = role_map_.find(name); m != role_map_.end()) {
      r.principal.roles.insert(m->second);
    }
  };
  if (const json* roles = FindClaim(c, options_.roles_claim)) {
    if (roles->is_string()) {
      add_role(roles->get<std::string>());
    } else if (roles->is_array()) {
      for (const json& v : *roles) {
        if (v.is_string()) add_role(v.get<std::string>());
      }
    }
  }
  return r;
}

}  // namespace bam::rulesvc::auth
