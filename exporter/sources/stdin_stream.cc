#include "exporter/sources/stdin_stream.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "exporter/sources/line_splitter.h"

namespace bam::exporter {
namespace {

// Forwards to the real sink and counts delivered lines.
class CountingSink : public LineSink {
 public:
  CountingSink(LineSink* inner, std::atomic<uint64_t>* lines) : inner_(inner), lines_(lines) {}
  void OnLine(std::string_view line) override {
    inner_->OnLine(line);
    lines_->fetch_add(1);
  }
  void OnTooLong() override { inner_->OnTooLong(); }

 private:
  LineSink* inner_;
  std::atomic<uint64_t>* lines_;
};

}  // namespace

StdinStream::StdinStream(const SourceConfig& source, StdinStreamOptions options)
    : source_(source.name),
      max_line_bytes_(static_cast<size_t>(source.max_line_bytes)),
      options_(options) {
  status_.source = source_;
  status_.kind = "stdin";
  status_.inputs.push_back(InputStatus{"stdin", 0, 0, ""});
}

StdinStream::~StdinStream() { Stop(); }

bool StdinStream::Start(LineSink* sink, std::string* error) {
  if (started_) {
    *error = "stdin source " + source_ + ": already started";
    return false;
  }
  started_ = true;
  sink_ = sink;
  {
    std::lock_guard<std::mutex> lock(status_mu_);
    status_.running = true;
  }
  thread_ = std::thread(&StdinStream::Run, this);
  return true;
}

void StdinStream::Stop() {
  if (!started_ || stop_.exchange(true)) return;
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(status_mu_);
  status_.running = false;
}

void StdinStream::Run() {
  constexpr size_t kChunk = 64 << 10;
  std::unique_ptr<char[]> buf(new char[kChunk]);
  LineSplitter splitter(max_line_bytes_);
  std::atomic<uint64_t> lines{0};
  uint64_t bytes = 0;
  CountingSink sink(sink_, &lines);
  std::string error;
  auto publish = [&](bool running) {
    std::lock_guard<std::mutex> lock(status_mu_);
    status_.running = running;
    status_.inputs[0] = InputStatus{"stdin", bytes, lines.load(), error};
  };
  bool eof = false;
  while (!stop_.load()) {
    struct pollfd pfd {
      options_.fd, POLLIN, 0
    };
    int ready = ::poll(&pfd, 1, static_cast<int>(options_.poll_timeout.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      error = std::strerror(errno);
      break;
    }
    if (ready == 0) continue;
    ssize_t n = ::read(options_.fd, buf.get(), kChunk);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      error = std::strerror(errno);
      break;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    bytes += static_cast<uint64_t>(n);
    splitter.Feed(std::string_view(buf.get(), static_cast<size_t>(n)), &sink);
    publish(true);
  }
  // Nothing more can come after end of input, so the unterminated last line is complete.
  if (eof && !stop_.load()) splitter.Finish(&sink);
  publish(false);
  if (eof || !error.empty()) finished_.store(true);
}

SourceStatus StdinStream::Status() const {
  std::lock_guard<std::mutex> lock(status_mu_);
  return status_;
}

}  // namespace bam::exporter
