#include "common/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <string_view>

namespace bam {
namespace {

bool AllDigits(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

// The address a local client connects to in order to reach a listener bound per `civet` ports.
std::string CivetWakeHost(const std::string& civet) {
  size_t colon = civet.rfind(':');
  if (colon == std::string::npos) return "127.0.0.1";
  std::string host = civet.substr(0, colon);
  if (host == "0.0.0.0") return "127.0.0.1";
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  return host == "::" ? "::1" : host;
}

// Opens and closes a TCP connection: CivetWeb's listener thread sleeps in poll() for up to 2 s
// between checks of its stop flag; a connection wakes it, so Stop() takes milliseconds.
void PokeListener(const std::string& host, int port) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v6;
  } else {
    return;
  }
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  connect(fd, reinterpret_cast<sockaddr*>(&addr), len);  // failure is fine: Stop just takes longer
  close(fd);
}

bool ToCivetListeningPort(const std::string& listen_address, std::string* civet,
                          std::string* error) {
  size_t colon = listen_address.rfind(':');
  if (colon == std::string::npos) {
    *error = "listen address \"" + listen_address + "\": want HOST:PORT, e.g. 127.0.0.1:9780";
    return false;
  }
  std::string host = listen_address.substr(0, colon);
  std::string port = listen_address.substr(colon + 1);
  if (!AllDigits(port) || std::stoi(port) > 65535) {
    *error = "listen address \"" + listen_address + "\": port must be a number from 0 to 65535";
    return false;
  }
  port = std::to_string(std::stoi(port));  // CivetWeb reads suffixes (s, r) and commas: none here
  if (host.empty()) {
    *civet = port;  // all IPv4 interfaces
    return true;
  }
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr addr6{};
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &addr6) == 1) {
      *civet = host + ":" + port;
      return true;
    }
  }
  in_addr addr{};
  if (inet_pton(AF_INET, host.c_str(), &addr) != 1) {
    *error = "listen address \"" + listen_address +
             "\": host must be an IPv4 address, [IPv6 address], localhost, or empty";
    return false;
  }
  *civet = host + ":" + port;
  return true;
}

}  // namespace bam
