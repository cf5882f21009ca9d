// Test helper: a blocking HTTP client on libcurl for the server tests. Thread-safe: each call uses
// its own curl handle (curl_global_init runs once, before the first request).
#ifndef BAM_EXPORTER_SERVER_TESTING_HTTP_CLIENT_H_
#define BAM_EXPORTER_SERVER_TESTING_HTTP_CLIENT_H_

#include <string>
#include <vector>

namespace bam::exporter::testing {

struct HttpResult {
  long status = 0;  // 0: transport error, see `error`
  std::string body;
  std::string headers;  // raw response header block(s)
  std::string content_type;
  std::string error;
};

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  bool chunked = false;              // send `body` with Transfer-Encoding: chunked
};

HttpResult Fetch(const HttpCall& call);

inline HttpResult Get(const std::string& url) { return Fetch({"GET", url, "", {}, false}); }

}  // namespace bam::exporter::testing

#endif  // BAM_EXPORTER_SERVER_TESTING_HTTP_CLIENT_H_
