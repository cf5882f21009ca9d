// From one received alert (and its enrichment) to the channels' Notification and the list of
// channels it goes to. Pure functions of their inputs; thread-safe.
//
// Text: the title is the alert's `summary` annotation (the catalog rule's message, rendered by
// Prometheus), the body its `description` plus what enrichment found around the start (same
// weekday in past weeks, deployments, traffic against last week), in the configured locale.
// Links: rulesvc.yml `links` templates with the alert's time range, else the annotations the
// compiler wrote. Routing: docs/rulesvc.md, "Routing".
#ifndef BAM_RULESVC_SERVICE_NOTIFICATION_BUILDER_H_
#define BAM_RULESVC_SERVICE_NOTIFICATION_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/channels/notification.h"
#include "rulesvc/config/service_config.h"
#include "rulesvc/enrich/impact.h"
#include "rulesvc/webhook/webhook_message.h"

namespace bam::rulesvc::service {

struct BuildContext {
  const ServiceConfig* config = nullptr;  // REQUIRES: non-null
  const Catalog* catalog = nullptr;       // may be null (rule and KPI names then come from labels)
  channels::Locale locale = channels::Locale::kFrFr;
};

// `impact` may be null (not computed: e.g. an alert that is not from a BAM rule).
channels::Notification BuildNotification(const AlertEvent& alert, const enrich::Impact* impact,
                                         const BuildContext& ctx, int64_t now_ms);

// A KPI value printed for its unit: 96 % / 1 250 € / 1 250 €/h / 620 ms / 1 250 /h.
std::string FormatKpiValue(double value, Unit unit, const std::string& currency,
                           channels::Locale locale);

// Expands {{start}} {{end}} (RFC 3339), {{start_ms}} {{end_ms}}, {{rule_id}}, {{kpi}} and
// {{label.NAME}} in a link template. The range is the alert's start minus one hour to its end
// (or now) plus 15 minutes, so the page shows the incident with context on both sides.
std::string ExpandLink(const std::string& tmpl, const AlertEvent& alert, int64_t now_ms);

struct Route {
  std::vector<std::string> channels;  // configured channel names, each once, in order
  std::vector<std::string> unknown;   // names the rule asked for that rulesvc.yml lacks
};

// The rule's actions (the `bam_actions` annotation, else the catalog rule's `actions`), or
// routing.default when it names none; then routing.by_severity[severity] is added. Unknown
// channel names are reported, not sent to; if nothing known remains, routing.default is used.
Route RouteAlert(const AlertEvent& alert, const ServiceConfig& config, const Catalog* catalog);

}  // namespace bam::rulesvc::service

#endif  // BAM_RULESVC_SERVICE_NOTIFICATION_BUILDER_H_
