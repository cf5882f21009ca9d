// libFuzzer target: arbitrary bytes as a bearer token, a JWS and a JWKS document. Must never
// crash, leak or accept: no input can carry a valid HS256 signature under a secret it never sees.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rulesvc/auth/authenticator.h"
#include "rulesvc/auth/jwks.h"
#include "rulesvc/auth/jws.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto* authenticator = [] {
    bam::rulesvc::auth::AuthenticatorOptions o;
    o.hs256_secret = "fuzzing-secret-fuzzing-secret-0123456789";
    o.role_map = {{"x", "admin"}};
    return bam::rulesvc::auth::Authenticator::Create(o)->release();
  }();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  bam::rulesvc::auth::ParsedJws jws;
  std::string error;
  (void)bam::rulesvc::auth::ParseJws(input, &jws, &error);
  if (authenticator->Authenticate(input, 1700000000).ok()) std::abort();
  (void)bam::rulesvc::auth::JwkSet::Parse(input);
  return 0;
}
