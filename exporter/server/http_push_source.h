// HttpPushSource: the `http` source. Senders POST lines (NDJSON for `format: json`, one line per
// line otherwise) to the configured path on the exporter's HttpServer; each request is answered
// only after every line of its body has been handed to the sink, so a 2xx means "counted" and a
// sender may safely retry anything else. Protocol, status codes and response body: docs/http.md.
//
// A request's body is read whole (at most max_body_bytes; more is refused with 413 and nothing of
// it is counted) before its lines go to the sink, under a mutex, so the lines of one request are
// never interleaved with another's and the single-threaded sink sees one caller at a time.
//
// Thread-safety: Start/Stop/Status follow LiveSource (daemon's main thread; Status may be called
// while running, from any thread). Requests are served concurrently on the server's worker threads.
#ifndef BAM_EXPORTER_SERVER_HTTP_PUSH_SOURCE_H_
#define BAM_EXPORTER_SERVER_HTTP_PUSH_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "exporter/config/config.h"
#include "exporter/server/http_server.h"
#include "exporter/sources/live_source.h"
#include "exporter/store/self_metrics.h"

namespace bam::exporter {

class HttpPushSource : public LiveSource {
 public:
  // At most this many rejected lines are listed in a response's "errors" (all are counted).
  static constexpr size_t kMaxListedErrors = 100;

  // `config` must be an http source (config.kind == kHttp); it is copied. `server` and `metrics`
  // are not owned and must outlive this object; `metrics` may be null (tests). The server may be
  // started before or after Start().
  HttpPushSource(const SourceConfig& config, HttpServer* server, SelfMetrics* metrics);
  ~HttpPushSource() override;  // Stop()s and unroutes the path.

  // Routes POST <path> to this source; returns true (it cannot fail: the listener belongs to the
  // server). Creates the bam_exporter_source_errors_total series it may need.
  bool Start(LineSink* sink, std::string* error) override;

  // From now on requests are answered 503; waits for the requests already counting lines to
  // finish, so the sink is not called after Stop returns. Idempotent.
  void Stop() override;

  // kind "http", one input "POST <path>": offset = body bytes accepted, lines = lines delivered.
  SourceStatus Status() const override;

 private:
  struct State;  // shared with the route handler, which may outlive this object briefly

  SourceConfig config_;
  HttpServer* server_;
  SelfMetrics* metrics_;
  std::shared_ptr<State> state_;
  uint64_t route_id_ = 0;
};

// Compares a secret in time that depends only on `expected`'s length, not on where they differ.
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SERVER_HTTP_PUSH_SOURCE_H_
