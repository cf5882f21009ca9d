// PrometheusClient: instant queries against Prometheus's HTTP API (`GET /api/v1/query`), with a
// per-request timeout and a small TTL cache so that a burst of alerts asking the same question
// reaches Prometheus once; and uncached range queries (`GET /api/v1/query_range`) for KPI history.
//
// Errors are values, never exceptions: kUnavailable means "Prometheus did not answer usefully,
// retry later" (connection refused, timeout, HTTP 5xx, a body that is not Prometheus's JSON);
// kInvalidArgument means "the query is wrong" (HTTP 4xx, or status=error with an errorType such
// as bad_data).
//
// Thread-safety: this class is thread-safe.
#ifndef BAM_RULESVC_ENRICH_PROMETHEUS_CLIENT_H_
#define BAM_RULESVC_ENRICH_PROMETHEUS_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::enrich {

// One element of an instant vector.
struct Sample {
  std::map<std::string, std::string> labels;  // includes __name__ when Prometheus returns it
  double value = 0;
};

struct QueryResult {
  enum class Type { kVector, kScalar };
  Type type = Type::kVector;
  std::vector<Sample> samples;  // kVector; may be empty ("no data")
  double scalar = 0;            // kScalar
};

// Parses the body of a /api/v1/query answer received with HTTP status `http_status`. Exposed for
// tests. 2xx with status=success -> the result; 4xx or status=error -> kInvalidArgument with
// "<errorType>: <error>"; 5xx or unparsable -> kUnavailable. Matrix and string results are
// kInvalidArgument (the enricher only asks instant vectors and scalars).
StatusOr<QueryResult> ParseQueryResponse(long http_status, std::string_view body);

// One series of a range query: its labels and its points, oldest first.
struct RangeSeries {
  std::map<std::string, std::string> labels;
  std::vector<std::pair<int64_t, double>> points;  // (Unix milliseconds, value)
};

struct RangeResult {
  std::vector<RangeSeries> series;  // as Prometheus returns them; may be empty ("no data")
};

// Prometheus refuses a range query of more than this many points per series ("exceeded maximum
// resolution of 11,000 points per timeseries"); callers check before asking.
inline constexpr int64_t kMaxRangePoints = 11000;

// Parses the body of a /api/v1/query_range answer; the same error mapping as ParseQueryResponse.
// Anything but a matrix is kInvalidArgument. Exposed for tests.
StatusOr<RangeResult> ParseRangeResponse(long http_status, std::string_view body);

class PrometheusClient {
 public:
  struct Options {
    std::string url;  // base URL, e.g. "http://127.0.0.1:9090" (a trailing '/' is ignored)
    std::chrono::milliseconds timeout{5000};     // per request, connection included
    std::chrono::milliseconds cache_ttl{60000};  // how long an answer is reused; 0 disables
    // Query times are rounded down to a multiple of this before querying and caching, so alerts
    // of one burst evaluated a few seconds apart share answers. 0 or 1 ms: no rounding.
    std::chrono::milliseconds time_step{15000};
    // Monotonic clock for the TTL (tests inject one). Default: steady_clock::now.
    std::function<std::chrono::steady_clock::time_point()> now = {};
  };

  struct CacheStats {
    int64_t hits = 0;
    int64_t misses = 0;  // requests sent to Prometheus (failed ones included)
  };

  explicit PrometheusClient(Options options);
  PrometheusClient(const PrometheusClient&) = delete;
  PrometheusClient& operator=(const PrometheusClient&) = delete;

  // Evaluates `query` at `time_ms` (Unix milliseconds, rounded down to time_step). `timeout`
  // (if > 0) lowers the per-request timeout for this call (the caller's remaining budget).
  // Successful answers are cached for cache_ttl; errors are not cached.
  StatusOr<QueryResult> Query(const std::string& query, int64_t time_ms,
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(0));

  // Evaluates `query` at every `step_ms` from `start_ms` to `end_ms` (inclusive, Unix ms), not
  // cached and not rounded. REQUIRES: step_ms > 0, start_ms <= end_ms, and at most
  // kMaxRangePoints points (else kInvalidArgument without asking Prometheus).
  StatusOr<RangeResult> QueryRange(
      const std::string& query, int64_t start_ms, int64_t end_ms, int64_t step_ms,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) const;

  // The time actually used for a query at `time_ms`.
  int64_t RoundTime(int64_t time_ms) const;

  CacheStats cache_stats() const;

 private:
  StatusOr<QueryResult> Fetch(const std::string& query, int64_t time_ms,
                              std::chrono::milliseconds timeout) const;
  // GET <url><path_and_query>; the HTTP status and body, or kUnavailable when unreachable.
  StatusOr<std::pair<long, std::string>> Get(const std::string& path_and_query,
                                             std::chrono::milliseconds timeout) const;
  // curl-escaped `s`.
  static std::string Escape(const std::string& s);

  struct Entry {
    QueryResult result;
    std::chrono::steady_clock::time_point expires;
  };

  const Options options_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int64_t>, Entry> cache_;  // guarded by mu_
  CacheStats stats_;                                        // guarded by mu_
};

}  // namespace bam::rulesvc::enrich

#endif  // BAM_RULESVC_ENRICH_PROMETHEUS_CLIENT_H_
