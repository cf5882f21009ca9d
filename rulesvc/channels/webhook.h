// Generic webhook channel (CRM, ServiceNow, in-house tools): POSTs the notification as JSON with
// `Content-Type: application/json` and `X-BAM-Signature: sha256=<hex>`, the lower-case hex
// HMAC-SHA256 of the exact request body bytes keyed with the secret from `secret_file`.
// Receivers verify by recomputing the HMAC over the raw body (before any JSON parsing) and
// comparing in constant time.
//
// Body (schema version 1; keys always present, in this order; absent figures are null):
//   {"version": 1, "status": "firing"|"resolved", "severity": "critical",
//    "rule": {"id": "...", "name": "..."}, "title": "...", "summary": "...",
//    "kpi": {"name": "...", "value": "88 %"}, "labels": {"k": "v", ...},
//    "impact": null | {"revenue_lost_per_hour": 15000.0, "revenue_lost_since_start": 4500.0,
//                      "orders_affected": 312, "customers_affected": 280, "baseline": "..."},
//    "links": {"dashboard": "...", "logs": "...", "runbook": "..."},   (absent links: null)
//    "starts_at": "2026-11-22T10:42:00Z", "ends_at": null | "...",
//    "locale": "fr-FR", "currency": "EUR"}
// Money figures are raw numbers in `currency` units (not formatted); `impact` is null when no
// figure at all could be computed.
//
// Thread-safety: the functions are pure; the channel is thread-safe.
#ifndef BAM_RULESVC_CHANNELS_WEBHOOK_H_
#define BAM_RULESVC_CHANNELS_WEBHOOK_H_

#include <memory>
#include <string>

#include "rulesvc/channels/channel.h"

namespace bam::rulesvc::channels {

struct WebhookConfig {
  std::string name;         // channel name in rulesvc.yml
  std::string url;          // http(s) endpoint
  std::string secret_file;  // HMAC key file (trailing newline dropped); "" = unsigned, no header
  ChannelOptions options;
  std::string secret = {};  // the key itself, used when secret_file is empty
};

// The JSON request body for `n` (compact, keys in the documented order).
std::string RenderWebhook(const Notification& n);

// "sha256=" + lower-case hex HMAC-SHA256(key = secret, message = body).
std::string WebhookSignature(const std::string& secret, const std::string& body);

// Reads the secret file. Returns nullptr and sets *error when the URL is not http(s) or the
// secret file is unreadable or empty (the error names the file, never the secret).
std::unique_ptr<Channel> MakeWebhookChannel(WebhookConfig config, std::string* error);

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_WEBHOOK_H_
