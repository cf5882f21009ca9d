// HTTP output: NDJSON batches POSTed with libcurl (one reused easy handle, so one keep-alive
// connection).
#include <curl/curl.h>

#include <chrono>
#include <thread>

#include "loggen/output.h"

namespace bam::loggen {
namespace {

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

class HttpOutput : public Output {
 public:
  HttpOutput(HttpOutputOptions options, CURL* curl) : options_(std::move(options)), curl_(curl) {
    headers_ = curl_slist_append(nullptr, "Content-Type: application/x-ndjson");
    curl_easy_setopt(curl_, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 30000L);
  }
  ~HttpOutput() override { Release(); }

  Status Write(std::string_view lines) override {
    while (!lines.empty()) {
      size_t take = lines.size();
      if (take > options_.max_batch_bytes) {
        size_t cut = lines.rfind('\n', options_.max_batch_bytes - 1);
        take = cut == std::string_view::npos ? lines.find('\n') + 1 : cut + 1;
      }
      if (Status s = Post(lines.substr(0, take)); !s.ok()) return s;
      lines.remove_prefix(take);
    }
    return Status();
  }

  Status Close() override {
    Release();
    return Status();
  }

 private:
  Status Post(std::string_view body) {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    std::string last_error;
    for (int attempt = 0; attempt <= options_.retries; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
      CURLcode rc = curl_easy_perform(curl_);
      if (rc != CURLE_OK) {
        last_error = curl_easy_strerror(rc);
        continue;
      }
      long code = 0;
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
      if (code >= 200 && code < 300) return Status();
      last_error = "HTTP " + std::to_string(code);
      if (code < 500) break;  // the receiver refuses this batch: retrying will not help
    }
    return Status::Error("POST " + options_.url + ": " + last_error);
  }

  void Release() {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
    if (headers_ != nullptr) curl_slist_free_all(headers_);
    curl_ = nullptr;
    headers_ = nullptr;
  }

  HttpOutputOptions options_;
  CURL* curl_;
  curl_slist* headers_ = nullptr;
};

}  // namespace

std::unique_ptr<Output> OpenHttpOutput(const HttpOutputOptions& options, std::string* error) {
  static const bool kInit = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  CURL* curl = kInit ? curl_easy_init() : nullptr;
  if (curl == nullptr) {
    *error = "cannot initialise libcurl";
    return nullptr;
  }
  return std::make_unique<HttpOutput>(options, curl);
}

}  // namespace bam::loggen
