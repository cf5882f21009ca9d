// Notification: the one value every channel renders — an alert transition already turned into
// business text (title and summary rendered from the rule's templates), with the figures, labels
// and links the channels lay out. Built by the stage before (enrichment); channels never query
// anything. Also the locale-aware number formatting the renderers share.
//
// A plain value type: copyable, no invariants. Not thread-safe for concurrent mutation; const
// access from several threads is safe.
#ifndef BAM_RULESVC_CHANNELS_NOTIFICATION_H_
#define BAM_RULESVC_CHANNELS_NOTIFICATION_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace bam::rulesvc::channels {

enum class Status { kFiring, kResolved };

// Supported locales. Anything else is refused at config time by the caller (ParseLocale).
enum class Locale { kFrFr, kEnUs };

// Revenue impact as computed at firing time. Every figure is optional: enrichment may compute some
// and not others ("impact unavailable" when none is present: see Impact::empty()).
struct Impact {
  std::optional<double> revenue_lost_per_hour;     // currency units per hour
  std::optional<double> revenue_lost_since_start;  // currency units
  std::optional<int64_t> orders_affected;
  std::optional<int64_t> customers_affected;
  std::string baseline;  // already rendered, e.g. "lundi dernier à la même heure : 96 %"; "" = none

  bool empty() const {
    return !revenue_lost_per_hour && !revenue_lost_since_start && !orders_affected &&
           !customers_affected && baseline.empty();
  }
};

// Absolute http(s) URLs; "" = no such link (no button rendered).
struct Links {
  std::string dashboard;
  std::string logs;
  std::string runbook;
};

struct Notification {
  std::string title;     // one line, rendered; e.g. "Paiement : taux de réussite 88 % (web)"
  std::string summary;   // rendered body text, may hold several lines
  std::string severity;  // catalog severity, e.g. "critical", "warning", "info"
  Status status = Status::kFiring;
  std::string rule_id;    // catalog rule id (bam_rule_id label)
  std::string rule_name;  // human name of the rule
  std::string kpi_name;   // human KPI name, e.g. "Taux de réussite des paiements"
  std::string kpi_value;  // already formatted with its unit, e.g. "88 %"
  std::map<std::string, std::string> labels;  // alert labels, sorted by name
  Impact impact;
  Links links;
  std::chrono::system_clock::time_point starts_at;
  std::optional<std::chrono::system_clock::time_point> ends_at;  // set when resolved
  Locale locale = Locale::kFrFr;
  std::string currency =
      "EUR";  // ISO 4217 code; EUR, USD and GBP have symbols, others print as code
};

// "fr-FR" / "en-US" (exact spelling, as in rulesvc.yml) into *locale. Returns false otherwise.
bool ParseLocale(const std::string& text, Locale* locale);

// Number formatting. Decision (CLDR, what ICU and browsers print): fr-FR groups thousands with
// U+202F NARROW NO-BREAK SPACE, uses "," for decimals, and puts U+00A0 NO-BREAK SPACE between the
// amount and the currency symbol ("15 000 €"); en-US prints "€15,000". No-break spaces keep a
// figure on one line in Slack, Teams and mail clients. Channels that want ASCII (SMS) call
// AsciiSpaces on the rendered text.

// `value` rounded to `decimals` (0..6) digits, grouped by thousands. NaN/inf print as "—".
std::string FormatNumber(double value, int decimals, Locale locale);
// A count, grouped by thousands: 1234 → "1 234" (fr-FR, U+202F) / "1,234" (en-US).
std::string FormatCount(int64_t value, Locale locale);
// An amount of money rounded to whole units (impact figures are estimates): 15000 → "15 000 €"
// (fr-FR) / "€15,000" (en-US). Unknown currency codes print as the code: "15 000 CHF", "CHF
// 15,000".
std::string FormatMoney(double value, const std::string& currency, Locale locale);
// Replaces U+202F and U+00A0 with ASCII spaces.
std::string AsciiSpaces(const std::string& text);
// RFC 3339 UTC with seconds: "2026-11-22T10:42:00Z".
std::string FormatTimestamp(std::chrono::system_clock::time_point t);

}  // namespace bam::rulesvc::channels

#endif  // BAM_RULESVC_CHANNELS_NOTIFICATION_H_
