// Test helper: run a shell command, feed it stdin, capture stdout, stderr and the exit code.
#ifndef BAM_TESTS_TESTING_PROCESS_H_
#define BAM_TESTS_TESTING_PROCESS_H_

#include <string>

namespace bam::testing {

struct ProcessResult {
  int exit_code = -1;  // -1: could not start or killed by a signal
  std::string out;
  std::string err;
};

// Runs `command` with /bin/sh -c, writing `input` to its stdin. Blocks until it exits.
ProcessResult RunShell(const std::string& command, const std::string& input = "");

}  // namespace bam::testing

#endif  // BAM_TESTS_TESTING_PROCESS_H_
