// Receiver: `POST /alertmanager/webhook` (rulesvc-config.md). For each alert of an Alertmanager
// (or Grafana) webhook: skip it when already recorded (HA peers, retries), enrich it (BAM alerts
// only, bounded by the enricher's deadline; "impact unavailable" when Prometheus does not
// answer), render its Notification, route it, then record the event, its enrichment and one
// outbox item per channel in ONE transaction (AlertStore::RecordEvent). Only then answer 2xx.
//
// Answers: 200 {"alerts", "recorded", "duplicates"}; 400 for a payload that cannot be read (the
// sender must not retry it); 401 without the configured bearer token or basic credentials;
// 503 when the store is unavailable (the sender retries; alerts recorded before the failure are
// recognised as repeats next time).
//
// Metrics (in the registry given at construction):
//   bam_rulesvc_webhook_requests_total{code}               counter
//   bam_rulesvc_webhook_alerts_total{status, result}       counter; result = recorded|duplicate
//   bam_rulesvc_webhook_rejected_total{reason}             counter; unauthorized|bad_payload|store
//   bam_rulesvc_enrichment_total{result}                   counter; ok|unavailable|skipped
//   bam_rulesvc_enrichment_seconds                         histogram
//   bam_rulesvc_routing_unknown_channel_total{channel}     counter
//   bam_rulesvc_webhook_fingerprint_mismatch_total         counter (the labels' fingerprint wins)
//
// Thread-safe: Handle may run on many threads at once.
#ifndef BAM_RULESVC_SERVICE_RECEIVER_H_
#define BAM_RULESVC_SERVICE_RECEIVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/channels/notification.h"
#include "rulesvc/config/service_config.h"
#include "rulesvc/enrich/enricher.h"
#include "rulesvc/http/api_types.h"
#include "rulesvc/store/alert_store.h"

namespace prometheus {
class Counter;
class Histogram;
template <typename T>
class Family;
class Registry;
}  // namespace prometheus

namespace bam::rulesvc::service {

struct ReceiverDeps {
  const ServiceConfig* config = nullptr;  // REQUIRES: non-null; outlives the Receiver
  AlertStore* store = nullptr;            // REQUIRES: non-null; outlives the Receiver
  // The catalog in force (it changes when rules are edited through the API); may return null.
  std::function<std::shared_ptr<const Catalog>()> catalog;
  // Computes an alert's impact; unset = no enrichment.
  std::function<enrich::Impact(const Catalog&, const enrich::AlertInfo&)> enrich;
  // Called after notifications were enqueued (wakes the outbox dispatcher).
  std::function<void()> on_enqueued;
  std::function<int64_t()> clock;  // Unix ms
  channels::Locale locale = channels::Locale::kFrFr;
};

class Receiver {
 public:
  Receiver(ReceiverDeps deps, prometheus::Registry& registry);
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  http::ApiResponse Handle(const http::ApiRequest& request);

 private:
  bool Authorized(const http::ApiRequest& request) const;
  prometheus::Counter& AlertCounter(const char* status, const char* result);

  const ReceiverDeps deps_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& alerts_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Counter>& enrichment_;
  prometheus::Family<prometheus::Counter>& unknown_channel_;
  prometheus::Counter& fingerprint_mismatch_;
  prometheus::Histogram& enrichment_seconds_;
};

// Constant-time comparison of two secrets (the time depends only on the lengths).
bool SecretEquals(std::string_view a, std::string_view b);

}  // namespace bam::rulesvc::service

#endif  // BAM_RULESVC_SERVICE_RECEIVER_H_
