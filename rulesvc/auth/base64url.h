// Unpadded base64url (RFC 4648 §5, as JWS compact serialisation uses it, RFC 7515 §2 and
// appendix C). Pure functions; thread-safe.
#ifndef BAM_RULESVC_AUTH_BASE64URL_H_
#define BAM_RULESVC_AUTH_BASE64URL_H_

#include <optional>
#include <string>
#include <string_view>

namespace bam::rulesvc::auth {

// Encodes bytes without '=' padding.
std::string Base64UrlEncode(std::string_view bytes);

// Decodes strictly: only [A-Za-z0-9_-], no padding, no whitespace, a length that is not 1 mod 4,
// and zero unused trailing bits (so each byte string has exactly one encoding). nullopt otherwise.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace bam::rulesvc::auth

#endif  // BAM_RULESVC_AUTH_BASE64URL_H_
