#include "rulesvc/http/server.h"

#include <civetweb.h>
#include <dlfcn.h>
#include <limits.h>
#include <openssl/ssl.h>
#include <strings.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/civet.h"
#include "common/listen_address.h"

namespace bam::rulesvc::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte; a malformed escape is
// kept as it is.
std::string UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
               HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void WriteResponse(mg_connection* conn, const ApiResponse& r, bool head) {
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " +
                    mg_get_response_code_text(conn, r.status) +
                    "\r\nContent-Type: " + r.content_type +
                    "\r\nContent-Length: " + std::to_string(r.body.size()) +
                    "\r\nCache-Control: no-store\r\nConnection: close\r\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  if (!head) out += r.body;
  mg_write(conn, out.data(), out.size());
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Loads libbam-ssl-compat.so (see ssl_compat_shim.cc) once, from <dir of the executable>/../lib
// or BAM_SSL_COMPAT_LIB. Returns "" or why it failed.
std::string LoadSslCompat() {
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("BAM_SSL_COMPAT_LIB"); env != nullptr && *env) {
      candidates.emplace_back(env);
    }
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      candidates.push_back((exe.parent_path().parent_path() / "lib" / "libbam-ssl-compat.so"));
      candidates.push_back((exe.parent_path() / "libbam-ssl-compat.so"));
    }
    for (const std::string& path : candidates) {
      if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL) != nullptr) return;
    }
    failure =
        "libbam-ssl-compat.so not found next to the program (../lib) nor in "
        "BAM_SSL_COMPAT_LIB; it is needed for TLS with Debian's CivetWeb";
  });
  return failure;
}

}  // namespace

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool MatchSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                   std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const std::string& p = pattern[i];
    if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
      found[p.substr(1, p.size() - 2)] = path[i];
    } else if (p != path[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

std::map<std::string, std::string> ParseQueryString(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i <= query.size()) {
    size_t amp = query.find('&', i);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(i, amp - i);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string name = UrlDecode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1));
      out.emplace(std::move(name), std::move(value));  // first wins
    }
    i = amp + 1;
  }
  return out;
}

Server::Server(ServerOptions options) : options_(std::move(options)) {}

Server::~Server() { Stop(); }

void Server::Route(const std::string& method, const std::string& pattern, Handler handler) {
  for (Entry& e : routes_) {
    if (e.method == method && e.pattern == pattern) {
      e.handler = std::move(handler);
      return;
    }
  }
  routes_.push_back({method, pattern, SplitPath(pattern), std::move(handler)});
}

int Server::InitSsl(void* ssl_ctx, void* self) {
  auto* server = static_cast<Server*>(self);
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  if (SSL_CTX_use_certificate_chain_file(ctx, server->options_.tls_cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, server->options_.tls_key_file.c_str(), SSL_FILETYPE_PEM) !=
          1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return -1;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  return 1;  // set up here: CivetWeb loads no certificate itself
}

bool Server::Start(const std::string& listen_address, std::string* error) {
  std::string ports;
  if (!ToCivetListeningPort(listen_address, &ports, error)) return false;
  if (options_.tls_cert_file.empty() != options_.tls_key_file.empty()) {
    *error = "tls: cert_file and key_file go together";
    return false;
  }
  const bool tls = !options_.tls_cert_file.empty();
  // CivetWeb loads OpenSSL once, at its first initialisation with TLS: the compat library must be
  // in the process by then, even when this listener is plain HTTP and a later one is not.
  std::string compat_error = LoadSslCompat();
  if (tls && !compat_error.empty()) {
    *error = "tls: " + compat_error;
    return false;
  }
  static std::once_flag init_once;
  std::call_once(init_once, [] { mg_init_library(MG_FEATURES_TLS); });

  std::string civet_ports = tls ? ports + "s" : ports;
  std::string threads = std::to_string(options_.num_threads);
  std::string timeout = std::to_string(options_.request_timeout_ms);
  std::vector<const char*> civet_options = {
      "listening_ports",    civet_ports.c_str(), "num_threads",       threads.c_str(),
      "request_timeout_ms", timeout.c_str(),     "enable_keep_alive", "no"};
  if (tls) {
    // CivetWeb wants a certificate option before it sets TLS up; InitSsl loads the real files.
    civet_options.push_back("ssl_certificate");
    civet_options.push_back(options_.tls_cert_file.c_str());
  }
  mg_callbacks callbacks{};
  if (tls) callbacks.init_ssl = &Server::InitSsl;
  std::string why;
  ctx_ = StartCivetWeb(civet_options, &callbacks, this, &why);
  if (ctx_ == nullptr) {
    *error = "cannot listen on " + listen_address + ": " + why;
    if (tls) *error += " (check tls.cert_file and tls.key_file)";
    return false;
  }
  mg_set_request_handler(ctx_, "/", &Server::Dispatch, this);
  port_ = CivetBoundPort(ctx_);
  wake_host_ = CivetWakeHost(ports);
  return true;
}

void Server::Stop() {
  if (ctx_ == nullptr) return;
  StopCivetWeb(ctx_, wake_host_, port_);
  ctx_ = nullptr;
  port_ = 0;
}

int Server::Dispatch(mg_connection* conn, void* self) {
  return static_cast<Server*>(self)->Serve(conn);
}

int Server::Serve(mg_connection* conn) {
  const auto began = std::chrono::steady_clock::now();
  const mg_request_info* ri = mg_get_request_info(conn);
  ApiRequest req;
  req.method = ri->request_method ? ri->request_method : "";
  req.path = ri->local_uri ? ri->local_uri : (ri->request_uri ? ri->request_uri : "");
  if (ri->query_string != nullptr) req.query = ParseQueryString(ri->query_string);
  for (int i = 0; i < ri->num_headers; ++i) {
    req.headers.emplace(Lower(ri->http_headers[i].name), ri->http_headers[i].value);
  }
  req.remote_addr = ri->remote_addr;
  const bool head = req.method == "HEAD";
  const std::string method = head ? "GET" : req.method;

  const Entry* route = nullptr;
  std::string allowed;
  std::string pattern;
  const std::vector<std::string> segments = SplitPath(req.path);
  for (const Entry& e : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchSegments(e.segments, segments, &params)) continue;
    allowed += (allowed.empty() ? "" : ", ") + e.method;
    if (route == nullptr && e.method == method) {
      route = &e;
      req.path_params = std::move(params);
    }
  }

  ApiResponse response;
  if (route == nullptr && allowed.empty()) {
    response = ApiResponse::Error(404, "not_found", "no such endpoint: " + req.path);
  } else if (route == nullptr) {
    response = ApiResponse::Error(405, "method_not_allowed",
                                  "method " + req.method + " not allowed; allowed: " + allowed);
    response.headers.emplace_back("Allow", allowed);
  } else {
    pattern = route->pattern;
    bool body_ok = true;
    if (ri->content_length > options_.max_body_bytes) {
      response = ApiResponse::Error(
          413, "too_large", "body over " + std::to_string(options_.max_body_bytes) + " bytes");
      body_ok = false;
    } else if (ri->content_length != 0 && method != "GET") {
      const char* expect = mg_get_header(conn, "Expect");
      if (expect != nullptr && strcasecmp(expect, "100-continue") == 0) {
        mg_printf(conn, "HTTP/1.1 100 Continue\r\n\r\n");
      }
      char buf[16384];
      for (;;) {
        int n = mg_read(conn, buf, sizeof buf);
        if (n < 0) {
          response = ApiResponse::Error(400, "bad_request", "could not read the request body");
          body_ok = false;
          break;
        }
        if (n == 0) break;
        req.body.append(buf, static_cast<size_t>(n));
        if (static_cast<int64_t>(req.body.size()) > options_.max_body_bytes) {
          response = ApiResponse::Error(
              413, "too_large", "body over " + std::to_string(options_.max_body_bytes) + " bytes");
          body_ok = false;
          break;
        }
      }
    }
    if (body_ok) {
      try {
        response = route->handler(req);
      } catch (const std::exception& e) {
        response = ApiResponse::Error(500, "internal", std::string("internal error: ") + e.what());
      } catch (...) {
        response = ApiResponse::Error(500, "internal", "internal error");
      }
    }
  }
  // Observed before the write: once a client has its answer, metrics already count it.
  if (observer_) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    observer_(req, pattern, response, seconds);
  }
  WriteResponse(conn, response, head);
  return response.status;
}

}  // namespace bam::rulesvc::http
