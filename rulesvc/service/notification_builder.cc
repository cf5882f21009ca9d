#include "rulesvc/service/notification_builder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

namespace bam::rulesvc::service {
namespace {

using channels::Locale;

std::string Get(const LabelMap& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

std::chrono::system_clock::time_point FromMs(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

const Rule* FindRule(const Catalog* catalog, const std::string& id) {
  if (catalog == nullptr || id.empty()) return nullptr;
  for (const Rule& r : catalog->rules) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

// Weekday of a Unix ms time (UTC), 0 = Sunday.
int Weekday(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
  return static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
}

const char* DayName(int weekday, Locale locale, bool plural) {
  static const char* kFr[] = {"dimanche", "lundi",    "mardi", "mercredi",
                              "jeudi",    "vendredi", "samedi"};
  static const char* kEn[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                              "Thursday", "Friday", "Saturday"};
  static const char* kEnPlural[] = {"Sundays",   "Mondays", "Tuesdays", "Wednesdays",
                                    "Thursdays", "Fridays", "Saturdays"};
  static const char* kFrPlural[] = {"dimanches", "lundis",    "mardis", "mercredis",
                                    "jeudis",    "vendredis", "samedis"};
  if (locale == Locale::kFrFr) return plural ? kFrPlural[weekday] : kFr[weekday];
  return plural ? kEnPlural[weekday] : kEn[weekday];
}

std::string SignedPercent(double v, Locale locale) {
  std::string sign = v > 0 ? "+" : (v < 0 ? "\u2212" : "");
  return sign + channels::FormatNumber(std::fabs(v), 0, locale) +
         (locale == Locale::kFrFr ? "\u00a0%" : "%");
}

// The enrichment's context lines (past weeks, deployments, traffic), in the locale.
std::vector<std::string> ContextLines(const enrich::Impact& im, int64_t starts_at_ms,
                                      Locale locale) {
  std::vector<std::string> lines;
  const bool fr = locale == Locale::kFrFr;
  const int day = Weekday(starts_at_ms);
  if (im.past_weeks_beyond_threshold) {
    int known = 0;
    for (const auto& w : im.past_weeks) known += w.beyond_threshold.has_value() ? 1 : 0;
    int n = *im.past_weeks_beyond_threshold;
    if (known > 0) {
      if (n == 0) {
        lines.push_back(fr ? "Jamais vu les " + std::to_string(known) + " derniers " +
                                 DayName(day, locale, true) + " à la même heure"
                           : "Not seen on any of the last " + std::to_string(known) + " " +
                                 DayName(day, locale, true) + " at this time");
      } else {
        lines.push_back(fr ? "Déjà vu " + std::to_string(n) + " des " + std::to_string(known) +
                                 " derniers " + DayName(day, locale, true) + " à la même heure"
                           : "Already seen on " + std::to_string(n) + " of the last " +
                                 std::to_string(known) + " " + DayName(day, locale, true) +
                                 " at this time");
      }
    }
  }
  for (const auto& d : im.deployments) {
    lines.push_back((fr ? "Déploiement " : "Deployment ") + d.service +
                    (d.count > 1 ? " (×" + std::to_string(d.count) + ")" : "") +
                    (fr ? " autour du début" : " around the start"));
  }
  if (im.traffic_change_percent) {
    lines.push_back((fr ? "Trafic " : "Traffic ") +
                    SignedPercent(*im.traffic_change_percent, locale) +
                    (fr ? " par rapport à la semaine dernière" : " vs last week"));
  }
  return lines;
}

}  // namespace

std::string FormatKpiValue(double value, Unit unit, const std::string& currency, Locale locale) {
  const bool fr = locale == Locale::kFrFr;
  const std::string nb = fr ? "\u00a0" : "";  // no-break space before a unit in French
  auto num = [&](double v) {
    double a = std::fabs(v);
    int decimals = a >= 100 ? 0 : (a >= 10 ? 1 : 2);
    if (std::fabs(v - std::round(v)) < 1e-9) decimals = 0;
    return channels::FormatNumber(v, decimals, locale);
  };
  switch (unit) {
    case Unit::kPercent:
      return num(value) + (fr ? "\u00a0%" : "%");
    case Unit::kRatio:
      return num(value * 100) + (fr ? "\u00a0%" : "%");
    case Unit::kEur:
      return channels::FormatMoney(value, currency, locale);
    case Unit::kEurPerHour:
      return channels::FormatMoney(value, currency, locale) + "/h";
    case Unit::kMs:
      return num(value) + "\u00a0ms";
    case Unit::kSeconds:
      return num(value) + "\u00a0s";
    case Unit::kPerHour:
      return num(value) + nb + "/h";
    case Unit::kPerMinute:
      return num(value) + nb + "/min";
    case Unit::kPerSecond:
      return num(value) + nb + "/s";
    case Unit::kCount:
    case Unit::kUsers:
      break;
  }
  return num(value);
}

std::string ExpandLink(const std::string& tmpl, const AlertEvent& alert, int64_t now_ms) {
  if (tmpl.empty()) return "";
  const int64_t start = alert.starts_at_ms - 3600 * 1000;
  const int64_t end = (alert.ends_at_ms ? *alert.ends_at_ms : now_ms) + 15 * 60 * 1000;
  std::string out = tmpl;
  ReplaceAll(&out, "{{start_ms}}", std::to_string(start));
  ReplaceAll(&out, "{{end_ms}}", std::to_string(end));
  ReplaceAll(&out, "{{start}}", channels::FormatTimestamp(FromMs(start)));
  ReplaceAll(&out, "{{end}}", channels::FormatTimestamp(FromMs(end)));
  ReplaceAll(&out, "{{rule_id}}", Get(alert.labels, "bam_rule_id"));
  ReplaceAll(&out, "{{kpi}}", Get(alert.labels, "bam_kpi"));
  for (size_t at = out.find("{{label."); at != std::string::npos; at = out.find("{{label.", at)) {
    size_t close = out.find("}}", at);
    if (close == std::string::npos) break;
    std::string name = out.substr(at + 8, close - at - 8);
    std::string value = Get(alert.labels, name);
    out.replace(at, close + 2 - at, value);
    at += value.size();
  }
  return out;
}

channels::Notification BuildNotification(const AlertEvent& alert, const enrich::Impact* impact,
                                         const BuildContext& ctx, int64_t now_ms) {
  const ServiceConfig& config = *ctx.config;
  channels::Notification n;
  n.locale = ctx.locale;
  n.currency = config.currency;
  n.status = alert.status == AlertStatus::kResolved ? channels::Status::kResolved
                                                    : channels::Status::kFiring;
  n.severity = Get(alert.labels, "severity");
  n.rule_id = Get(alert.labels, "bam_rule_id");
  n.labels = alert.labels;
  const std::string alertname = Get(alert.labels, "alertname");
  const Rule* rule = FindRule(ctx.catalog, n.rule_id);
  n.rule_name = rule != nullptr ? rule->name : alertname;
  const Kpi* kpi =
      ctx.catalog != nullptr ? ctx.catalog->FindKpi(Get(alert.labels, "bam_kpi")) : nullptr;

  n.title = Get(alert.annotations, "summary");
  if (n.title.empty()) n.title = Get(alert.annotations, "title");  // Grafana's
  if (n.title.empty()) {
    n.title = alertname.empty() ? "Alert" : alertname;
    std::string dims;
    for (const auto& [k, v] : alert.labels) {
      if (k == "alertname" || k == "severity" || k == "bam_rule_id" || k == "bam_kpi") continue;
      dims += (dims.empty() ? "" : ", ") + k + "=" + v;
    }
    if (!dims.empty()) n.title += " (" + dims + ")";
  }
  n.summary = Get(alert.annotations, "description");
  if (n.summary.empty()) n.summary = Get(alert.annotations, "message");

  if (impact != nullptr) {
    n.impact.revenue_lost_per_hour = impact->revenue_lost_per_hour;
    n.impact.revenue_lost_since_start = impact->revenue_lost_since_start;
    n.impact.orders_affected = impact->orders_affected;
    n.impact.customers_affected = impact->customers_affected;
    // The alert's KPI a week ago at the same time: the reference a business reader compares to.
    for (const auto& w : impact->past_weeks) {
      if (w.weeks_ago != 1 || !w.value || kpi == nullptr) continue;
      std::string value = FormatKpiValue(*w.value, kpi->unit, config.currency, ctx.locale);
      const char* day = DayName(Weekday(alert.starts_at_ms), ctx.locale, false);
      n.impact.baseline = ctx.locale == Locale::kFrFr
                              ? std::string(day) + " dernier à la même heure\u00a0: " + value
                              : "last " + std::string(day) + " at this time: " + value;
    }
    std::vector<std::string> lines = ContextLines(*impact, alert.starts_at_ms, ctx.locale);
    for (const std::string& l : lines) n.summary += (n.summary.empty() ? "" : "\n") + l;
  }
  if (kpi != nullptr) n.kpi_name = kpi->name;
  if (n.kpi_name.empty()) n.kpi_name = Get(alert.annotations, "bam_kpi_name");

  n.links.dashboard = !config.dashboard_link.empty()
                          ? ExpandLink(config.dashboard_link, alert, now_ms)
                          : Get(alert.annotations, "dashboard_url");
  n.links.logs = !config.logs_link.empty() ? ExpandLink(config.logs_link, alert, now_ms)
                                           : Get(alert.annotations, "logs_url");
  n.links.runbook = Get(alert.annotations, "runbook_url");
  n.starts_at = FromMs(alert.starts_at_ms);
  if (alert.status == AlertStatus::kResolved && alert.ends_at_ms) {
    n.ends_at = FromMs(*alert.ends_at_ms);
  }
  return n;
}

Route RouteAlert(const AlertEvent& alert, const ServiceConfig& config, const Catalog* catalog) {
  Route route;
  auto add = [&](const std::string& name) {
    if (name.empty()) return;
    if (config.FindChannel(name) == nullptr) {
      if (std::find(route.unknown.begin(), route.unknown.end(), name) == route.unknown.end()) {
        route.unknown.push_back(name);
      }
      return;
    }
    if (std::find(route.channels.begin(), route.channels.end(), name) == route.channels.end()) {
      route.channels.push_back(name);
    }
  };
  std::vector<std::string> actions;
  const std::string annotated = Get(alert.annotations, "bam_actions");
  for (size_t i = 0; i < annotated.size();) {
    size_t comma = annotated.find(',', i);
    if (comma == std::string::npos) comma = annotated.size();
    std::string name = annotated.substr(i, comma - i);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    if (!name.empty()) actions.push_back(name);
    i = comma + 1;
  }
  if (actions.empty()) {
    if (const Rule* rule = FindRule(catalog, Get(alert.labels, "bam_rule_id"))) {
      actions = rule->actions;
    }
  }
  for (const std::string& a : actions) add(a);
  if (route.channels.empty()) {
    for (const std::string& d : config.default_route) add(d);
  }
  auto sev = config.by_severity.find(Get(alert.labels, "severity"));
  if (sev != config.by_severity.end()) {
    for (const std::string& c : sev->second) add(c);
  }
  return route;
}

}  // namespace bam::rulesvc::service
