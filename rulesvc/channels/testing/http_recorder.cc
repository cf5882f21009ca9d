#include "rulesvc/channels/testing/http_recorder.h"

#include <civetweb.h>

#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>

#include "common/civet.h"

namespace bam::rulesvc::channels::testing {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string RecordedRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpRecorder::~HttpRecorder() { Stop(); }

bool HttpRecorder::Start() {
  static std::once_flag init_once;
  std::call_once(init_once, [] { mg_init_library(0); });
  std::string error;
  ctx_ = StartCivetWeb(
      {"listening_ports", "127.0.0.1:0", "num_threads", "8", "enable_keep_alive", "no"}, nullptr,
      this, &error);
  if (ctx_ == nullptr) return false;
  mg_set_request_handler(ctx_, "/", &HttpRecorder::Handle, this);
  port_ = CivetBoundPort(ctx_);
  return port_ != 0;
}

void HttpRecorder::Stop() {
  if (ctx_ == nullptr) return;
  StopCivetWeb(ctx_, "127.0.0.1", port_);
  ctx_ = nullptr;
}

void HttpRecorder::Respond(int status, std::string body, std::vector<std::string> headers) {
  std::lock_guard lock(mu_);
  status_ = status;
  body_ = std::move(body);
  headers_ = std::move(headers);
}

void HttpRecorder::Delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

std::vector<RecordedRequest> HttpRecorder::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

int HttpRecorder::Handle(mg_connection* conn, void* self_ptr) {
  auto* self = static_cast<HttpRecorder*>(self_ptr);
  const mg_request_info* ri = mg_get_request_info(conn);
  RecordedRequest req;
  req.method = ri->request_method ? ri->request_method : "";
  req.path = ri->local_uri ? ri->local_uri : "";
  req.query = ri->query_string ? ri->query_string : "";
  for (int i = 0; i < ri->num_headers; ++i) {
    req.headers[Lower(ri->http_headers[i].name)] = ri->http_headers[i].value;
  }
  char buf[8192];
  int n;
  while ((n = mg_read(conn, buf, sizeof buf)) > 0) req.body.append(buf, static_cast<size_t>(n));

  int status;
  std::string body;
  std::vector<std::string> headers;
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(self->mu_);
    status = self->status_;
    body = self->body_;
    headers = self->headers_;
    delay = self->delay_;
    req.status = status;
    self->requests_.push_back(std::move(req));
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  mg_response_header_start(conn, status);
  mg_response_header_add(conn, "Content-Type", "text/plain", -1);
  mg_response_header_add(conn, "Content-Length", std::to_string(body.size()).c_str(), -1);
  for (const std::string& h : headers) {
    size_t colon = h.find(':');
    std::string value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    mg_response_header_add(conn, h.substr(0, colon).c_str(), value.c_str(), -1);
  }
  mg_response_header_send(conn);
  mg_write(conn, body.data(), body.size());
  return status;
}

}  // namespace bam::rulesvc::channels::testing
