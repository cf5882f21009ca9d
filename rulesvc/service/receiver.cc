#include "rulesvc/service/receiver.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "rulesvc/enrich/impact.h"
#include "rulesvc/outbox/notification_json.h"
#include "rulesvc/service/notification_builder.h"
#include "rulesvc/store/event_from_webhook.h"
#include "rulesvc/webhook/fingerprint.h"
#include "rulesvc/webhook/webhook_parser.h"

namespace bam::rulesvc::service {
namespace {

using http::ApiRequest;
using http::ApiResponse;

std::string Base64Encode(std::string_view in) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v =
        (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool IsBamAlert(const AlertEvent& alert) {
  auto it = alert.labels.find("bam_kpi");
  return it != alert.labels.end() && !it->second.empty();
}

}  // namespace

bool SecretEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

Receiver::Receiver(ReceiverDeps deps, prometheus::Registry& registry)
    : deps_(std::move(deps)),
      requests_(prometheus::BuildCounter()
                    .Name("bam_rulesvc_webhook_requests_total")
                    .Help("Webhook requests received from Alertmanager, by HTTP status answered.")
                    .Register(registry)),
      alerts_(prometheus::BuildCounter()
                  .Name("bam_rulesvc_webhook_alerts_total")
                  .Help("Alerts received, by status (firing/resolved) and result (recorded, or "
                        "duplicate: already recorded, from an HA peer or a retry).")
                  .Register(registry)),
      rejected_(prometheus::BuildCounter()
                    .Name("bam_rulesvc_webhook_rejected_total")
                    .Help("Webhook requests refused, by reason: unauthorized, bad_payload, store.")
                    .Register(registry)),
      enrichment_(prometheus::BuildCounter()
                      .Name("bam_rulesvc_enrichment_total")
                      .Help("Alert enrichments, by result: ok, unavailable (Prometheus did not "
                            "answer in time; the message says so), skipped (not a BAM alert).")
                      .Register(registry)),
      unknown_channel_(prometheus::BuildCounter()
                           .Name("bam_rulesvc_routing_unknown_channel_total")
                           .Help("Channels named by a rule's actions that rulesvc.yml does not "
                                 "define (the alert went to the other channels or the default).")
                           .Register(registry)),
      fingerprint_mismatch_(prometheus::BuildCounter()
                                .Name("bam_rulesvc_webhook_fingerprint_mismatch_total")
                                .Help("Alerts whose payload fingerprint did not match their "
                                      "labels; the fingerprint of the labels was used.")
                                .Register(registry)
                                .Add({})),
      enrichment_seconds_(
          prometheus::BuildHistogram()
              .Name("bam_rulesvc_enrichment_seconds")
              .Help("Time spent enriching one alert.")
              .Register(registry)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.05, 0.1, 0.25,
                                                               0.5, 1, 2.5, 5, 10})) {}

prometheus::Counter& Receiver::AlertCounter(const char* status, const char* result) {
  return alerts_.Add({{"status", status}, {"result", result}});
}

bool Receiver::Authorized(const ApiRequest& request) const {
  const ServiceConfig& c = *deps_.config;
  const bool bearer = !c.receiver_bearer_token.empty();
  const bool basic = !c.receiver_basic_username.empty() || !c.receiver_basic_password.empty();
  if (!bearer && !basic) return true;
  const std::string header = request.Header("authorization");
  if (bearer && header.rfind("Bearer ", 0) == 0 &&
      SecretEquals(std::string_view(header).substr(7), c.receiver_bearer_token)) {
    return true;
  }
  if (basic && header.rfind("Basic ", 0) == 0 &&
      SecretEquals(std::string_view(header).substr(6),
                   Base64Encode(c.receiver_basic_username + ":" + c.receiver_basic_password))) {
    return true;
  }
  return false;
}

ApiResponse Receiver::Handle(const ApiRequest& request) {
  auto answer = [&](ApiResponse r) {
    requests_.Add({{"code", std::to_string(r.status)}}).Increment();
    return r;
  };
  if (!Authorized(request)) {
    rejected_.Add({{"reason", "unauthorized"}}).Increment();
    const ServiceConfig& c = *deps_.config;
    ApiResponse r = ApiResponse::Error(401, "unauthorized",
                                       "this receiver wants the credentials configured in "
                                       "rulesvc.yml receiver: (Alertmanager http_config)");
    r.headers.emplace_back("WWW-Authenticate", !c.receiver_bearer_token.empty()
                                                   ? "Bearer realm=\"bam-rulesvc\""
                                                   : "Basic realm=\"bam-rulesvc\"");
    return answer(r);
  }
  StatusOr<WebhookMessage> parsed = ParseWebhook(request.body);
  if (!parsed.ok()) {
    rejected_.Add({{"reason", "bad_payload"}}).Increment();
    Log(LogLevel::kWarn, "webhook refused: " + parsed.status().message());
    return answer(ApiResponse::Error(400, "bad_payload", parsed.status().message()));
  }
  const WebhookMessage& msg = *parsed;
  const int64_t now = deps_.clock();
  std::shared_ptr<const Catalog> catalog = deps_.catalog ? deps_.catalog() : nullptr;
  BuildContext ctx{deps_.config, catalog.get(), deps_.locale};

  int recorded = 0, duplicates = 0;
  bool enqueued = false;
  for (AlertEvent alert : msg.alerts) {
    // Alertmanager's fingerprint is a hash of the labels (fingerprint.h). A payload whose
    // fingerprint does not match its labels (hand-edited, or another sender's scheme) would merge
    // different alerts into one incident: the labels decide.
    if (!alert.fingerprint_computed) {
      std::string computed = LabelsFingerprint(alert.labels);
      if (computed != alert.fingerprint) {
        fingerprint_mismatch_.Increment();
        Log(LogLevel::kDebug, "alert fingerprint " + alert.fingerprint +
                                  " does not match its labels; using " + computed);
        alert.fingerprint = std::move(computed);
      }
    }
    const char* status = AlertStatusName(alert.status);
    EventRecord event = MakeEventRecord(msg, alert, now);
    StatusOr<bool> known = deps_.store->HasEvent(event);
    if (!known.ok()) {
      rejected_.Add({{"reason", "store"}}).Increment();
      return answer(ApiResponse::FromStatus(known.status()));
    }
    if (*known) {
      ++duplicates;
      AlertCounter(status, "duplicate").Increment();
      continue;
    }

    std::optional<enrich::Impact> impact;
    if (catalog != nullptr && deps_.enrich && IsBamAlert(alert)) {
      enrich::AlertInfo info;
      info.labels = alert.labels;
      info.starts_at_ms = alert.starts_at_ms;
      info.now_ms = alert.status == AlertStatus::kResolved && alert.ends_at_ms
                        ? std::min(*alert.ends_at_ms, now)
                        : now;
      if (info.now_ms < info.starts_at_ms) info.now_ms = info.starts_at_ms;
      const auto began = std::chrono::steady_clock::now();
      impact = deps_.enrich(*catalog, info);
      enrichment_seconds_.Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
      enrichment_.Add({{"result", impact->unavailable ? "unavailable" : "ok"}}).Increment();
      event.enrichment_json = enrich::ImpactToJson(*impact).dump();
      event.enrichment_reason = impact->unavailable.value_or("");
    } else {
      enrichment_.Add({{"result", "skipped"}}).Increment();
      event.enrichment_reason = IsBamAlert(alert) ? "no catalog" : "not a BAM alert";
    }

    Route route = RouteAlert(alert, *deps_.config, catalog.get());
    for (const std::string& name : route.unknown) {
      unknown_channel_.Add({{"channel", name}}).Increment();
      Log(LogLevel::kWarn, "alert " + event.alertname + ": channel \"" + name +
                               "\" is not defined in rulesvc.yml channels");
    }
    std::vector<NotificationRequest> notifications;
    if (!route.channels.empty()) {
      const std::string payload = outbox::NotificationToJson(
          BuildNotification(alert, impact ? &*impact : nullptr, ctx, now));
      for (const std::string& channel : route.channels) {
        notifications.push_back({channel, payload});
      }
    } else {
      Log(LogLevel::kWarn, "alert " + event.alertname +
                               ": no channel to send to (set routing.default in rulesvc.yml)");
    }
    StatusOr<RecordResult> result = deps_.store->RecordEvent(event, notifications);
    if (!result.ok()) {
      rejected_.Add({{"reason", "store"}}).Increment();
      Log(LogLevel::kError, "webhook: " + result.status().ToString());
      if (enqueued && deps_.on_enqueued) deps_.on_enqueued();
      return answer(ApiResponse::FromStatus(result.status()));
    }
    if (result->inserted) {
      ++recorded;
      AlertCounter(status, "recorded").Increment();
      enqueued = enqueued || !result->outbox_ids.empty();
    } else {
      ++duplicates;  // recorded by a concurrent request since HasEvent
      AlertCounter(status, "duplicate").Increment();
    }
  }
  if (enqueued && deps_.on_enqueued) deps_.on_enqueued();
  nlohmann::json body = {
      {"alerts", msg.alerts.size()}, {"recorded", recorded}, {"duplicates", duplicates}};
  return answer(ApiResponse::Json(200, body.dump()));
}

}  // namespace bam::rulesvc::service
