// Test helper: a minimal HTTP/1.1 server on 127.0.0.1 (port 0: the kernel picks a free one) that
// accepts POSTed NDJSON bodies, keeps them, and answers 204 — or 503 for the first `fail_first`
// requests. Runs one thread; the accessors are thread-safe.
#ifndef BAM_LOGGEN_TESTING_NDJSON_SERVER_H_
#define BAM_LOGGEN_TESTING_NDJSON_SERVER_H_

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace bam::loggen::testing {

class NdjsonServer {
 public:
  explicit NdjsonServer(int fail_first = 0);
  ~NdjsonServer();  // stops the thread

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/push"; }
  std::string body() const;  // every accepted body, concatenated in arrival order
  int accepted_requests() const { return accepted_; }
  int rejected_requests() const { return rejected_; }
  std::string last_content_type() const;

 private:
  void Serve();
  void HandleConnection(int fd);

  int listen_fd_ = -1;
  int port_ = 0;
  int fail_first_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0}, rejected_{0};
  mutable std::mutex mu_;
  std::string body_;
  std::string content_type_;
  std::thread thread_;
};

}  // namespace bam::loggen::testing

#endif  // BAM_LOGGEN_TESTING_NDJSON_SERVER_H_
