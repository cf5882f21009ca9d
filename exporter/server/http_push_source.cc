#include "exporter/server/http_push_source.h"

#include <strings.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace bam::exporter {
namespace {

constexpr size_t kReadChunk = 64 << 10;

// Forwards to the source's sink and records, per line, whether the sink counted it.
class CountingSink : public LineSink {
 public:
  explicit CountingSink(LineSink* sink) : sink_(sink) {}

  void OnLine(std::string_view line) override {
    sink_->OnLine(line);
    Record(sink_->LastRejection(), "");
  }
  void OnTooLong() override {
    sink_->OnTooLong();
    Record(sink_->LastRejection(), "too_long");  // never counted, whatever the sink says
  }
  std::string_view LastRejection() const override { return sink_->LastRejection(); }

  uint64_t lines = 0;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  std::vector<std::pair<uint64_t, std::string>> errors;  // 1-based line number, reason

 private:
  void Record(std::string_view reason, std::string_view fallback) {
    ++lines;
    if (reason.empty()) reason = fallback;
    if (reason.empty()) {
      ++accepted;
      return;
    }
    ++rejected;
    if (errors.size() < HttpPushSource::kMaxListedErrors) errors.emplace_back(lines, reason);
  }

  LineSink* sink_;
};

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return r;
}

HttpResponse JsonError(int status, const std::string& message) {
  return JsonResponse(status, {{"error", message}});
}

}  // namespace

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  unsigned diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= g ^ static_cast<unsigned char>(expected[i]);
  }
  return diff == 0;
}

struct HttpPushSource::State {
  std::string source;
  std::string input_name;  // "POST /ingest"
  uint64_t max_body_bytes = 0;
  uint64_t max_line_bytes = 0;
  std::string bearer_token;

  mutable std::mutex mu;  // guards everything below except sink calls
  std::condition_variable idle;
  bool accepting = false;
  int in_flight = 0;
  LineSink* sink = nullptr;
  uint64_t bytes = 0;
  uint64_t lines = 0;
  std::string last_error;
  prometheus::Counter* oversize = nullptr;
  prometheus::Counter* unauthorized = nullptr;
  prometheus::Counter* read_error = nullptr;

  std::mutex sink_mu;  // the sink is single-threaded: one request's lines at a time

  HttpResponse Handle(HttpRequest& request);
  HttpResponse Fail(prometheus::Counter* counter, HttpResponse response, std::string error) {
    if (counter != nullptr) counter->Increment();
    std::lock_guard lock(mu);
    last_error = std::move(error);
    return response;
  }
};

HttpResponse HttpPushSource::State::Handle(HttpRequest& request) {
  LineSink* target;
  {
    std::lock_guard lock(mu);
    if (!accepting) return JsonError(503, "source " + source + " is not running");
    ++in_flight;
    target = sink;
  }
  struct Done {
    State* s;
    ~Done() {
      std::lock_guard lock(s->mu);
      if (--s->in_flight == 0) s->idle.notify_all();
    }
  } done{this};

  if (!bearer_token.empty()) {
    std::string_view auth = request.Header("Authorization");
    bool ok = false;
    if (auth.size() > 7 && strncasecmp(auth.data(), "Bearer ", 7) == 0) {
      std::string_view token = auth.substr(7);
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
      ok = ConstantTimeEquals(token, bearer_token);
    }
    if (!ok) {
      HttpResponse r =
          JsonError(401, auth.empty() ? "missing bearer token" : "invalid bearer token");
      r.headers.emplace_back("WWW-Authenticate", auth.empty() ? "Bearer realm=\"bam-exporter\""
                                                              : "Bearer realm=\"bam-exporter\", "
                                                                "error=\"invalid_token\"");
      return Fail(unauthorized, std::move(r), "401: missing or wrong bearer token");
    }
  }

  const std::string too_big =
      "body larger than max_body_bytes (" + std::to_string(max_body_bytes) + ")";
  if (request.content_length() > 0 &&
      static_cast<uint64_t>(request.content_length()) > max_body_bytes) {
    return Fail(oversize, JsonError(413, too_big), "413: " + too_big);
  }
  std::string body;
  if (request.content_length() > 0) body.reserve(static_cast<size_t>(request.content_length()));
  for (;;) {
    // Read at most max_body_bytes + 1: one byte past the limit proves a chunked body too big.
    size_t room = static_cast<size_t>(max_body_bytes + 1 - body.size());
    size_t old = body.size();
    body.resize(old + std::min(kReadChunk, room));
    int64_t n = request.ReadBody(body.data() + old, body.size() - old);
    if (n < 0) {
      return Fail(read_error, JsonError(400, "could not read the request body"),
                  "400: request body read failed");
    }
    body.resize(old + static_cast<size_t>(n));
    if (body.size() > max_body_bytes) {
      return Fail(oversize, JsonError(413, too_big), "413: " + too_big);
    }
    if (n == 0) break;
  }

  CountingSink counting(target);
  {
    std::lock_guard lock(sink_mu);
    LineSplitter splitter(max_line_bytes);
    splitter.Feed(body, &counting);
    splitter.Finish(&counting);
  }
  {
    std::lock_guard lock(mu);
    bytes += body.size();
    lines += counting.lines;
    last_error.clear();
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& [line, reason] : counting.errors) {
    errors.push_back({{"line", line}, {"reason", reason}});
  }
  return JsonResponse(
      200, {{"accepted", counting.accepted}, {"rejected", counting.rejected}, {"errors", errors}});
}

HttpPushSource::HttpPushSource(const SourceConfig& config, HttpServer* server, SelfMetrics* metrics)
    : config_(config), server_(server), metrics_(metrics), state_(std::make_shared<State>()) {
  state_->source = config_.name;
  state_->input_name = "POST " + config_.http.path;
  state_->max_body_bytes = config_.http.max_body_bytes;
  state_->max_line_bytes = config_.max_line_bytes;
  state_->bearer_token = config_.http.bearer_token;
}

HttpPushSource::~HttpPushSource() {
  Stop();
  if (route_id_ != 0) server_->RemoveHandler("POST", config_.http.path, route_id_);
}

bool HttpPushSource::Start(LineSink* sink, std::string* /*error*/) {
  {
    std::lock_guard lock(state_->mu);
    state_->sink = sink;
    state_->accepting = true;
    if (metrics_ != nullptr && state_->oversize == nullptr) {
      state_->oversize = &metrics_->SourceError(config_.name, "oversize");
      state_->unauthorized = &metrics_->SourceError(config_.name, "unauthorized");
      state_->read_error = &metrics_->SourceError(config_.name, "read_error");
    }
  }
  std::shared_ptr<State> state = state_;
  route_id_ = server_->AddHandler("POST", config_.http.path,
                                  [state](HttpRequest& request) { return state->Handle(request); });
  return true;
}

void HttpPushSource::Stop() {
  std::unique_lock lock(state_->mu);
  state_->accepting = false;
  state_->idle.wait(lock, [this] { return state_->in_flight == 0; });
}

SourceStatus HttpPushSource::Status() const {
  std::lock_guard lock(state_->mu);
  SourceStatus status;
  status.source = config_.name;
  status.kind = "http";
  status.running = state_->accepting;
  status.inputs.push_back(
      InputStatus{state_->input_name, state_->bytes, state_->lines, state_->last_error});
  return status;
}

}  // namespace bam::exporter
