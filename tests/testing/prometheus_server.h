// Test helper: the real `prometheus` binary (Debian's) on 127.0.0.1 with a port chosen by the
// kernel, read back from its "Listening on" log line; started with --web.enable-lifecycle so tests
// can POST /-/reload. Not thread-safe.
#ifndef BAM_TESTS_TESTING_PROMETHEUS_SERVER_H_
#define BAM_TESTS_TESTING_PROMETHEUS_SERVER_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/testing/subprocess.h"

namespace bam::testing {

class PrometheusServer {
 public:
  struct Options {
    std::string config_file;  // required; rule_files are relative to it
    std::string tsdb_path;    // "" = a fresh directory beside config_file, removed by Stop
    std::vector<std::string> extra_flags;  // e.g. "--storage.tsdb.retention.time=100y"
    std::chrono::milliseconds start_timeout{30000};
  };

  PrometheusServer() = default;
  ~PrometheusServer();  // Stop()
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  // Starts prometheus and waits until /-/ready answers 200. On failure returns false with the
  // reason and prometheus's log in *error.
  bool Start(const Options& options, std::string* error);

  // "127.0.0.1:PORT"; empty before Start().
  const std::string& address() const { return address_; }
  // "http://127.0.0.1:PORT".
  std::string url() const { return "http://" + address_; }
  // Its stderr so far (reads what is pending first).
  std::string Log();

  // SIGTERM, wait (SIGKILL after 10 s); removes the tsdb directory it created. Idempotent.
  void Stop();

 private:
  std::unique_ptr<Subprocess> process_;
  std::string address_;
  std::string owned_tsdb_;
};

}  // namespace bam::testing

#endif  // BAM_TESTS_TESTING_PROMETHEUS_SERVER_H_
