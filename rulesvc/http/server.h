// Server: the rule service's HTTP(S) listener, on CivetWeb. Routes are (method, pattern) pairs;
// a pattern's `{name}` segments match one path segment each and arrive in
// ApiRequest::path_params. The whole body is read before the handler runs (bounded by
// ServerOptions::max_body_bytes: 413 beyond), the query string is decoded, header names are
// lower-cased. Unknown paths answer 404, known paths with another method 405 with `Allow`, in the
// API's JSON error shape. TLS when a certificate and key are configured.
//
// Thread-safety: Route/SetObserver before Start, from one thread. Handlers run on CivetWeb worker
// threads, CONCURRENTLY with each other (up to num_threads at once): they do their own locking.
#ifndef BAM_RULESVC_HTTP_SERVER_H_
#define BAM_RULESVC_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rulesvc/http/api_types.h"

struct mg_context;
struct mg_connection;

namespace bam::rulesvc::http {

// A route handler. Must not throw (an exception is answered with 500).
using Handler = std::function<ApiResponse(const ApiRequest&)>;

// Called for every request with the matched pattern ("" when none matched) just before its
// response is written (so a client that has its answer sees it counted), for metrics and logs.
// Runs on the worker thread; `seconds` is the time to produce the response.
using Observer = std::function<void(const ApiRequest&, std::string_view pattern, const ApiResponse&,
                                    double seconds)>;

struct ServerOptions {
  int num_threads = 16;            // concurrent requests
  int request_timeout_ms = 30000;  // to receive a whole request
  int64_t max_body_bytes = 8 << 20;
  std::string tls_cert_file;  // PEM chain; with tls_key_file, the listener speaks HTTPS only
  std::string tls_key_file;   // PEM private key
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();  // Stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // REQUIRES: not started. A later Route for the same method and pattern replaces the handler.
  void Route(const std::string& method, const std::string& pattern, Handler handler);
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

  // Listens on `listen_address` (common/listen_address.h syntax; port 0 = kernel's choice).
  // Returns false and sets *error when the address is malformed, cannot be bound, or the TLS
  // files cannot be loaded.
  bool Start(const std::string& listen_address, std::string* error);
  // Stops listening and waits for the requests in progress. Idempotent.
  void Stop();
  int port() const { return port_; }
  bool tls() const { return !options_.tls_cert_file.empty(); }

 private:
  struct Entry {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  static int Dispatch(mg_connection* conn, void* self);
  static int InitSsl(void* ssl_ctx, void* self);
  int Serve(mg_connection* conn);

  ServerOptions options_;
  std::vector<Entry> routes_;
  Observer observer_;
  mg_context* ctx_ = nullptr;
  int port_ = 0;
  std::string wake_host_;
};

// Exposed for tests. Splits a path into its segments ("/a/b/" -> {"a", "b"}).
std::vector<std::string> SplitPath(std::string_view path);
// True when `segments` of a path match a pattern's; fills *params with the `{name}` segments.
bool MatchSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                   std::map<std::string, std::string>* params);
// Decodes "a=1&b=x%20y&c" into {a:1, b:"x y", c:""}; the first of a repeated name wins.
std::map<std::string, std::string> ParseQueryString(std::string_view query);

}  // namespace bam::rulesvc::http

#endif  // BAM_RULESVC_HTTP_SERVER_H_
