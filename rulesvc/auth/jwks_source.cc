#include "rulesvc/auth/jwks_source.h"

#include <curl/curl.h>

#include <fstream>
#include <sstream>
#include <utility>

namespace bam::rulesvc::auth {
namespace {

constexpr size_t kMaxJwksBytes = 1 << 20;

struct Body {
  std::string data;
  bool too_big = false;
};

size_t Write(char* ptr, size_t size, size_t nmemb, void* user) {
  Body* body = static_cast<Body*>(user);
  const size_t n = size * nmemb;
  if (body->data.size() + n > kMaxJwksBytes) {
    body->too_big = true;
    return 0;  // aborts the transfer
  }
  body->data.append(ptr, n);
  return n;
}

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

StatusOr<std::string> HttpGetSmall(const std::string& url, int64_t timeout_ms) {
  GlobalInitOnce();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::Internal("curl_easy_init failed");
  Body body;
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "bam-rulesvc");
  const CURLcode rc = curl_easy_perform(c);
  if (body.too_big) {
    return Status::Unavailable("GET " + url + ": body larger than " +
                               std::to_string(kMaxJwksBytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    return Status::Unavailable("GET " + url + ": " +
                               (errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc)));
  }
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (code < 200 || code > 299) {
    return Status::Unavailable("GET " + url + ": HTTP " + std::to_string(code));
  }
  return std::move(body.data);
}

JwksSource::JwksSource(JwksSourceOptions options) : options_(std::move(options)) {}

StatusOr<std::shared_ptr<const JwkSet>> JwksSource::Load() const {
  std::string text;
  const std::string& from = options_.url.empty() ? options_.file : options_.url;
  if (!options_.url.empty()) {
    StatusOr<std::string> body = HttpGetSmall(options_.url, options_.fetch_timeout_ms);
    if (!body.ok()) return body.status();
    text = std::move(*body);
  } else {
    std::ifstream in(options_.file, std::ios::binary);
    if (!in) return Status::Unavailable("cannot read JWKS file " + options_.file);
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  StatusOr<JwkSet> set = JwkSet::Parse(text);
  if (!set.ok()) return Status::Unavailable(from + ": " + set.status().message());
  return std::make_shared<const JwkSet>(std::move(*set));
}

Status JwksSource::FetchLocked(std::unique_lock<std::mutex>& lock, int64_t now_s) {
  fetching_ = true;
  attempted_ = true;
  last_attempt_s_ = now_s;
  ++attempts_;
  lock.unlock();
  StatusOr<std::shared_ptr<const JwkSet>> loaded = Load();
  lock.lock();
  fetching_ = false;
  fetched_.notify_all();
  if (!loaded.ok()) {
    last_error_ = loaded.status();
    return last_error_;
  }
  keys_ = std::move(*loaded);
  loaded_at_s_ = now_s;
  last_error_ = Status();
  return {};
}

Status JwksSource::Refresh(int64_t now_s) {
  std::unique_lock<std::mutex> lock(mu_);
  fetched_.wait(lock, [this] { return !fetching_; });
  return FetchLocked(lock, now_s);
}

StatusOr<std::shared_ptr<const JwkSet>> JwksSource::Get(int64_t now_s,
                                                        const std::string& want_kid) {
  std::unique_lock<std::mutex> lock(mu_);
  auto stale = [&] {
    return keys_ == nullptr || now_s - loaded_at_s_ >= options_.max_age_s ||
           (!want_kid.empty() && keys_->Find(want_kid) == nullptr);
  };
  if (stale()) {
    if (fetching_) {
      // Someone is fetching what we need: wait for that result rather than start another.
      fetched_.wait(lock, [this] { return !fetching_; });
    } else if (!attempted_ || now_s - last_attempt_s_ >= options_.min_refetch_interval_s ||
               now_s < last_attempt_s_) {  // the clock went back: do not stay stuck
      (void)FetchLocked(lock, now_s);
    }
  }
  if (keys_ == nullptr) {
    return Status::Unavailable(last_error_.ok() ? "no JWKS loaded yet" : last_error_.message());
  }
  return keys_;
}

int64_t JwksSource::fetch_attempts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return attempts_;
}

}  // namespace bam::rulesvc::auth
