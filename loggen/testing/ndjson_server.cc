#include "loggen/testing/ndjson_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace bam::loggen::testing {

NdjsonServer::NdjsonServer(int fail_first) : fail_first_(fail_first) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(listen_fd_, 16);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

NdjsonServer::~NdjsonServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string NdjsonServer::body() const {
  std::lock_guard<std::mutex> lock(mu_);
  return body_;
}

std::string NdjsonServer::last_content_type() const {
  std::lock_guard<std::mutex> lock(mu_);
  return content_type_;
}

void NdjsonServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
    ::close(fd);
  }
}

// Serves keep-alive requests on one connection until the client closes it or the server stops.
void NdjsonServer::HandleConnection(int fd) {
  std::string in;
  char buf[65536];
  while (!stop_) {
    size_t header_end;
    while ((header_end = in.find("\r\n\r\n")) == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) {
        if (stop_) return;
        continue;
      }
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
    }
    std::string headers = in.substr(0, header_end);
    std::string lower = headers;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    size_t length = 0;
    if (size_t cl = lower.find("content-length:"); cl != std::string::npos) {
      length = std::stoul(lower.substr(cl + 15));
    }
    std::string type;
    if (size_t ct = lower.find("content-type:"); ct != std::string::npos) {
      size_t eol = lower.find("\r\n", ct);
      type = headers.substr(ct + 13, eol == std::string::npos ? std::string::npos : eol - ct - 13);
      type.erase(0, type.find_first_not_of(' '));
    }
    while (in.size() < header_end + 4 + length) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return;
      in.append(buf, static_cast<size_t>(n));
    }
    std::string reply;
    if (rejected_ < fail_first_) {
      ++rejected_;
      reply = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
    } else {
      {
        std::lock_guard<std::mutex> lock(mu_);
        body_.append(in, header_end + 4, length);
        content_type_ = type;
      }
      ++accepted_;
      reply = "HTTP/1.1 204 No Content\r\n\r\n";
    }
    in.erase(0, header_end + 4 + length);
    if (::write(fd, reply.data(), reply.size()) < 0) return;
  }
}

}  // namespace bam::loggen::testing
