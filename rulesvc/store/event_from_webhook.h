// MakeEventRecord: one alert of a parsed webhook (rulesvc/webhook) -> the EventRecord AlertStore
// records. Pure function; thread-safe.
#ifndef BAM_RULESVC_STORE_EVENT_FROM_WEBHOOK_H_
#define BAM_RULESVC_STORE_EVENT_FROM_WEBHOOK_H_

#include <cstdint>

#include "rulesvc/store/store_types.h"
#include "rulesvc/webhook/webhook_message.h"

namespace bam::rulesvc {

// group_key comes from the message; alertname, bam_rule_id and severity from the alert's labels
// ("" when absent); labels and annotations as compact JSON objects with sorted keys; enrichment
// unset with reason "pending".
EventRecord MakeEventRecord(const WebhookMessage& message, const AlertEvent& alert,
                            int64_t received_at_ms);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_STORE_EVENT_FROM_WEBHOOK_H_
