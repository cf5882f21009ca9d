// A JSON Web Key Set (RFC 7517 §5) reduced to what RS256 verification needs: the RSA public
// keys, each with its "kid". Immutable once built; thread-safe to share.
#ifndef BAM_RULESVC_AUTH_JWKS_H_
#define BAM_RULESVC_AUTH_JWKS_H_

#include <openssl/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::auth {

// RSA keys shorter than this are skipped (NIST SP 800-131A: 2048 bits minimum).
inline constexpr int kMinRsaBits = 2048;

struct RsaJwk {
  std::string kid;                // "" when the JWK has none
  std::shared_ptr<EVP_PKEY> key;  // RSA public key, never null
};

class JwkSet {
 public:
  // Parses a JWKS document ({"keys": [...]}). Keeps the keys usable for RS256 signatures:
  // kty "RSA" with "n" and "e", "use" absent or "sig", "alg" absent or "RS256", at least
  // kMinRsaBits. Other keys (EC, oct, encryption keys, malformed members) are skipped and named
  // in *skipped when given ("keys[2] (kid \"x\"): kty \"EC\" not supported"), so a provider that
  // publishes extra key types still works. Returns InvalidArgument when the document is not JSON,
  // has no "keys" array, or no usable key at all.
  static StatusOr<JwkSet> Parse(std::string_view json, std::vector<std::string>* skipped = nullptr);

  const std::vector<RsaJwk>& keys() const { return keys_; }
  // The key whose kid is `kid`, or null.
  EVP_PKEY* Find(std::string_view kid) const;

 private:
  std::vector<RsaJwk> keys_;
};

}  // namespace bam::rulesvc::auth

#endif  // BAM_RULESVC_AUTH_JWKS_H_
