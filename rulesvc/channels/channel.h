// Channel: one configured destination (a Slack webhook, an SMTP relay, a Twilio account, ...) that
// delivers a Notification once, synchronously, and says whether a failure is worth retrying. The
// outbox owns retries and backoff; a channel never retries by itself.
//
// Thread-safety: implementations are thread-safe; Deliver may be called concurrently from several
// outbox workers (each call uses its own libcurl handle).
#ifndef BAM_RULESVC_CHANNELS_CHANNEL_H_
#define BAM_RULESVC_CHANNELS_CHANNEL_H_

#include <chrono>
#include <string>

#include "rulesvc/channels/notification.h"

namespace bam::rulesvc::channels {

struct DeliveryResult {
  bool ok = false;
  // Meaningful when !ok: true for failures that may pass later (HTTP 5xx, 408, 429, timeouts,
  // connection and DNS errors, SMTP 4xx), false for ones that need a config or payload fix (other
  // HTTP 4xx, SMTP 5xx, malformed URL, rejected credentials).
  bool retryable = false;
  int http_status = 0;  // last HTTP status (SMTP reply code for e-mail); 0 = no response
  // The server's Retry-After, when it sent one in seconds (429/503); 0 = none.
  std::chrono::seconds retry_after{0};
  // One line, for logs and the outbox. Never holds secrets: no URL path, query or credentials, no
  // tokens; at most a short, sanitised excerpt of the server's answer.
  std::string error;

  static DeliveryResult Ok(int status) { return {true, false, status, {}, {}}; }
};

// Network limits for one delivery. Defaults suit an outbox worker.
struct ChannelOptions {
  std::chrono::milliseconds connect_timeout{5000};  // default 5 s: TCP (+TLS) connect
  std::chrono::milliseconds timeout{10000};         // default 10 s: whole exchange, per request
};

class Channel {
 public:
  virtual ~Channel() = default;

  // Renders `n` and sends it. Never throws. Blocks for at most the configured timeout per request
  // (Twilio sends one request per recipient).
  virtual DeliveryResult Deliver(const Notification& n) = 0;

  // The channel type ("slack", "teams", "webhook", "twilio", "email").
  virtual std::string type() const = 0;

  // Where it delivers, safe to log: scheme, host and port only ("https://hooks.slack.com/…").
  virtual std::string target() const = 0;
};

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_CHANNEL_H_
