// rulesvc/channels: the last stage of the rule service. A Notification (already enriched and
// rendered text) goes in; each configured Channel renders it for its destination and delivers it
// once, reporting ok / retryable / permanent to the outbox. Include this header to get every
// channel: Slack, Microsoft Teams (Workflows), generic signed webhook, Twilio SMS and e-mail.
#ifndef BAM_RULESVC_CHANNELS_CHANNELS_H_
#define BAM_RULESVC_CHANNELS_CHANNELS_H_

#include "rulesvc/channels/channel.h"       // IWYU pragma: export
#include "rulesvc/channels/email.h"         // IWYU pragma: export
#include "rulesvc/channels/notification.h"  // IWYU pragma: export
#include "rulesvc/channels/slack.h"         // IWYU pragma: export
#include "rulesvc/channels/teams.h"         // IWYU pragma: export
#include "rulesvc/channels/twilio.h"        // IWYU pragma: export
#include "rulesvc/channels/webhook.h"       // IWYU pragma: export

#endif  // BAM_RULESVC_CHANNELS_CHANNELS_H_
