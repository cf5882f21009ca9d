#include "rulesvc/auth/testing/token_maker.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <cstdlib>

namespace bam::rulesvc::auth::testing {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "token_maker: %s failed\n", what);
  std::abort();
}

std::string BnBytes(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) Die("EVP_PKEY_get_bn_param");
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

}  // namespace

std::string B64Url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = mac ? EVP_MAC_CTX_new(mac) : nullptr;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                         OSSL_PARAM_construct_end()};
  std::string out(EVP_MAX_MD_SIZE, '\0');
  size_t len = 0;
  if (ctx == nullptr ||
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) !=
          1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) != 1) {
    Die("HMAC");
  }
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  out.resize(len);
  return out;
}

std::shared_ptr<RsaKeyPair> RsaKeyPair::Generate(std::string kid, int bits) {
  EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (key == nullptr) Die("EVP_RSA_gen");
  return std::shared_ptr<RsaKeyPair>(new RsaKeyPair(std::move(kid), key));
}

RsaKeyPair::~RsaKeyPair() { EVP_PKEY_free(key_); }

nlohmann::json RsaKeyPair::PublicJwk() const {
  return {{"kty", "RSA"},
          {"use", "sig"},
          {"alg", "RS256"},
          {"kid", kid_},
          {"n", B64Url(BnBytes(key_, OSSL_PKEY_PARAM_RSA_N))},
          {"e", B64Url(BnBytes(key_, OSSL_PKEY_PARAM_RSA_E))}};
}

std::string RsaKeyPair::PublicKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio, key_) != 1) Die("PEM_write_bio_PUBKEY");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  return pem;
}

std::string RsaKeyPair::SignRs256(std::string_view input) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  if (ctx == nullptr || EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_) != 1 ||
      EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    Die("EVP_DigestSignInit");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    Die("EVP_DigestSign");
  }
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

std::string JwksJson(const std::vector<std::shared_ptr<RsaKeyPair>>& keys) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& k : keys) arr.push_back(k->PublicJwk());
  return nlohmann::json{{"keys", arr}}.dump();
}

std::string SigningInput(const nlohmann::json& header, const nlohmann::json& claims) {
  return B64Url(header.dump()) + "." + B64Url(claims.dump());
}

std::string MakeToken(const nlohmann::json& header, const nlohmann::json& claims,
                      std::string_view signature) {
  return SigningInput(header, claims) + "." + B64Url(signature);
}

std::string MakeHs256Token(const nlohmann::json& claims, std::string_view secret,
                           const nlohmann::json& extra_header) {
  nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  header.update(extra_header);
  const std::string input = SigningInput(header, claims);
  return input + "." + B64Url(HmacSha256(secret, input));
}

std::string MakeRs256Token(const nlohmann::json& claims, const RsaKeyPair& key, bool with_kid) {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (with_kid) header["kid"] = key.kid();
  const std::string input = SigningInput(header, claims);
  return input + "." + B64Url(key.SignRs256(input));
}

std::string MakeAlgNoneToken(const nlohmann::json& claims) {
  return SigningInput({{"alg", "none"}, {"typ", "JWT"}}, claims) + ".";
}

nlohmann::json StandardClaims(int64_t now_s, const std::string& subject,
                              const nlohmann::json& extra) {
  nlohmann::json c = {{"sub", "id-" + subject},
                      {"preferred_username", subject},
                      {"iat", now_s},
                      {"nbf", now_s},
                      {"exp", now_s + 300}};
  c.update(extra);
  return c;
}

}  // namespace bam::rulesvc::auth::testing
