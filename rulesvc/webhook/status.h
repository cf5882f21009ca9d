// Status / StatusOr: errors as values for the rule service's receiver and store, with a code that
// drives the HTTP answer (invalid argument -> 400, not found -> 404, unavailable / internal -> 5xx
// so the sender retries). Value types; thread-compatible.
//
// Lives in webhook/ because that is the first stage that needs it; bam::rulesvc_store reuses it.
// A candidate for common/ once the exporter needs the same codes.
#ifndef BAM_RULESVC_WEBHOOK_STATUS_H_
#define BAM_RULESVC_WEBHOOK_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace bam::rulesvc {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // fix your input; do not retry (HTTP 400)
  kNotFound,            // no such object (HTTP 404)
  kFailedPrecondition,  // the request is valid but the state forbids it (HTTP 409)
  kUnavailable,         // transient: retry later (HTTP 503)
  kInternal,            // a bug or a broken invariant (HTTP 500; senders retry)
};

// "ok", "invalid argument", ...
const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Lower case, no trailing period; empty when ok().
  const std::string& message() const { return message_; }
  // "invalid argument: <message>" or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  // REQUIRES: !status.ok().
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok());
    if (status_.ok()) status_ = Status::Internal("StatusOr built from an OK status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok().
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_WEBHOOK_STATUS_H_
