// RS256 against a JWKS served over HTTP by a local CivetWeb server (port chosen by the kernel):
// first fetch, caching, key rotation, rate-limited refetch, a provider that is down or hangs.
#include "rulesvc/auth/jwks_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "rulesvc/auth/authenticator.h"
#include "rulesvc/auth/testing/token_maker.h"
#include "rulesvc/channels/testing/http_recorder.h"

namespace bam::rulesvc::auth {
namespace {

using channels::testing::HttpRecorder;
using nlohmann::json;
namespace tk = testing;

constexpr int64_t kNow = 1'800'000'000;

// A TCP socket on 127.0.0.1 with a kernel-chosen port. listening=false: bound then closed, so
// connections are refused. listening=true: listens but never accepts nor answers.
class LocalSocket {
 public:
  explicit LocalSocket(bool listening) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    if (listening) {
      EXPECT_EQ(::listen(fd_, 16), 0);
    } else {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~LocalSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/certs"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class JwksHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key1_ = tk::RsaKeyPair::Generate("kid-1");
    key2_ = tk::RsaKeyPair::Generate("kid-2");
  }

  void SetUp() override {
    ASSERT_TRUE(server_.Start());
    server_.Respond(200, tk::JwksJson({key1_}), {"Content-Type: application/json"});
  }

  std::unique_ptr<Authenticator> Make(const std::string& url, int64_t timeout_ms = 5000) {
    AuthenticatorOptions o;
    o.jwks.url = url;
    o.jwks.fetch_timeout_ms = timeout_ms;
    o.jwks.min_refetch_interval_s = 30;
    o.audience = "bam";
    o.role_map = {{"bam-admin", "admin"}};
    StatusOr<std::unique_ptr<Authenticator>> a = Authenticator::Create(o);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return std::move(*a);
  }

  static std::string Token(const tk::RsaKeyPair& key) {
    return tk::MakeRs256Token(
        tk::StandardClaims(kNow, "bob",
                           {{"aud", "bam"}, {"realm_access", {{"roles", {"bam-admin"}}}}}),
        key);
  }

  size_t Fetches() const { return server_.requests().size(); }

  static inline std::shared_ptr<tk::RsaKeyPair> key1_;
  static inline std::shared_ptr<tk::RsaKeyPair> key2_;
  HttpRecorder server_;
};

TEST_F(JwksHttpTest, FetchesOnceAndCaches) {
  auto a = Make(server_.base_url() + "/realms/shop/protocol/openid-connect/certs");
  for (int i = 0; i < 3; ++i) {
    AuthResult r = a->AuthenticateToken(Token(*key1_), kNow + i);
    ASSERT_TRUE(r.ok()) << AuthFailureName(r.failure) << ": " << r.detail;
    EXPECT_EQ(r.principal.subject, "bob");
    EXPECT_TRUE(r.principal.Allows(http::Permission::kAdmin));
  }
  ASSERT_EQ(Fetches(), 1u);
  EXPECT_EQ(server_.requests()[0].method, "GET");
  EXPECT_EQ(server_.requests()[0].path, "/realms/shop/protocol/openid-connect/certs");
}

TEST_F(JwksHttpTest, NewKidTriggersOneRefetch) {
  auto a = Make(server_.base_url() + "/certs");
  ASSERT_TRUE(a->Prefetch(kNow).ok());
  ASSERT_TRUE(a->AuthenticateToken(Token(*key1_), kNow).ok());
  ASSERT_EQ(Fetches(), 1u);

  // The provider rotates: key-2 appears beside key-1. A token signed with it arriving within
  // the refetch interval of the last fetch is refused without hitting the provider...
  server_.Respond(200, tk::JwksJson({key1_, key2_}));
  EXPECT_EQ(a->AuthenticateToken(Token(*key2_), kNow + 29).failure, AuthFailure::kUnknownKey);
  EXPECT_EQ(Fetches(), 1u);
  // ...and triggers one refetch once the interval has passed.
  AuthResult r = a->AuthenticateToken(Token(*key2_), kNow + 30);
  EXPECT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(Fetches(), 2u);
  EXPECT_TRUE(a->AuthenticateToken(Token(*key1_), kNow + 31).ok());
  EXPECT_EQ(Fetches(), 2u);

  // A flood of unknown kids right after a fetch does not hit the provider again...
  auto key3 = tk::RsaKeyPair::Generate("kid-3");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(a->AuthenticateToken(Token(*key3), kNow + 31 + i).failure, AuthFailure::kUnknownKey);
  }
  EXPECT_EQ(Fetches(), 2u);
  // ...until the refetch interval has passed.
  server_.Respond(200, tk::JwksJson({key2_, key3}));
  EXPECT_TRUE(a->AuthenticateToken(Token(*key3), kNow + 60).ok());
  EXPECT_EQ(Fetches(), 3u);
  // key-1 was retired by the provider.
  EXPECT_EQ(a->AuthenticateToken(Token(*key1_), kNow + 60).failure, AuthFailure::kUnknownKey);
}

TEST_F(JwksHttpTest, FailedRefetchKeepsLastGoodKeys) {
  auto a = Make(server_.base_url() + "/certs");
  ASSERT_TRUE(a->AuthenticateToken(Token(*key1_), kNow).ok());
  server_.Respond(500, "oops");
  EXPECT_EQ(a->AuthenticateToken(Token(*key2_), kNow + 60).failure, AuthFailure::kUnknownKey);
  EXPECT_EQ(Fetches(), 2u);
  EXPECT_TRUE(a->AuthenticateToken(Token(*key1_), kNow + 61).ok());
  server_.Respond(200, "{\"keys\": [{\"kty\": \"EC\"}]}");
  EXPECT_EQ(a->AuthenticateToken(Token(*key2_), kNow + 120).failure, AuthFailure::kUnknownKey);
  EXPECT_TRUE(a->AuthenticateToken(Token(*key1_), kNow + 121).ok());
}

TEST_F(JwksHttpTest, ServerErrorIsKeysUnavailable) {
  server_.Respond(503, "down for maintenance");
  auto a = Make(server_.base_url() + "/certs");
  AuthResult r = a->AuthenticateToken(Token(*key1_), kNow);
  EXPECT_EQ(r.failure, AuthFailure::kKeysUnavailable);
  EXPECT_NE(r.detail.find("HTTP 503"), std::string::npos) << r.detail;
  EXPECT_EQ(r.HttpStatus(), 503);
  Status s = a->Prefetch(kNow);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  // Back up: picked up on the next allowed attempt.
  server_.Respond(200, tk::JwksJson({key1_}));
  EXPECT_TRUE(a->AuthenticateToken(Token(*key1_), kNow + 30).ok());
}

TEST_F(JwksHttpTest, RefusedConnectionIsAClearError) {
  LocalSocket closed(/*listening=*/false);
  auto a = Make(closed.url());
  AuthResult r = a->AuthenticateToken(Token(*key1_), kNow);
  EXPECT_EQ(r.failure, AuthFailure::kKeysUnavailable);
  EXPECT_NE(r.detail.find(closed.url()), std::string::npos) << r.detail;
}

TEST_F(JwksHttpTest, SilentServerTimesOutInsteadOfHanging) {
  LocalSocket silent(/*listening=*/true);
  auto a = Make(silent.url(), /*timeout_ms=*/300);
  AuthResult r = a->AuthenticateToken(Token(*key1_), kNow);
  EXPECT_EQ(r.failure, AuthFailure::kKeysUnavailable);
  EXPECT_NE(r.detail.find("timed out"), std::string::npos) << r.detail;
}

TEST_F(JwksHttpTest, GarbageJwksIsKeysUnavailable) {
  server_.Respond(200, "<html>login page</html>");
  auto a = Make(server_.base_url() + "/certs");
  AuthResult r = a->AuthenticateToken(Token(*key1_), kNow);
  EXPECT_EQ(r.failure, AuthFailure::kKeysUnavailable);
  EXPECT_NE(r.detail.find("not JSON"), std::string::npos) << r.detail;
}

TEST_F(JwksHttpTest, ConcurrentCallersShareOneFetch) {
  auto a = Make(server_.base_url() + "/certs");
  const std::string t = Token(*key1_);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 20; ++j) ok += a->AuthenticateToken(t, kNow).ok() ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 160);
  EXPECT_EQ(Fetches(), 1u);
}

TEST(JwkSetTest, SkipsUnusableKeysAndNamesThem) {
  auto key = tk::RsaKeyPair::Generate("good");
  auto small = tk::RsaKeyPair::Generate("small", 1024);
  json enc = key->PublicJwk();
  enc["use"] = "enc";
  enc["kid"] = "enc";
  json hs = key->PublicJwk();
  hs["alg"] = "HS256";
  hs["kid"] = "hs";
  json bad_n = key->PublicJwk();
  bad_n["n"] = "***";
  bad_n["kid"] = "bad-n";
  json doc = {{"keys",
               {json{{"kty", "EC"}, {"kid", "ec"}}, enc, hs, bad_n, small->PublicJwk(),
                json{{"kty", "oct"}, {"k", "c2VjcmV0"}}, "string",
                json{{"kty", 5}, {"kid", 7}, {"n", {1}}}, key->PublicJwk()}}};
  std::vector<std::string> skipped;
  StatusOr<JwkSet> set = JwkSet::Parse(doc.dump(), &skipped);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->keys().size(), 1u);
  EXPECT_EQ(set->keys()[0].kid, "good");
  EXPECT_NE(set->Find("good"), nullptr);
  EXPECT_EQ(set->Find("hs"), nullptr);
  ASSERT_EQ(skipped.size(), 8u);
  EXPECT_EQ(skipped[0], "keys[0] (kid \"ec\"): kty \"EC\" not supported");
  EXPECT_EQ(skipped[4], "keys[4] (kid \"small\"): RSA modulus of 1024 bits, under 2048");

  EXPECT_FALSE(JwkSet::Parse("{\"keys\": []}").ok());
  EXPECT_FALSE(JwkSet::Parse("{}").ok());
  EXPECT_FALSE(JwkSet::Parse("nope").ok());
}

}  // namespace
}  // namespace bam::rulesvc::auth
