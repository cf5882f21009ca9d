#include "rulesvc/auth/jws.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

#include "rulesvc/auth/base64url.h"

namespace bam::rulesvc::auth {
namespace {

bool DecodeObject(std::string_view segment, const char* what, nlohmann::json* out,
                  std::string* error) {
  std::optional<std::string> bytes = Base64UrlDecode(segment);
  if (!bytes) {
    *error = std::string(what) + " is not base64url";
    return false;
  }
  *out = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!out->is_object()) {
    *error = std::string(what) + " is not a JSON object";
    return false;
  }
  return true;
}

}  // namespace

bool ParseJws(std::string_view token, ParsedJws* out, std::string* error) {
  if (token.empty()) {
    *error = "empty token";
    return false;
  }
  if (token.size() > kMaxTokenBytes) {
    *error = "token longer than " + std::to_string(kMaxTokenBytes) + " bytes";
    return false;
  }
  size_t dots[2];
  size_t n = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '.') continue;
    if (n == 2) {
      *error = "token has more than 3 segments";
      return false;
    }
    dots[n++] = i;
  }
  if (n != 2) {
    *error = "token has " + std::to_string(n + 1) + " segment" + (n == 0 ? "" : "s") + ", want 3";
    return false;
  }
  const std::string_view header = token.substr(0, dots[0]);
  const std::string_view payload = token.substr(dots[0] + 1, dots[1] - dots[0] - 1);
  const std::string_view signature = token.substr(dots[1] + 1);
  if (!DecodeObject(header, "header", &out->header, error)) return false;
  if (!DecodeObject(payload, "payload", &out->payload, error)) return false;
  std::optional<std::string> sig = Base64UrlDecode(signature);
  if (!sig) {
    *error = "signature is not base64url";
    return false;
  }
  out->signature = std::move(*sig);
  out->signing_input.assign(token.substr(0, dots[1]));

  auto alg = out->header.find("alg");
  if (alg == out->header.end() || !alg->is_string() || alg->get_ref<const std::string&>().empty()) {
    *error = "header has no \"alg\" string";
    return false;
  }
  out->alg = alg->get<std::string>();
  out->kid.clear();
  if (auto kid = out->header.find("kid"); kid != out->header.end()) {
    if (!kid->is_string()) {
      *error = "header \"kid\" is not a string";
      return false;
    }
    out->kid = kid->get<std::string>();
  }
  if (out->header.contains("crit")) {
    *error = "header has \"crit\" extensions, none supported";
    return false;
  }
  return true;
}

bool VerifyHs256(std::string_view secret, std::string_view input, std::string_view signature) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t mac_len = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
                sizeof(mac), &mac_len) == nullptr) {
    return false;
  }
  if (signature.size() != mac_len) return false;
  return CRYPTO_memcmp(mac, signature.data(), mac_len) == 0;
}

bool VerifyRs256(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) return false;
  if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key, nullptr) != 1) {
    return false;
  }
  // PKCS#1 v1.5 is the default padding for RSA keys; set it anyway so a key object carrying
  // another default cannot change the scheme.
  EVP_PKEY_CTX* pctx = EVP_MD_CTX_get_pkey_ctx(ctx.get());
  if (pctx == nullptr || EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  const bool ok =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  if (!ok) ERR_clear_error();  // a bad signature is an answer, not an error to leave queued
  return ok;
}

}  // namespace bam::rulesvc::auth
