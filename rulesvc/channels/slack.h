// Slack incoming webhook channel: POSTs `{"text": fallback, "blocks": [...]}` as JSON. The blocks
// follow Slack's Block Kit limits: a header (plain_text, ≤ 150 chars), a section with the summary
// (mrkdwn, ≤ 3000 chars) and up to 10 fields (one per fact), a context line (rule id and name,
// labels) and an actions block with one URL button per link. Slack answers 200 "ok"; 4xx such as
// invalid_payload, no_service or channel_is_archived are permanent.
//
// Thread-safety: RenderSlack is pure; SlackChannel is thread-safe.
#ifndef BAM_RULESVC_CHANNELS_SLACK_H_
#define BAM_RULESVC_CHANNELS_SLACK_H_

#include <memory>
#include <string>

#include "rulesvc/channels/channel.h"

namespace bam::rulesvc::channels {

struct SlackConfig {
  std::string name;  // channel name in rulesvc.yml, e.g. "slack_ops"
  std::string url;   // incoming webhook URL (a secret: never logged, see Channel::target)
  ChannelOptions options;
};

// The JSON request body for `n` (compact, keys in a fixed order).
std::string RenderSlack(const Notification& n);

// Escapes &, < and > for Slack mrkdwn/text fields.
std::string SlackEscape(const std::string& text);

// Returns nullptr and sets *error when the URL is not http(s).
std::unique_ptr<Channel> MakeSlackChannel(SlackConfig config, std::string* error);

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_SLACK_H_
