#include "rulesvc/channels/facts.h"

#include <cctype>

namespace bam::rulesvc::channels {
namespace {

struct Words {
  const char* severity;
  const char* status;
  const char* loss_per_hour;
  const char* loss_since_start;
  const char* orders;
  const char* customers;
  const char* baseline;
  const char* started;
  const char* ended;
  const char* impact;
  const char* impact_unavailable;
  const char* firing;
  const char* resolved;
  const char* per_hour;
  const char* dashboard;
  const char* logs;
  const char* runbook;
};

constexpr Words kFr = {"Sévérité",
                       "Statut",
                       "Perte estimée",
                       "Perte depuis le début",
                       "Commandes touchées",
                       "Clients touchés",
                       "Référence",
                       "Début",
                       "Fin",
                       "Impact",
                       "indisponible",
                       "EN COURS",
                       "RÉSOLU",
                       "/h",
                       "Tableau de bord",
                       "Logs",
                       "Procédure"};
constexpr Words kEn = {"Severity",        "Status",
                       "Estimated loss",  "Loss since start",
                       "Orders affected", "Customers affected",
                       "Baseline",        "Started",
                       "Ended",           "Impact",
                       "unavailable",     "FIRING",
                       "RESOLVED",        "/h",
                       "Dashboard",       "Logs",
                       "Runbook"};

const Words& W(const Notification& n) { return n.locale == Locale::kFrFr ? kFr : kEn; }

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string StatusWord(const Notification& n) {
  return n.status == Status::kFiring ? W(n).firing : W(n).resolved;
}

std::vector<Fact> BuildFacts(const Notification& n) {
  const Words& w = W(n);
  std::vector<Fact> facts;
  if (!n.severity.empty()) facts.push_back({w.severity, n.severity, FactKind::kSeverity});
  facts.push_back({w.status, StatusWord(n), FactKind::kStatus});
  if (!n.kpi_name.empty() || !n.kpi_value.empty()) {
    facts.push_back({n.kpi_name.empty() ? "KPI" : n.kpi_name, n.kpi_value, FactKind::kKpi});
  }
  const Impact& im = n.impact;
  if (im.revenue_lost_per_hour) {
    facts.push_back({w.loss_per_hour,
                     FormatMoney(*im.revenue_lost_per_hour, n.currency, n.locale) + w.per_hour,
                     FactKind::kImpact});
  }
  if (im.revenue_lost_since_start) {
    facts.push_back({w.loss_since_start,
                     FormatMoney(*im.revenue_lost_since_start, n.currency, n.locale),
                     FactKind::kImpact});
  }
  if (im.orders_affected)
    facts.push_back({w.orders, FormatCount(*im.orders_affected, n.locale), FactKind::kImpact});
  if (im.customers_affected) {
    facts.push_back(
        {w.customers, FormatCount(*im.customers_affected, n.locale), FactKind::kImpact});
  }
  if (!im.baseline.empty()) facts.push_back({w.baseline, im.baseline, FactKind::kImpact});
  if (im.empty() && n.status == Status::kFiring)
    facts.push_back({w.impact, w.impact_unavailable, FactKind::kImpact});
  facts.push_back({w.started, FormatTimestamp(n.starts_at), FactKind::kTime});
  if (n.ends_at) facts.push_back({w.ended, FormatTimestamp(*n.ends_at), FactKind::kTime});
  return facts;
}

std::vector<LinkButton> BuildLinks(const Notification& n) {
  const Words& w = W(n);
  std::vector<LinkButton> links;
  if (!n.links.dashboard.empty()) links.push_back({w.dashboard, n.links.dashboard});
  if (!n.links.logs.empty()) links.push_back({w.logs, n.links.logs});
  if (!n.links.runbook.empty()) links.push_back({w.runbook, n.links.runbook});
  return links;
}

std::string HeadlineText(const Notification& n) {
  std::string out;
  if (!n.severity.empty()) out += "[" + Upper(n.severity) + "] ";
  return out + "[" + StatusWord(n) + "] " + n.title;
}

std::string PlainText(const Notification& n) {
  std::string out = HeadlineText(n) + "\n";
  if (!n.summary.empty()) out += "\n" + n.summary + "\n";
  out += "\n";
  for (const Fact& f : BuildFacts(n)) out += f.label + ": " + f.value + "\n";
  for (const LinkButton& l : BuildLinks(n)) out += l.label + ": " + l.url + "\n";
  return out;
}

std::string Truncate(const std::string& text, size_t max_chars) {
  if (max_chars == 0) return "";
  // Byte offset where each code point starts.
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) starts.push_back(i);
    if (starts.size() > max_chars) break;
  }
  if (starts.size() <= max_chars) return text;
  return text.substr(0, starts[max_chars - 1]) + "…";
}

}  // namespace bam::rulesvc::channels
