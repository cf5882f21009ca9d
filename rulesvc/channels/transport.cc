#include "rulesvc/channels/transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "common/read_file.h"

namespace bam::rulesvc::channels {
namespace {

size_t CollectBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* out = static_cast<std::string*>(user);
  size_t n = size * nmemb;
  if (out->size() < 4096) out->append(data, std::min(n, 4096 - out->size()));
  return n;  // keep reading (and discarding) past 4 KiB
}

std::string Sanitise(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= 200) {
      out += "...";
      break;
    }
    out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

void EnsureCurlInitialised() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

DeliveryResult ClassifyHttpStatus(int status, const std::string& excerpt) {
  if (status >= 200 && status < 300) return DeliveryResult::Ok(status);
  DeliveryResult r;
  r.http_status = status;
  r.retryable = status == 408 || status == 429 || status >= 500;
  r.error = "HTTP " + std::to_string(status);
  std::string clean = Sanitise(excerpt);
  if (!clean.empty()) r.error += ": " + clean;
  return r;
}

DeliveryResult ClassifyCurlError(int curl_code) {
  DeliveryResult r;
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_AGAIN:
    case CURLE_WRITE_ERROR:
      r.retryable = true;
      break;
    default:
      r.retryable = false;
  }
  r.error = std::string("transport error: ") + curl_easy_strerror(static_cast<CURLcode>(curl_code));
  return r;
}

DeliveryResult PostHttp(const HttpPost& post, const ChannelOptions& options) {
  EnsureCurlInitialised();
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {false, true, 0, {}, "transport error: cannot create a curl handle"};
  curl_slist* headers = nullptr;
  for (const std::string& h : post.headers) headers = curl_slist_append(headers, h.c_str());
  headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(headers, curl_slist_free_all);

  std::string response;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "bam-rulesvc");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  if (!post.basic_user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, post.basic_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, post.basic_password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return ClassifyCurlError(rc);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  DeliveryResult r = ClassifyHttpStatus(static_cast<int>(status), response);
  curl_off_t retry_after = 0;
  if (!r.ok && curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
      retry_after > 0) {
    r.retry_after = std::chrono::seconds(retry_after);
  }
  return r;
}

std::string RedactUrl(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "…";
  size_t host_start = scheme_end + 3;
  size_t host_end = url.find_first_of("/?#", host_start);
  std::string authority = url.substr(
      host_start, host_end == std::string::npos ? std::string::npos : host_end - host_start);
  size_t at = authority.rfind('@');
  if (at != std::string::npos) authority = authority.substr(at + 1);
  std::string out = url.substr(0, host_start) + authority;
  if (host_end != std::string::npos && host_end + 1 < url.size()) out += "/…";
  return out;
}

bool ReadSecretFile(const std::string& path, std::string* secret, std::string* error) {
  std::string text, why;
  if (!ReadFile(path, &text, &why)) {
    *error = "cannot read secret file " + path + ": " + why;
    return false;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) {
    *error = "secret file " + path + " is empty";
    return false;
  }
  *secret = std::move(text);
  return true;
}

}  // namespace bam::rulesvc::channels
