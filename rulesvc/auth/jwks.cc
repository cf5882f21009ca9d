#include "rulesvc/auth/jwks.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>

#include "rulesvc/auth/base64url.h"

namespace bam::rulesvc::auth {
namespace {

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

// Decodes a base64url big-endian unsigned integer member ("n", "e"; RFC 7518 §6.3.1).
BnPtr DecodeBigNum(const nlohmann::json& jwk, const char* name, std::string* error) {
  BnPtr none(nullptr, BN_free);
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    *error = std::string("no \"") + name + "\" string";
    return none;
  }
  std::optional<std::string> bytes = Base64UrlDecode(it->get_ref<const std::string&>());
  if (!bytes || bytes->empty()) {
    *error = std::string("\"") + name + "\" is not base64url";
    return none;
  }
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                     static_cast<int>(bytes->size()), nullptr),
           BN_free);
  if (!bn) *error = "out of memory";
  return bn;
}

std::shared_ptr<EVP_PKEY> BuildRsaKey(const BIGNUM* n, const BIGNUM* e, std::string* error) {
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      OSSL_PARAM_BLD_free);
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e) != 1) {
    *error = "cannot build key parameters";
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld.get()),
                                                                 OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    *error = "not a valid RSA public key";
    return nullptr;
  }
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

// Returns null with *error set when the JWK is not an RS256 signing key.
std::shared_ptr<EVP_PKEY> ToRs256Key(const nlohmann::json& jwk, std::string* error) {
  if (!jwk.is_object()) {
    *error = "not an object";
    return nullptr;
  }
  auto kty_it = jwk.find("kty");
  const std::string kty =
      kty_it != jwk.end() && kty_it->is_string() ? kty_it->get<std::string>() : std::string();
  if (kty != "RSA") {
    *error = "kty \"" + kty + "\" not supported";
    return nullptr;
  }
  if (auto use = jwk.find("use"); use != jwk.end() && *use != "sig") {
    *error = "\"use\" is not \"sig\"";
    return nullptr;
  }
  if (auto alg = jwk.find("alg"); alg != jwk.end() && *alg != "RS256") {
    *error = "\"alg\" is not \"RS256\"";
    return nullptr;
  }
  BnPtr n = DecodeBigNum(jwk, "n", error);
  if (!n) return nullptr;
  BnPtr e = DecodeBigNum(jwk, "e", error);
  if (!e) return nullptr;
  if (BN_num_bits(n.get()) < kMinRsaBits) {
    *error = "RSA modulus of " + std::to_string(BN_num_bits(n.get())) + " bits, under " +
             std::to_string(kMinRsaBits);
    return nullptr;
  }
  return BuildRsaKey(n.get(), e.get(), error);
}

}  // namespace

StatusOr<JwkSet> JwkSet::Parse(std::string_view json, std::vector<std::string>* skipped) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument("JWKS is not JSON");
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return Status::InvalidArgument("JWKS has no \"keys\" array");
  }
  JwkSet set;
  const nlohmann::json& keys = doc["keys"];
  for (size_t i = 0; i < keys.size(); ++i) {
    const nlohmann::json& jwk = keys[i];
    std::string kid;
    if (jwk.is_object()) {
      if (auto it = jwk.find("kid"); it != jwk.end() && it->is_string())
        kid = it->get<std::string>();
    }
    std::string error;
    std::shared_ptr<EVP_PKEY> key = ToRs256Key(jwk, &error);
    if (!key) {
      if (skipped != nullptr) {
        skipped->push_back("keys[" + std::to_string(i) + "] (kid \"" + kid + "\"): " + error);
      }
      continue;
    }
    set.keys_.push_back(RsaJwk{std::move(kid), std::move(key)});
  }
  if (set.keys_.empty()) return Status::InvalidArgument("JWKS has no usable RS256 key");
  return set;
}

EVP_PKEY* JwkSet::Find(std::string_view kid) const {
  for (const RsaJwk& k : keys_) {
    if (k.kid == kid) return k.key.get();
  }
  return nullptr;
}

}  // namespace bam::rulesvc::auth
