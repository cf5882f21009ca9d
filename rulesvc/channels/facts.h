// Facts: the localised (label, value) lines and link buttons shared by every renderer, so Slack,
// Teams, e-mail and SMS show the same figures in the same order. Pure functions; thread-safe.
#ifndef BAM_RULESVC_CHANNELS_FACTS_H_
#define BAM_RULESVC_CHANNELS_FACTS_H_

#include <string>
#include <vector>

#include "rulesvc/channels/notification.h"

namespace bam::rulesvc::channels {

enum class FactKind { kSeverity, kStatus, kKpi, kImpact, kTime };

struct Fact {
  std::string label;  // localised, e.g. "Perte estimée"
  std::string value;  // formatted, e.g. "15 000 €/h"
  FactKind kind;
};

struct LinkButton {
  std::string label;  // localised, e.g. "Tableau de bord"
  std::string url;
};

// In this order, each only when present: severity, status, KPI ("name: value"), loss per hour,
// loss since start, orders affected, customers affected, baseline, started, ended. When the
// notification is firing and carries no impact at all, an "impact unavailable" fact is added.
std::vector<Fact> BuildFacts(const Notification& n);

// Dashboard, logs, runbook — those with a non-empty URL.
std::vector<LinkButton> BuildLinks(const Notification& n);

// Localised status word: "EN COURS"/"RÉSOLU" (fr-FR), "FIRING"/"RESOLVED" (en-US).
std::string StatusWord(const Notification& n);

// The one-line prefix used by subjects, Slack's `text` and SMS: "[CRITICAL] [EN COURS] <title>"
// ("[RÉSOLU]"/"[RESOLVED]" for resolved).
std::string HeadlineText(const Notification& n);

// Plain-text rendering: headline, blank line, summary, blank line, "label: value" per fact, then
// "label: url" per link. Lines end with "\n". Used by e-mail text/plain and SMS.
std::string PlainText(const Notification& n);

// `text` cut to at most `max_chars` Unicode code points (UTF-8 aware), the last one being "…" when
// something was cut. Invalid UTF-8 bytes count as one character each.
std::string Truncate(const std::string& text, size_t max_chars);

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_FACTS_H_
