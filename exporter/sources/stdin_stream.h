// StdinStream: the live stdin source. Reads a descriptor (standard input by default) line by line
// until end of input or Stop(); at end of input the last line is delivered even without its final
// newline (nothing more can come). The reading thread waits in poll() with a timeout, so Stop()
// returns promptly even when no input arrives; a partial line held at Stop() is not delivered.
//
// Start/Stop/Status follow LiveSource. The sink is called from the stream's own thread only.
// This class is thread-safe: Status() may be called from any thread while the stream runs.
#ifndef BAM_EXPORTER_SOURCES_STDIN_STREAM_H_
#define BAM_EXPORTER_SOURCES_STDIN_STREAM_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "exporter/config/config.h"
#include "exporter/sources/live_source.h"

namespace bam::exporter {

struct StdinStreamOptions {
  int fd = 0;  // descriptor to read; not owned, never closed. Default 0 (standard input).
  // Longest wait in poll() before checking for Stop(). Default 100 ms.
  std::chrono::milliseconds poll_timeout{100};
};

class StdinStream : public LiveSource {
 public:
  // Copies the source's name and max_line_bytes.
  explicit StdinStream(const SourceConfig& source, StdinStreamOptions options = {});
  ~StdinStream() override;  // Stop()s
  StdinStream(const StdinStream&) = delete;
  StdinStream& operator=(const StdinStream&) = delete;

  // Starts the reading thread. Returns false and sets *error only when called twice.
  bool Start(LineSink* sink, std::string* error) override;

  // Stops reading (a held partial line is dropped) and joins the thread. Idempotent.
  void Stop() override;

  // One input named "stdin": bytes read, lines delivered, the read error if any. `running` turns
  // false at end of input.
  SourceStatus Status() const override;

  // True once end of input (or a read error) was reached and every line was delivered.
  bool Finished() const { return finished_.load(); }

 private:
  void Run();

  const std::string source_;
  const size_t max_line_bytes_;
  const StdinStreamOptions options_;

  LineSink* sink_ = nullptr;
  bool started_ = false;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};

  mutable std::mutex status_mu_;
  SourceStatus status_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SOURCES_STDIN_STREAM_H_
