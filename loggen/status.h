// Status: success or an error message, returned by every bam-loggen operation that can fail (errors
// as values). Value type; thread-compatible.
#ifndef BAM_LOGGEN_STATUS_H_
#define BAM_LOGGEN_STATUS_H_

#include <string>
#include <utility>

namespace bam::loggen {

class Status {
 public:
  Status() = default;  // OK
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_STATUS_H_
