#include "rulesvc/enrich/prometheus_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace bam::rulesvc::enrich {
namespace {

using nlohmann::json;

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Prometheus encodes sample values as strings ("1.5", "NaN", "+Inf").
bool ParseValue(const json& pair, double* out) {
  if (!pair.is_array() || pair.size() != 2 || !pair[1].is_string()) return false;
  const std::string& s = pair[1].get_ref<const std::string&>();
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end != s.c_str() && *end == '\0';
}

std::string TimeParam(int64_t ms) {
  std::string s = std::to_string(ms / 1000);
  if (int64_t frac = ms % 1000; frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac));
    s += buf;
  }
  return s;
}

// libcurl's global state, initialised once (curl_global_init is not thread-safe).
void GlobalInit() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

// The API envelope: {"status": "success", "data": {...}} -> data, with the error mapping of
// ParseQueryResponse.
StatusOr<json> ParseEnvelope(long http_status, std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const bool is_object = !j.is_discarded() && j.is_object();
  if (is_object && j.value("status", "") == "error") {
    std::string msg = j.value("errorType", "error") + ": " + j.value("error", "");
    if (http_status >= 500) return Status::Unavailable("prometheus: " + msg);
    return Status::InvalidArgument("prometheus: " + msg);
  }
  if (http_status >= 500) {
    return Status::Unavailable("prometheus answered HTTP " + std::to_string(http_status));
  }
  if (http_status >= 400) {
    return Status::InvalidArgument("prometheus answered HTTP " + std::to_string(http_status));
  }
  if (!is_object || j.value("status", "") != "success" || !j.contains("data") ||
      !j["data"].is_object()) {
    return Status::Unavailable("prometheus answered an unexpected body");
  }
  return std::move(j["data"]);
}

}  // namespace

StatusOr<RangeResult> ParseRangeResponse(long http_status, std::string_view body) {
  StatusOr<json> envelope = ParseEnvelope(http_status, body);
  if (!envelope.ok()) return envelope.status();
  const json& data = *envelope;
  const std::string type = data.value("resultType", "");
  if (type != "matrix") {
    return Status::InvalidArgument("range query returned a " + type + ", not a matrix");
  }
  const json& result = data.contains("result") ? data["result"] : json();
  if (!result.is_array()) return Status::Unavailable("prometheus answered a malformed matrix");
  RangeResult out;
  for (const json& e : result) {
    RangeSeries series;
    if (!e.is_object() || !e.contains("values") || !e["values"].is_array()) {
      return Status::Unavailable("prometheus answered a malformed series");
    }
    for (const json& pair : e["values"]) {
      double v = 0;
      if (!ParseValue(pair, &v) || !pair[0].is_number()) {
        return Status::Unavailable("prometheus answered a malformed point");
      }
      series.points.emplace_back(std::llround(pair[0].get<double>() * 1000), v);
    }
    if (e.contains("metric") && e["metric"].is_object()) {
      for (const auto& [k, v] : e["metric"].items()) {
        if (v.is_string()) series.labels[k] = v.get<std::string>();
      }
    }
    out.series.push_back(std::move(series));
  }
  return out;
}

StatusOr<QueryResult> ParseQueryResponse(long http_status, std::string_view body) {
  StatusOr<json> envelope = ParseEnvelope(http_status, body);
  if (!envelope.ok()) return envelope.status();
  const json& data = *envelope;
  const std::string type = data.value("resultType", "");
  const json& result = data.contains("result") ? data["result"] : json();
  QueryResult out;
  if (type == "scalar") {
    out.type = QueryResult::Type::kScalar;
    if (!ParseValue(result, &out.scalar)) {
      return Status::Unavailable("prometheus answered a malformed scalar");
    }
    return out;
  }
  if (type != "vector") {
    return Status::InvalidArgument("query returned a " + type + ", not an instant vector");
  }
  if (!result.is_array()) return Status::Unavailable("prometheus answered a malformed vector");
  for (const json& e : result) {
    Sample s;
    if (!e.is_object() || !e.contains("value") || !ParseValue(e["value"], &s.value)) {
      return Status::Unavailable("prometheus answered a malformed sample");
    }
    if (e.contains("metric") && e["metric"].is_object()) {
      for (const auto& [k, v] : e["metric"].items()) {
        if (v.is_string()) s.labels[k] = v.get<std::string>();
      }
    }
    out.samples.push_back(std::move(s));
  }
  return out;
}

PrometheusClient::PrometheusClient(Options options) : options_(std::move(options)) { GlobalInit(); }

int64_t PrometheusClient::RoundTime(int64_t time_ms) const {
  const int64_t step = options_.time_step.count();
  if (step <= 1) return time_ms;
  int64_t r = time_ms % step;
  if (r < 0) r += step;
  return time_ms - r;
}

StatusOr<QueryResult> PrometheusClient::Query(const std::string& query, int64_t time_ms,
                                              std::chrono::milliseconds timeout) {
  const int64_t t = RoundTime(time_ms);
  auto key = std::make_pair(query, t);
  const auto now = options_.now ? options_.now() : std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires > now) {
      ++stats_.hits;
      return it->second.result;
    }
    ++stats_.misses;
  }
  std::chrono::milliseconds limit = options_.timeout;
  if (timeout.count() > 0) limit = std::min(limit, timeout);
  StatusOr<QueryResult> r = Fetch(query, t, limit);
  if (r.ok() && options_.cache_ttl.count() > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = cache_.begin(); it != cache_.end();) {
      it = it->second.expires <= now ? cache_.erase(it) : std::next(it);
    }
    cache_[std::move(key)] = Entry{r.value(), now + options_.cache_ttl};
  }
  return r;
}

PrometheusClient::CacheStats PrometheusClient::cache_stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

StatusOr<QueryResult> PrometheusClient::Fetch(const std::string& query, int64_t time_ms,
                                              std::chrono::milliseconds timeout) const {
  auto got = Get("/api/v1/query?query=" + Escape(query) + "&time=" + TimeParam(time_ms), timeout);
  if (!got.ok()) return got.status();
  return ParseQueryResponse(got->first, got->second);
}

StatusOr<RangeResult> PrometheusClient::QueryRange(const std::string& query, int64_t start_ms,
                                                   int64_t end_ms, int64_t step_ms,
                                                   std::chrono::milliseconds timeout) const {
  if (step_ms <= 0 || start_ms > end_ms) {
    return Status::InvalidArgument("range query needs step > 0 and start <= end");
  }
  if ((end_ms - start_ms) / step_ms + 1 > kMaxRangePoints) {
    return Status::InvalidArgument("range query of more than " + std::to_string(kMaxRangePoints) +
                                   " points per series");
  }
  std::chrono::milliseconds limit = options_.timeout;
  if (timeout.count() > 0) limit = std::min(limit, timeout);
  auto got = Get("/api/v1/query_range?query=" + Escape(query) + "&start=" + TimeParam(start_ms) +
                     "&end=" + TimeParam(end_ms) + "&step=" + TimeParam(step_ms),
                 limit);
  if (!got.ok()) return got.status();
  return ParseRangeResponse(got->first, got->second);
}

std::string PrometheusClient::Escape(const std::string& s) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return std::string();
  char* escaped = curl_easy_escape(curl, s.c_str(), static_cast<int>(s.size()));
  std::string out = escaped ? escaped : "";
  curl_free(escaped);
  curl_easy_cleanup(curl);
  return out;
}

StatusOr<std::pair<long, std::string>> PrometheusClient::Get(
    const std::string& path_and_query, std::chrono::milliseconds timeout) const {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status::Internal("curl_easy_init failed");
  std::string base = options_.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base + path_and_query;
  std::string body;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM (threads)
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(1, timeout.count())));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(curl);
  long http_status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return Status::Unavailable("prometheus unreachable: " +
                               std::string(error[0] ? error : curl_easy_strerror(rc)));
  }
  return std::make_pair(http_status, std::move(body));
}

}  // namespace bam::rulesvc::enrich
