// E-mail channel: an RFC 5322 message, multipart/alternative with a text/plain and a text/html
// part (UTF-8, each base64-encoded in 76-column lines), sent over SMTP with libcurl (smtp:// with
// optional STARTTLS, or smtps://; MAIL FROM/RCPT TO from the config; optional AUTH with credentials
// read from files). The Subject is the headline, as RFC 2047 encoded-words (=?UTF-8?B?…?=, each
// ≤ 75 chars, whole characters) when it is not plain ASCII. An `X-BAM-Rule: <rule id>` header lets
// mail filters route by rule.
//
// Classification: SMTP 4xx replies and connection/timeouts are retryable; 5xx replies and rejected
// credentials are permanent. DeliveryResult::http_status carries the last SMTP reply code.
//
// Thread-safety: RenderEmail is pure; the channel is thread-safe.
#ifndef BAM_RULESVC_CHANNELS_EMAIL_H_
#define BAM_RULESVC_CHANNELS_EMAIL_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "rulesvc/channels/channel.h"

namespace bam::rulesvc::channels {

struct EmailConfig {
  std::string name;             // channel name in rulesvc.yml
  std::string smtp;             // "smtp://host:port" or "smtps://host:port"
  std::string from;             // bare address, e.g. "bam@shop.example"
  std::vector<std::string> to;  // bare addresses, at least one
  std::string username_file;    // "" = no AUTH
  std::string password_file;    // "" = no AUTH
  bool starttls = false;        // default false: require STARTTLS on smtp://
  // Credentials already read (rulesvc.yml secrets); used when the *_file fields are empty.
  std::string username;
  std::string password;
  ChannelOptions options;
};

// The whole message, CRLF line endings. `date` fills the Date header; `message_id` is the
// Message-ID value including its angle brackets.
std::string RenderEmail(const Notification& n, const std::string& from,
                        const std::vector<std::string>& to,
                        std::chrono::system_clock::time_point date, const std::string& message_id);

// Subject header value: the text as is when printable ASCII, else folded encoded-words.
std::string EncodeHeaderWord(const std::string& text);

// The HTML part (escaped, self-contained, no external resources).
std::string RenderEmailHtml(const Notification& n);

// Standard base64 (RFC 4648), lines of `line_length` chars joined by CRLF; 0 = one line.
std::string Base64(const std::string& data, size_t line_length);

// Reads credential files. Returns nullptr and sets *error on a bad smtp URL, empty from/to, or an
// unreadable credential file (only one of username_file/password_file set is an error too).
std::unique_ptr<Channel> MakeEmailChannel(EmailConfig config, std::string* error);

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_EMAIL_H_
