// Test helper: a background process whose stderr is read line by line (to learn, e.g., the port a
// server bound), signalled and waited for. A thread drains stderr all the time, so a chatty child
// (Prometheus loading hundreds of blocks) never blocks on a full pipe.
//
// Thread-safety: WaitForStderr, err, Signal and Wait are for the thread that owns the object.
#ifndef BAM_TESTS_TESTING_SUBPROCESS_H_
#define BAM_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bam::testing {

class Subprocess {
 public:
  // Starts argv[0] with argv; stdin is /dev/null, stdout is discarded, stderr is captured.
  explicit Subprocess(const std::vector<std::string>& argv);
  ~Subprocess();  // SIGKILLs a process still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Waits until a line containing `needle`, after the last line this returned, has arrived on
  // stderr, or `timeout` passes. Returns the line, or "" on timeout or EOF.
  std::string WaitForStderr(const std::string& needle, std::chrono::milliseconds timeout);

  // Everything read from stderr so far.
  std::string err() const;

  void Signal(int sig);
  // Waits for the exit; returns the exit code, or -signal when killed, or -1000 on timeout.
  int Wait(std::chrono::milliseconds timeout);

 private:
  void ReadLoop(int fd);

  pid_t pid_ = -1;
  mutable std::mutex mu_;  // guards err_, eof_
  std::condition_variable cv_;
  std::string err_;
  bool eof_ = false;
  size_t scanned_ = 0;  // owner thread only
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

}  // namespace bam::testing

#endif  // BAM_TESTS_TESTING_SUBPROCESS_H_
