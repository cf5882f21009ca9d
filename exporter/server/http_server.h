// HttpServer: the exporter's HTTP listener, on CivetWeb. It serves the Prometheus-style endpoints
// (telemetry path, /-/healthy, /-/ready, /-/reload, the status page at / and /status.json) and any
// route added with AddHandler (the HTTP push sources). It knows nothing of the exporter: every
// endpoint gets its content from a callback set by the daemon. Endpoints and status codes are
// documented in docs/http.md.
//
// Thread-safety: Start/Stop and the Set*Handler calls are for one thread (the daemon's main
// thread); AddHandler/RemoveHandler and port() are thread-safe and may be called while serving.
// Callbacks and handlers run on CivetWeb worker threads and MAY RUN CONCURRENTLY with each other
// and with themselves (up to HttpServerOptions::num_threads at once): they must do their own
// locking.
#ifndef BAM_EXPORTER_SERVER_HTTP_SERVER_H_
#define BAM_EXPORTER_SERVER_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/listen_address.h"
#include "exporter/server/status_page.h"

struct mg_context;
struct mg_connection;

namespace bam::exporter {

// One request, valid only during the handler call. Not thread-safe (one request, one thread).
class HttpRequest {
 public:
  std::string_view method() const { return method_; }
  std::string_view path() const { return path_; }  // URL-decoded, without the query string
  // Value of the first header named `name` (case-insensitive), or "" if absent.
  std::string_view Header(const char* name) const;
  // Content-Length, or -1 when the request has none (chunked body, or no body).
  int64_t content_length() const { return content_length_; }
  // Reads up to `size` bytes of the (de-chunked) body into `buf`. Returns the bytes read, 0 at the
  // end of the body, or a negative value on a read error (client gone, timeout).
  int64_t ReadBody(char* buf, size_t size);

 private:
  friend class HttpServer;
  HttpRequest(mg_connection* conn, std::string_view method, std::string_view path,
              int64_t content_length)
      : conn_(conn), method_(method), path_(path), content_length_(content_length) {}

  mg_connection* conn_;
  std::string_view method_;
  std::string_view path_;
  int64_t content_length_;
  bool body_started_ = false;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. WWW-Authenticate
  std::string body;

  static HttpResponse Text(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
};

// A route handler. Runs on a worker thread; see the thread-safety note above. Must not throw (an
// exception is answered with 500 and otherwise ignored).
using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

struct HttpServerOptions {
  std::string telemetry_path = "/metrics";  // default "/metrics" (--web.telemetry-path)
  int num_threads = 8;                      // default 8 worker threads = max concurrent requests
  int request_timeout_ms = 30000;           // default 30 s to receive a request, body included
};

class HttpServer {
 public:
  using MetricsCallback = std::function<std::string()>;  // returns the text exposition
  using ReadyCallback = std::function<bool()>;
  using ReloadCallback = std::function<ReloadResult()>;
  using StatusCallback = std::function<ServerStatus()>;

  explicit HttpServer(HttpServerOptions options = {});
  ~HttpServer();  // Stop()s.

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Endpoint callbacks. REQUIRES: called before Start(). Unset: the telemetry path serves an empty
  // exposition, /-/ready always answers ready, /-/reload is not routed (404), and the status page
  // lists no sources.
  void SetMetricsHandler(MetricsCallback cb) { metrics_ = std::move(cb); }
  void SetReadyHandler(ReadyCallback cb) { ready_ = std::move(cb); }
  void SetReloadHandler(ReloadCallback cb) { reload_ = std::move(cb); }
  void SetStatusHandler(StatusCallback cb) { status_ = std::move(cb); }

  // Routes `method` (e.g. "POST") requests for exactly `path` to `handler`, replacing any previous
  // handler for the same method and path. A path with handlers answers other methods with 405. May
  // be called before or after Start. Returns an id for RemoveHandler.
  uint64_t AddHandler(const std::string& method, const std::string& path, HttpHandler handler);

  // Removes the handler for (method, path) if it is still the one registered under `id` (a later
  // AddHandler for the same route wins and is left alone). A request already dispatched to it may
  // still be running when this returns: the handler must keep what it touches alive (capture a
  // shared_ptr) or wait for its own in-flight requests.
  void RemoveHandler(const std::string& method, const std::string& path, uint64_t id);

  // Listens on `listen_address`: "IPv4:PORT" (e.g. "127.0.0.1:9780"; port 0 picks a free port,
  // read it back with port()), ":PORT" or "0.0.0.0:PORT" for all interfaces, "localhost:PORT",
  // or "[IPv6]:PORT". Returns false and sets *error if the address is malformed or cannot be bound.
  // REQUIRES: not started.
  bool Start(const std::string& listen_address, std::string* error);

  // Stops listening and waits for every request in progress to finish. Idempotent.
  void Stop();

  // The bound port (the real one when started with port 0); 0 when not started.
  int port() const { return port_; }

 private:
  struct Route {
    uint64_t id;
    HttpHandler handler;
  };

  static int Dispatch(mg_connection* conn, void* self);
  int Serve(mg_connection* conn);
  void AddBuiltinRoutes();

  HttpServerOptions options_;
  MetricsCallback metrics_;
  ReadyCallback ready_;
  ReloadCallback reload_;
  StatusCallback status_;

  mutable std::shared_mutex routes_mu_;
  std::map<std::string, std::map<std::string, std::shared_ptr<const Route>>>
      routes_;  // path, method
  uint64_t next_id_ = 1;

  mg_context* ctx_ = nullptr;
  int port_ = 0;
  std::string wake_host_;  // where Stop() connects to wake CivetWeb's listener
};

using ::bam::ToCivetListeningPort;  // common/listen_address.h, kept here for the tests

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SERVER_HTTP_SERVER_H_
