#include "exporter/server/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

#include "common/civet.h"
#include "common/listen_address.h"

namespace bam::exporter {
namespace {

constexpr char kExpositionType[] = "text/plain; version=0.0.4; charset=utf-8";

// Writes the status line and headers by hand rather than with mg_response_header_*: those refuse
// to run once anything was written on the connection, and a "100 Continue" may have been.
// Keep-alive is off, so every response closes its connection.
void WriteResponse(mg_connection* conn, const HttpResponse& r, bool head) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " +
                    mg_get_response_code_text(conn, r.status) +
                    "\r\nContent-Type: " + r.content_type +
                    "\r\nContent-Length: " + std::to_string(r.body.size()) +
                    "\r\nCache-Control: no-cache\r\nConnection: close\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  if (!head) out += r.body;
  mg_write(conn, out.data(), out.size());
}

}  // namespace

std::string_view HttpRequest::Header(const char* name) const {
  const char* v = mg_get_header(conn_, name);
  return v == nullptr ? std::string_view() : std::string_view(v);
}

int64_t HttpRequest::ReadBody(char* buf, size_t size) {
  if (!body_started_) {
    body_started_ = true;
    // CivetWeb does not answer "Expect: 100-continue" for handlers; without this, curl waits a
    // second before sending the body. Sent only once the handler wants the body, so a request
    // refused from its headers (401, 413) is refused without the client sending the body.
    const char* expect = mg_get_header(conn_, "Expect");
    if (expect != nullptr && strcasecmp(expect, "100-continue") == 0) {
      mg_printf(conn_, "HTTP/1.1 100 Continue\r\n\r\n");
    }
  }
  return mg_read(conn_, buf, size);
}

HttpServer::HttpServer(HttpServerOptions options) : options_(std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

uint64_t HttpServer::AddHandler(const std::string& method, const std::string& path,
                                HttpHandler handler) {
  std::unique_lock lock(routes_mu_);
  uint64_t id = next_id_++;
  routes_[path][method] = std::make_shared<const Route>(Route{id, std::move(handler)});
  return id;
}

void HttpServer::RemoveHandler(const std::string& method, const std::string& path, uint64_t id) {
  std::unique_lock lock(routes_mu_);
  auto p = routes_.find(path);
  if (p == routes_.end()) return;
  auto m = p->second.find(method);
  if (m == p->second.end() || m->second->id != id) return;
  p->second.erase(m);
  if (p->second.empty()) routes_.erase(p);
}

void HttpServer::AddBuiltinRoutes() {
  AddHandler("GET", options_.telemetry_path, [this](HttpRequest&) {
    HttpResponse r;
    r.content_type = kExpositionType;
    if (metrics_) r.body = metrics_();
    return r;
  });
  AddHandler("GET", "/-/healthy",
             [](HttpRequest&) { return HttpResponse::Text(200, "bam-exporter is Healthy.\n"); });
  AddHandler("GET", "/-/ready", [this](HttpRequest&) {
    if (!ready_ || ready_()) return HttpResponse::Text(200, "bam-exporter is Ready.\n");
    return HttpResponse::Text(503, "bam-exporter is not ready.\n");
  });
  if (reload_) {
    HttpHandler reload = [this](HttpRequest&) {
      ReloadResult result = reload_();
      if (result.ok) return HttpResponse::Text(200, "bam-exporter config reloaded.\n");
      return HttpResponse::Text(500, "failed to reload config: " + result.message + "\n");
    };
    AddHandler("POST", "/-/reload", reload);
    AddHandler("PUT", "/-/reload", reload);
  }
  AddHandler("GET", "/", [this](HttpRequest&) {
    HttpResponse r;
    r.content_type = "text/html; charset=utf-8";
    r.body = RenderStatusHtml(status_ ? status_() : ServerStatus{}, options_.telemetry_path);
    return r;
  });
  AddHandler("GET", "/status.json", [this](HttpRequest&) {
    HttpResponse r;
    r.content_type = "application/json";
    r.body = RenderStatusJson(status_ ? status_() : ServerStatus{});
    return r;
  });
}

bool HttpServer::Start(const std::string& listen_address, std::string* error) {
  std::string ports;
  if (!ToCivetListeningPort(listen_address, &ports, error)) return false;
  static std::once_flag init_once;
  std::call_once(init_once, [] { mg_init_library(0); });

  AddBuiltinRoutes();
  std::string threads = std::to_string(options_.num_threads);
  std::string timeout = std::to_string(options_.request_timeout_ms);
  std::string why;
  ctx_ = StartCivetWeb({"listening_ports", ports.c_str(), "num_threads", threads.c_str(),
                        "request_timeout_ms", timeout.c_str(), "enable_keep_alive", "no"},
                       nullptr, this, &why);
  if (ctx_ == nullptr) {
    *error = "cannot listen on " + listen_address + ": " + why;
    return false;
  }
  mg_set_request_handler(ctx_, "/", &HttpServer::Dispatch, this);
  port_ = CivetBoundPort(ctx_);
  wake_host_ = CivetWakeHost(ports);
  return true;
}

void HttpServer::Stop() {
  if (ctx_ == nullptr) return;
  StopCivetWeb(ctx_, wake_host_, port_);  // every request in progress has finished
  ctx_ = nullptr;
  port_ = 0;
}

int HttpServer::Dispatch(mg_connection* conn, void* self) {
  return static_cast<HttpServer*>(self)->Serve(conn);  // the status, for CivetWeb's access log
}

int HttpServer::Serve(mg_connection* conn) {
  const mg_request_info* ri = mg_get_request_info(conn);
  std::string method = ri->request_method ? ri->request_method : "";
  std::string path = ri->local_uri ? ri->local_uri : (ri->request_uri ? ri->request_uri : "");
  bool head = method == "HEAD";

  std::shared_ptr<const Route> route;
  std::string allowed;
  bool path_known = false;
  {
    std::shared_lock lock(routes_mu_);
    auto p = routes_.find(path);
    if (p != routes_.end()) {
      path_known = true;
      auto m = p->second.find(head ? "GET" : method);
      if (m != p->second.end()) route = m->second;
      for (const auto& [name, unused] : p->second) allowed += (allowed.empty() ? "" : ", ") + name;
    }
  }

  HttpResponse response;
  if (!path_known) {
    response = HttpResponse::Text(404, "404 page not found\n");
  } else if (route == nullptr) {
    response = HttpResponse::Text(
        405, "method " + method + " not allowed on " + path + "; allowed: " + allowed + "\n");
    response.headers.emplace_back("Allow", allowed);
  } else {
    HttpRequest request(conn, method, path, ri->content_length);
    try {
      response = route->handler(request);
    } catch (const std::exception& e) {
      response = HttpResponse::Text(500, std::string("internal error: ") + e.what() + "\n");
    } catch (...) {
      response = HttpResponse::Text(500, "internal error\n");
    }
  }
  WriteResponse(conn, response, head);
  return response.status;
}

}  // namespace bam::exporter
