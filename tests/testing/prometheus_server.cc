#include "tests/testing/prometheus_server.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "tests/testing/process.h"

namespace bam::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

PrometheusServer::~PrometheusServer() { Stop(); }

bool PrometheusServer::Start(const Options& options, std::string* error) {
  Stop();
  ProcessResult which = RunShell("command -v prometheus");
  if (which.exit_code != 0) {
    *error = "prometheus is not installed (see TOOLCHAIN.md)";
    return false;
  }
  std::string tsdb = options.tsdb_path;
  if (tsdb.empty()) {
    fs::path base = fs::path(options.config_file).parent_path();
    if (base.empty()) base = ".";
    tsdb = (base / ("tsdb-" + std::to_string(getpid()))).string();
    owned_tsdb_ = tsdb;
  }
  std::vector<std::string> argv = {
      which.out.substr(0, which.out.find('\n')), "--config.file=" + options.config_file,
      "--storage.tsdb.path=" + tsdb, "--web.listen-address=127.0.0.1:0", "--web.enable-lifecycle"};
  argv.insert(argv.end(), options.extra_flags.begin(), options.extra_flags.end());
  process_ = std::make_unique<Subprocess>(argv);
  std::string line = process_->WaitForStderr("msg=\"Listening on\"", options.start_timeout);
  if (line.empty()) {
    *error = "prometheus did not report its address:\n" + process_->err();
    Stop();
    return false;
  }
  size_t at = line.find("address=");
  if (at == std::string::npos) {
    *error = "unexpected \"Listening on\" line: " + line;
    Stop();
    return false;
  }
  address_ = line.substr(at + 8);
  address_ = address_.substr(0, address_.find_first_of(" \n"));
  const auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (RunShell("curl -sf -o /dev/null 'http://" + address_ + "/-/ready'").exit_code != 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      *error = "prometheus at " + address_ + " never became ready:\n" + Log();
      Stop();
      return false;
    }
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

std::string PrometheusServer::Log() {
  if (!process_) return "";
  // Drains what is pending without waiting for anything in particular.
  process_->WaitForStderr("\x01no such line\x01", 20ms);
  return process_->err();
}

void PrometheusServer::Stop() {
  if (process_) {
    process_->Signal(SIGTERM);
    if (process_->Wait(10s) == -1000) process_->Signal(SIGKILL);
    process_.reset();
  }
  address_.clear();
  if (!owned_tsdb_.empty()) {
    std::error_code ec;
    fs::remove_all(owned_tsdb_, ec);
    owned_tsdb_.clear();
  }
}

}  // namespace bam::testing
