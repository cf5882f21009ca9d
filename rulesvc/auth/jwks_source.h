// Where the RS256 verification keys come from: an OIDC provider's JWKS URL (Keycloak
// `.../protocol/openid-connect/certs`, Azure AD `.../discovery/v2.0/keys`), fetched with libcurl
// and cached, or a local JWKS file. Key rotation: a token whose `kid` is not in the cached set
// triggers a refetch, at most once per min_refetch_interval_s, so a flood of forged kids cannot
// turn the service into a load generator against the provider. A failed fetch keeps the last good
// set. Times are the caller's `now_s` (seconds since the epoch), so tests need no clock.
//
// Thread-safety: thread-safe. A fetch runs without the lock: callers whose key is cached never
// wait for it; callers that need the fetch's result wait for that one fetch.
#ifndef BAM_RULESVC_AUTH_JWKS_SOURCE_H_
#define BAM_RULESVC_AUTH_JWKS_SOURCE_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "rulesvc/auth/jwks.h"
#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::auth {

struct JwksSourceOptions {
  std::string url;                  // http:// or https:// JWKS URL; or:
  std::string file;                 // a JWKS file, read on first use and on each allowed refetch
  int64_t fetch_timeout_ms = 5000;  // whole transfer, connection included
  int64_t min_refetch_interval_s = 30;  // between two fetch attempts triggered by unknown kids
  int64_t max_age_s = 3600;             // a set older than this is refetched on next use
};

class JwksSource {
 public:
  explicit JwksSource(JwksSourceOptions options);
  JwksSource(const JwksSource&) = delete;
  JwksSource& operator=(const JwksSource&) = delete;

  // The key set to verify with at `now_s`. Fetches when nothing is cached yet, when the cache is
  // older than max_age_s, or when `want_kid` is non-empty and not in the cached set, always
  // subject to min_refetch_interval_s between attempts. Returns the cached set (possibly
  // without `want_kid`), or Unavailable with the last fetch error when no set was ever loaded.
  StatusOr<std::shared_ptr<const JwkSet>> Get(int64_t now_s, const std::string& want_kid);

  // Fetches now, whatever the interval; the set is replaced only on success.
  Status Refresh(int64_t now_s);

  // Number of fetch attempts so far (file reads count too). For tests and metrics.
  int64_t fetch_attempts() const;

 private:
  // Reads the file or fetches the URL and parses it. Called without mu_.
  StatusOr<std::shared_ptr<const JwkSet>> Load() const;
  // REQUIRES: lock holds mu_ and !fetching_. Releases mu_ during the fetch.
  Status FetchLocked(std::unique_lock<std::mutex>& lock, int64_t now_s);

  const JwksSourceOptions options_;
  mutable std::mutex mu_;  // guards everything below; not held during a fetch
  std::condition_variable fetched_;
  bool fetching_ = false;
  std::shared_ptr<const JwkSet> keys_;
  int64_t loaded_at_s_ = 0;
  bool attempted_ = false;
  int64_t last_attempt_s_ = 0;
  int64_t attempts_ = 0;
  Status last_error_;
};

// GET `url` with libcurl: only http and https, no redirects to other protocols, a body cap of
// 1 MiB, a 2xx answer required. Unavailable on any failure, with curl's reason or the HTTP status.
StatusOr<std::string> HttpGetSmall(const std::string& url, int64_t timeout_ms);

}  // namespace bam::rulesvc::auth

#endif  // BAM_RULESVC_AUTH_JWKS_SOURCE_H_
