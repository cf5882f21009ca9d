// Transport helpers shared by the channels: one HTTP POST over libcurl turned into a
// DeliveryResult, the retryable/permanent classification, URL redaction for logs, and secret files.
// Internal to rulesvc/channels (exposed for its tests). Thread-safe: every call uses its own curl
// handle; libcurl's global init runs once, on first use.
#ifndef BAM_RULESVC_CHANNELS_TRANSPORT_H_
#define BAM_RULESVC_CHANNELS_TRANSPORT_H_

#include <string>
#include <vector>

#include "rulesvc/channels/channel.h"

namespace bam::rulesvc::channels {

struct HttpPost {
  std::string url;                   // absolute http(s) URL
  std::vector<std::string> headers;  // "Name: value", e.g. "Content-Type: application/json"
  std::string body;
  std::string basic_user;      // HTTP basic auth when non-empty
  std::string basic_password;  // secret: never logged
};

// Sends `post` (no redirects followed, no proxy from the environment is bypassed). 2xx → ok.
DeliveryResult PostHttp(const HttpPost& post, const ChannelOptions& options);

// Status → result: 2xx ok; 408, 429 and 5xx retryable; anything else permanent. `excerpt` is the
// response body; at most 200 printable ASCII bytes of it land in the error text.
DeliveryResult ClassifyHttpStatus(int status, const std::string& excerpt);

// libcurl error code (CURLcode as int) → result: connect, resolve, timeout, send/receive and TLS
// handshake errors retryable; malformed URL, unsupported protocol and login denied permanent.
// The error text is curl's generic description, never the URL.
DeliveryResult ClassifyCurlError(int curl_code);

// "https://user:pw@hooks.slack.com:443/services/T/B/X?q" → "https://hooks.slack.com:443/…": only
// scheme, host and port survive (webhook URLs carry their secret in the path).
std::string RedactUrl(const std::string& url);

// Reads a secret from `path`, dropping trailing CR/LF (files written by `echo`). Refuses an empty
// secret. *error names the file, never its content.
bool ReadSecretFile(const std::string& path, std::string* secret, std::string* error);

// curl_global_init, once per process. Called by every channel before using curl.
void EnsureCurlInitialised();

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_TRANSPORT_H_
