// Test helper: the notifications the channel tests render and deliver (the payment
// example, in French and English, firing and resolved).
#ifndef BAM_RULESVC_CHANNELS_TESTING_SAMPLE_NOTIFICATION_H_
#define BAM_RULESVC_CHANNELS_TESTING_SAMPLE_NOTIFICATION_H_

#include <chrono>

#include "rulesvc/channels/notification.h"

namespace bam::rulesvc::channels::testing {

// 2026-11-22T10:42:00Z
inline std::chrono::system_clock::time_point SampleStart() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1795344120));
}

// Firing, critical, fr-FR, EUR, every impact figure and link present; the summary holds
// characters that need escaping (&, <, >) and non-ASCII text.
inline Notification SampleFiring() {
  Notification n;
  n.title = "Paiement : taux de réussite 88 % (web)";
  n.summary =
      "Perte estimée 15 000 €/h depuis 10:42 <web & app>\nDéploiement payment-service 10:38";
  n.severity = "critical";
  n.status = Status::kFiring;
  n.rule_id = "payment_success_low";
  n.rule_name = "Taux de réussite des paiements bas";
  n.kpi_name = "Taux de réussite des paiements";
  n.kpi_value = "88 %";
  n.labels = {{"platform", "web"}, {"team", "payments"}};
  n.impact.revenue_lost_per_hour = 15000.4;
  n.impact.revenue_lost_since_start = 4525.0;
  n.impact.orders_affected = 312;
  n.impact.customers_affected = 280;
  n.impact.baseline = "lundi dernier à la même heure : 96 %";
  n.links.dashboard = "http://grafana:3000/d/bam-exec?from=1&to=2";
  n.links.logs = "http://kibana:5601/app/discover";
  n.links.runbook = "https://wiki.example/runbooks/payment";
  n.starts_at = SampleStart();
  n.locale = Locale::kFrFr;
  n.currency = "EUR";
  return n;
}

// The same alert resolved, en-US, no impact figures and no links.
inline Notification SampleResolvedEn() {
  Notification n;
  n.title = "Payment success rate back to 97 % (web)";
  n.summary = "Recovered.";
  n.severity = "warning";
  n.status = Status::kResolved;
  n.rule_id = "payment_success_low";
  n.rule_name = "Payment success rate low";
  n.kpi_name = "Payment success rate";
  n.kpi_value = "97 %";
  n.labels = {{"platform", "web"}};
  n.starts_at = SampleStart();
  n.ends_at = SampleStart() + std::chrono::minutes(18);
  n.locale = Locale::kEnUs;
  n.currency = "EUR";
  return n;
}

}  // namespace bam::rulesvc::channels::testing

#endif  // BAM_RULESVC_CHANNELS_TESTING_SAMPLE_NOTIFICATION_H_
