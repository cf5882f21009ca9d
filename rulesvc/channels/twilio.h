// Twilio SMS channel: for each recipient, POST {url}/2010-04-01/Accounts/{AccountSid}/Messages.json
// with a form-encoded `To`, `From`, `Body` and HTTP basic auth AccountSid:AuthToken (the token from
// `auth_token_file`). Twilio answers 201 Created.
//
// The SMS body is short on purpose (each 153/67-character segment is billed): headline, summary,
// KPI and impact facts, dashboard link, with no-break spaces turned into ASCII spaces (so French
// figures do not force UCS-2), cut to 1600 characters (Twilio's limit) ending with "…".
//
// Several recipients: every one is tried; the result is the first failure (retryable if any
// failure is), so a retry may send again to those that succeeded — at-least-once.
//
// Thread-safety: the functions are pure; the channel is thread-safe.
#ifndef BAM_RULESVC_CHANNELS_TWILIO_H_
#define BAM_RULESVC_CHANNELS_TWILIO_H_

#include <memory>
#include <string>
#include <vector>

#include "rulesvc/channels/channel.h"

namespace bam::rulesvc::channels {

struct TwilioConfig {
  std::string name;                            // channel name in rulesvc.yml
  std::string account_sid;                     // "AC..."
  std::string auth_token_file;                 // file holding the auth token
  std::string auth_token;  // the token itself, used when auth_token_file is empty
  std::string from;                            // E.164 sender, e.g. "+33100000000"
  std::vector<std::string> to;                 // E.164 recipients, at least one
  std::string url = "https://api.twilio.com";  // default Twilio's API; overridable for tests
  ChannelOptions options;
};

inline constexpr size_t kTwilioMaxBodyChars = 1600;

// The SMS text for `n` (≤ kTwilioMaxBodyChars code points).
std::string RenderSmsText(const Notification& n);

// application/x-www-form-urlencoded body: To=…&From=…&Body=… (RFC 3986 unreserved kept, the rest
// percent-encoded, space as %20).
std::string RenderTwilioForm(const std::string& to, const std::string& from,
                             const std::string& body);

// Reads the token file. Returns nullptr and sets *error on a bad URL, empty sid/from/to, or an
// unreadable token file.
std::unique_ptr<Channel> MakeTwilioChannel(TwilioConfig config, std::string* error);

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_TWILIO_H_
