// ParseWebhook: an Alertmanager webhook request body -> WebhookMessage. Pure function; thread-safe.
//
// Tolerant where Alertmanager versions differ, strict where a wrong guess would corrupt history:
//   - Unknown fields are ignored; JSON null counts as missing.
//   - Missing fields take defaults: version "4"; group status "firing"; strings ""; maps empty;
//     truncatedAlerts 0; an alert's status inherits the group status (payloads before
//     Alertmanager 0.13 have no per-alert status); endsAt missing or "0001-01-01T00:00:00Z" means
//     no end; a missing fingerprint is computed from the labels (LabelsFingerprint, the same hash
//     Alertmanager uses, so old and new payloads of one alert agree).
//   - Errors (all InvalidArgument, i.e. HTTP 400: retrying cannot help) name the JSON path:
//     body not JSON or not an object; `alerts` missing or not an array; an alert not an object;
//     `startsAt` missing (it is part of the idempotency key); a malformed time
//     (`alerts[2].startsAt: invalid RFC 3339 time "…": month out of range`); a status other than
//     firing/resolved; a field of the wrong JSON type (`alerts[0].labels: want an object, got
//     array`, `alerts[0].labels.severity: want a string, got number`); an unsupported version.
//   - Versions: "4" (or missing) is Alertmanager. "1" with a numeric `orgId` is Grafana-managed
//     alerting's webhook: its alert fields are Alertmanager's, so it is MAPPED (origin kGrafana;
//     Grafana-only fields such as values, dashboardURL, silenceURL are ignored). Any other version,
//     including "1" without orgId, is refused: `version: unsupported webhook payload version "1"
//     (want "4", or "1" from Grafana with orgId)`.
// Never throws; an unexpected failure is reported as kInternal.
#ifndef BAM_RULESVC_WEBHOOK_WEBHOOK_PARSER_H_
#define BAM_RULESVC_WEBHOOK_WEBHOOK_PARSER_H_

#include <string_view>

#include "rulesvc/webhook/status.h"
#include "rulesvc/webhook/webhook_message.h"

namespace bam::rulesvc {

StatusOr<WebhookMessage> ParseWebhook(std::string_view body);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_WEBHOOK_WEBHOOK_PARSER_H_
