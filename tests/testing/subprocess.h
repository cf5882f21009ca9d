// Test helper: a background process whose stderr is read line by line (to learn, e.g., the port a
// server bound), signalled and waited for.
#ifndef BAM_TESTS_TESTING_SUBPROCESS_H_
#define BAM_TESTS_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace bam::testing {

class Subprocess {
 public:
  // Starts argv[0] with argv; stdin is /dev/null, stdout is discarded, stderr is captured.
  explicit Subprocess(const std::vector<std::string>& argv);
  ~Subprocess();  // SIGKILLs a process still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Reads stderr until a line containing `needle` arrives or `timeout` passes. Returns the line,
  // or "" on timeout or EOF.
  std::string WaitForStderr(const std::string& needle, std::chrono::milliseconds timeout);

  // Everything read from stderr so far.
  const std::string& err() const { return err_; }

  void Signal(int sig);
  // Waits for the exit; returns the exit code, or -signal when killed, or -1000 on timeout.
  int Wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int err_fd_ = -1;
  std::string err_;
  size_t scanned_ = 0;
};

}  // namespace bam::testing

#endif  // BAM_TESTS_TESTING_SUBPROCESS_H_
