// Microsoft Teams channel, for a Workflows webhook ("Post to a channel when a webhook request is
// received"): POSTs `{"type": "message", "attachments": [{"contentType":
// "application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": <AdaptiveCard 1.4>}]}`.
// The card holds a headline TextBlock (colour Attention for critical, Warning otherwise, Good when
// resolved), the summary, a FactSet, a subtle rule/labels line, and one Action.OpenUrl per link.
// Workflows answer 202 Accepted: any 2xx is success.
//
// Thread-safety: RenderTeams is pure; the channel is thread-safe.
#ifndef BAM_RULESVC_CHANNELS_TEAMS_H_
#define BAM_RULESVC_CHANNELS_TEAMS_H_

#include <memory>
#include <string>

#include "rulesvc/channels/channel.h"

namespace bam::rulesvc::channels {

struct TeamsConfig {
  std::string name;  // channel name in rulesvc.yml
  std::string url;   // Workflows webhook URL (carries a signature: a secret)
  ChannelOptions options;
};

// The JSON request body for `n` (compact, keys in a fixed order).
std::string RenderTeams(const Notification& n);

// Returns nullptr and sets *error when the URL is not http(s).
std::unique_ptr<Channel> MakeTeamsChannel(TeamsConfig config, std::string* error);

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_TEAMS_H_
