#include "rulesvc/grafana/dashboards.h"

#include <set>
#include <string_view>
#include <utility>

#include "rulesvc/compiler/conventions.h"
#include "rulesvc/compiler/kpi_query.h"
#include "rulesvc/grafana/kpi_style.h"
#include "rulesvc/grafana/panels.h"

namespace bam::rulesvc::grafana {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kFiringBamAlerts = R"(ALERTS{alertstate="firing", bam_rule_id!=""})";
constexpr std::string_view kKpiDetailPath = "/d/bam-kpi-detail/kpi-detail";

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// "{{platform}} {{region}}" for a KPI kept by labels, else `fallback`.
std::string LegendOf(const Kpi& kpi, const std::string& fallback) {
  if (kpi.by.empty()) return fallback;
  std::vector<std::string> parts;
  for (const std::string& l : kpi.by) parts.push_back("{{" + l + "}}");
  return Join(parts, " ");
}

ordered_json AlertAnnotation(std::string_view datasource_uid, std::string_view expr) {
  ordered_json a;
  a["name"] = "BAM alerts";
  a["datasource"] = PrometheusRef(datasource_uid);
  a["enable"] = true;
  a["hide"] = false;
  a["iconColor"] = "red";
  // Grafana's Prometheus data source reads the query from `target`, the rest from the annotation.
  a["target"] = {{"refId", "Anno"}, {"expr", expr}, {"interval", "60s"}};
  a["titleFormat"] = "{{alertname}} ({{severity}})";
  a["textFormat"] = "{{bam_rule_id}} · {{bam_kpi}}";
  a["tagKeys"] = "severity,bam_kpi,bam_rule_id";
  a["useValueForTime"] = false;
  return a;
}

ordered_json DashboardLink(std::string title, std::string url, bool include_vars) {
  ordered_json l;
  l["title"] = std::move(title);
  l["type"] = url.empty() ? "dashboards" : "link";
  l["url"] = std::move(url);
  l["icon"] = "external link";
  l["tooltip"] = "";
  l["tags"] = url.empty() ? ordered_json::array({"bam"}) : ordered_json::array();
  l["asDropdown"] = url.empty();
  l["includeVars"] = include_vars;
  l["keepTime"] = true;
  l["targetBlank"] = false;
  return l;
}

struct Skeleton {
  std::string uid;
  std::string title;
  std::string description;
  std::string from = "now-24h";
  ordered_json annotations = ordered_json::array();
  ordered_json variables = ordered_json::array();
  ordered_json extra_links = ordered_json::array();
  ordered_json quick_ranges = ordered_json::array();
};

ordered_json Build(Skeleton s, const PanelLayout& layout) {
  ordered_json d;
  d["uid"] = s.uid;
  d["title"] = s.title;
  d["description"] = s.description;
  d["tags"] = ordered_json::array({"bam"});
  d["editable"] = false;  // shared read-only with business users; change the catalog instead
  d["graphTooltip"] = 1;
  d["schemaVersion"] = kSchemaVersion;
  d["version"] = 1;
  d["timezone"] = "browser";
  d["refresh"] = "1m";
  d["time"] = {{"from", s.from}, {"to", "now"}};
  ordered_json picker;
  picker["refresh_intervals"] = ordered_json::array({"30s", "1m", "5m", "15m", "1h"});
  if (!s.quick_ranges.empty()) picker["quick_ranges"] = std::move(s.quick_ranges);
  d["timepicker"] = std::move(picker);
  ordered_json links = ordered_json::array({DashboardLink("BAM dashboards", "", false)});
  for (auto& l : s.extra_links) links.push_back(std::move(l));
  d["links"] = std::move(links);
  d["annotations"] = {{"list", std::move(s.annotations)}};
  d["templating"] = {{"list", std::move(s.variables)}};
  d["panels"] = layout.panels();
  return d;
}

// The catalog's raw-log link for a panel, if the catalog has a `logs_url`.
std::vector<PanelLink> LogLinks(const Catalog& c, std::string_view kpi) {
  if (c.settings.logs_url.empty()) return {};
  return {{"Raw logs of this time range", GrafanaLinkUrl(c.settings.logs_url, kpi)}};
}

// The impact baseline of `series` as the service computes it (docs/rulesvc.md, Enrichment).
std::string BaselineExpr(const std::string& series, Baseline baseline) {
  switch (baseline) {
    case Baseline::kSameTimeLastWeek:
      return "sum(" + series + " offset 1w)";
    case Baseline::kYesterday:
      return "sum(" + series + " offset 1d)";
    case Baseline::kAvg7dSameHour: {
      // The mean of the offsets that have data: each offset one labelled series, then avg.
      std::vector<std::string> parts;
      for (const char* o : {"1d", "2d", "3d", "4d", "5d", "6d", "1w"}) {
        parts.push_back("label_replace(sum(" + series + " offset " + o + "), \"offset\", \"" + o +
                        "\", \"\", \"\")");
      }
      return "avg(" + Join(parts, " or ") + ")";
    }
  }
  return "sum(" + series + " offset 1w)";
}

std::string_view BaselineName(Baseline b) {
  switch (b) {
    case Baseline::kSameTimeLastWeek:
      return "same time last week";
    case Baseline::kYesterday:
      return "same time yesterday";
    case Baseline::kAvg7dSameHour:
      return "mean of the same hour over the last 7 days";
  }
  return "";
}

std::string DescriptionOf(const Kpi& kpi) {
  if (!kpi.description.empty()) return kpi.description;
  return kpi.name + " (" + std::string(UnitName(kpi.unit)) + ").";
}

ordered_json Executive(const Catalog& c, const RuleFile& rules, const DashboardOptions& o) {
  PanelLayout layout(o.datasource_uid);
  layout.NewRow("Indicateurs clés");
  for (const Kpi& kpi : c.kpis) {
    PanelSpec p;
    p.type = PanelType::kStat;
    p.title = kpi.name;
    p.description = DescriptionOf(kpi);
    p.unit = GrafanaUnit(kpi.unit, c.settings.currency_symbol);
    p.thresholds = ThresholdSteps(kpi);
    p.queries.push_back({KpiSeries(kpi, rules), LegendOf(kpi, kpi.name), false, ""});
    p.links.push_back({"Details: " + kpi.name, std::string(kKpiDetailPath) + "?var-kpi=" + kpi.id +
                                                   "&${__url_time_range}"});
    for (PanelLink& l : LogLinks(c, kpi.id)) p.links.push_back(std::move(l));
    p.width = 6;
    p.height = 5;
    layout.Add(p);
  }
  if (c.impact) {
    const Kpi* revenue = c.FindKpi(c.impact->revenue_per_hour.text);
    if (revenue != nullptr) {
      const std::string r = KpiSeries(*revenue, rules);
      const std::string baseline = BaselineExpr(r, c.impact->baseline);
      const std::string money = GrafanaUnit(Unit::kEurPerHour, c.settings.currency_symbol);
      layout.NewRow("Chiffre d'affaires");
      PanelSpec rev;
      rev.title = revenue->name;
      rev.description = DescriptionOf(*revenue) +
                        " Baseline: " + std::string(BaselineName(c.impact->baseline)) + ".";
      rev.unit = money;
      rev.queries.push_back({"sum(" + r + ")", revenue->name, false, ""});
      rev.queries.push_back({baseline,
                             "Baseline (" + std::string(BaselineName(c.impact->baseline)) + ")",
                             false, ""});
      rev.links = LogLinks(c, revenue->id);
      rev.width = 16;
      layout.Add(rev);
      PanelSpec loss;
      loss.type = PanelType::kStat;
      loss.title = "Perte estimée par heure";
      loss.description =
          "Estimated revenue lost per hour: the baseline (" +
          std::string(BaselineName(c.impact->baseline)) +
          ") minus the revenue per hour now, never below 0 — the figure alert messages carry.";
      loss.unit = money;
      loss.thresholds = {{"mode", "absolute"},
                         {"steps", ordered_json::array({{{"color", "green"}, {"value", nullptr}},
                                                        {{"color", "red"}, {"value", 1}}})}};
      loss.queries.push_back(
          {"clamp_min(" + baseline + " - sum(" + r + "), 0)", "Perte estimée", false, ""});
      loss.width = 8;
      layout.Add(loss);
    }
  }
  layout.NewRow("Alertes en cours");
  PanelSpec alerts;
  alerts.type = PanelType::kTable;
  alerts.title = "Alertes BAM en cours";
  alerts.description = "BAM alerts firing now, one row per alert, with their labels.";
  alerts.queries.push_back({std::string(kFiringBamAlerts), "", true, ""});
  alerts.width = 24;
  layout.Add(alerts);

  Skeleton s;
  s.uid = "bam-exec";
  s.title = "BAM — Executive";
  s.description = "Business KPIs with the colours of their alert thresholds, revenue and loss.";
  s.annotations.push_back(AlertAnnotation(o.datasource_uid, kFiringBamAlerts));
  return Build(std::move(s), layout);
}

std::string Rate(std::string_view counter) {
  return "rate(" + std::string(counter) + "[$__rate_interval])";
}

ordered_json Operations(const Catalog& c, const DashboardOptions& o) {
  PanelLayout layout(o.datasource_uid);
  const std::vector<PanelLink> logs = LogLinks(c, "");
  layout.NewRow("API");
  PanelSpec latency;
  latency.title = "API latency percentiles by endpoint";
  latency.description = "p50, p95 and p99 of API response time, per endpoint.";
  latency.unit = "s";
  for (const char* q : {"0.5", "0.95", "0.99"}) {
    std::string p = q == std::string_view("0.5")    ? "p50"
                    : q == std::string_view("0.95") ? "p95"
                                                    : "p99";
    latency.queries.push_back({"histogram_quantile(" + std::string(q) +
                                   ", sum by (le, endpoint) (" +
                                   Rate(o.api_latency_histogram + "_bucket") + "))",
                               p + " {{endpoint}}", false, ""});
  }
  latency.links = logs;
  latency.width = 24;
  layout.Add(latency);
  PanelSpec errors;
  errors.title = "Errors by platform";
  errors.description = "Application errors per minute, by platform.";
  errors.unit = "cpm";
  errors.queries.push_back(
      {"sum by (platform) (" + Rate(o.errors_counter) + ") * 60", "{{platform}}", false, ""});
  errors.links = logs;
  layout.Add(errors);
  PanelSpec payment;
  payment.title = "Payment errors by method";
  payment.description = "Payment gateway errors over the last hour, by payment method.";
  payment.unit = "short";
  payment.queries.push_back(
      {"sum by (payment_method) (increase(" + o.payment_errors_counter + "[1h]))",
       "{{payment_method}}", false, ""});
  payment.links = logs;
  layout.Add(payment);

  layout.NewRow("Exporter health");
  PanelSpec read;
  read.title = "Lines read per second";
  read.description = "Log lines the exporters read, by source.";
  read.unit = "cps";
  read.queries.push_back(
      {"sum by (source) (" + Rate("bam_exporter_lines_read_total") + ")", "{{source}}", false, ""});
  read.width = 8;
  layout.Add(read);
  PanelSpec rejected;
  rejected.title = "Lines rejected per second";
  rejected.description = "Lines the exporters could not use, by source and reason.";
  rejected.unit = "cps";
  rejected.queries.push_back(
      {"sum by (source, reason) (" + Rate("bam_exporter_lines_rejected_total") + ")",
       "{{source}} {{reason}}", false, ""});
  rejected.width = 8;
  layout.Add(rejected);
  PanelSpec source_errors;
  source_errors.title = "Source errors per second";
  source_errors.description = "Errors reading sources (files, Kafka, HTTP), by source and kind.";
  source_errors.unit = "cps";
  source_errors.queries.push_back(
      {"sum by (source, kind) (" + Rate("bam_exporter_source_errors_total") + ")",
       "{{source}} {{kind}}", false, ""});
  source_errors.width = 8;
  layout.Add(source_errors);

  layout.NewRow("Service health");
  PanelSpec webhook;
  webhook.title = "Webhook requests per second";
  webhook.description = "Alertmanager webhooks received by bam-rulesvc, by HTTP code.";
  webhook.unit = "reqps";
  webhook.queries.push_back({"sum by (code) (" + Rate("bam_rulesvc_webhook_requests_total") + ")",
                             "{{code}}", false, ""});
  webhook.width = 8;
  layout.Add(webhook);
  PanelSpec notifications;
  notifications.title = "Notifications per minute";
  notifications.description = "Notifications by channel and result (delivered, retry, dead).";
  notifications.unit = "cpm";
  notifications.queries.push_back(
      {"sum by (channel, result) (" + Rate("bam_rulesvc_notifications_total") + ") * 60",
       "{{channel}} {{result}}", false, ""});
  notifications.width = 8;
  layout.Add(notifications);
  PanelSpec outbox;
  outbox.title = "Outbox pending";
  outbox.description = "Notifications waiting in the outbox, and enrichment results per minute.";
  outbox.unit = "short";
  outbox.queries.push_back({"sum(bam_rulesvc_outbox_pending)", "pending", false, ""});
  outbox.queries.push_back({"sum by (result) (" + Rate("bam_rulesvc_enrichment_total") + ") * 60",
                            "enrichment {{result}}", false, ""});
  outbox.width = 8;
  layout.Add(outbox);

  Skeleton s;
  s.uid = "bam-ops";
  s.title = "BAM — Operations";
  s.description = "API latency and errors, payment errors, and the health of BAM itself.";
  s.annotations.push_back(AlertAnnotation(o.datasource_uid, kFiringBamAlerts));
  return Build(std::move(s), layout);
}

ordered_json CustomVariable(std::string name, std::string label,
                            const std::vector<std::pair<std::string, std::string>>& options,
                            size_t current) {
  // Grafana's custom variable syntax: "text : value" pairs separated by commas.
  std::vector<std::string> query;
  ordered_json opts = ordered_json::array();
  for (size_t i = 0; i < options.size(); ++i) {
    std::string text;
    for (char ch : options[i].first) {
      if (ch == ',') text += '\\';
      text += ch;
    }
    query.push_back(text == options[i].second ? text : text + " : " + options[i].second);
    opts.push_back(
        {{"selected", i == current}, {"text", options[i].first}, {"value", options[i].second}});
  }
  ordered_json v;
  v["name"] = std::move(name);
  v["label"] = std::move(label);
  v["type"] = "custom";
  v["query"] = Join(query, ",");
  if (!options.empty()) {
    v["current"] = {
        {"selected", true}, {"text", options[current].first}, {"value", options[current].second}};
  }
  v["options"] = std::move(opts);
  v["hide"] = 0;
  v["includeAll"] = false;
  v["multi"] = false;
  v["skipUrlSync"] = false;
  return v;
}

ordered_json KpiDetail(const Catalog& c, const RuleFile& rules, const DashboardOptions& o) {
  std::vector<std::pair<std::string, std::string>> kpis;
  std::set<std::string> suffixes;
  for (const Kpi& kpi : c.kpis) {
    kpis.emplace_back(kpi.name, kpi.id);
    const std::string series = KpiSeries(kpi, rules);
    const std::string prefix = "bam:" + kpi.id + ":";
    if (series.rfind(prefix, 0) == 0) suffixes.insert(series.substr(prefix.size()));
  }
  std::vector<std::string> alternatives(suffixes.begin(), suffixes.end());
  // The chosen KPI's recording rule: its name is bam:<kpi>:<form><window>, and only the KPI's
  // own value uses a form+window among these (helper series use other forms).
  const std::string series = "{__name__=~\"bam:${kpi}:(" + Join(alternatives, "|") + ")\"}";

  PanelLayout layout(o.datasource_uid);
  PanelSpec value;
  value.title = "${kpi}";
  value.description =
      "The KPI's value, averaged over each granularity step, and the same time "
      "one week earlier. Alerts of this KPI are marked on the time axis.";
  value.queries.push_back(
      {"avg_over_time(" + series + "[$granularity])", "__auto", false, "$granularity"});
  value.queries.push_back({"avg_over_time(" + series + "[$granularity] offset 1w)",
                           "one week earlier", false, "$granularity"});
  value.links = LogLinks(c, "${kpi}");
  value.width = 18;
  value.height = 10;
  layout.Add(value);
  PanelSpec now;
  now.type = PanelType::kStat;
  now.title = "Now";
  now.description = "The KPI's latest value.";
  now.queries.push_back({series, "__auto", false, ""});
  now.width = 6;
  now.height = 10;
  layout.Add(now);
  PanelSpec alerts;
  alerts.type = PanelType::kTable;
  alerts.title = "Alerts of this KPI firing now";
  alerts.description = "BAM alerts on the chosen KPI that fire now.";
  alerts.queries.push_back({R"(ALERTS{alertstate="firing", bam_kpi="${kpi}"})", "", true, ""});
  alerts.width = 24;
  layout.Add(alerts);

  Skeleton s;
  s.uid = "bam-kpi-detail";
  s.title = "BAM — KPI detail";
  s.description = "One KPI over 7, 15 or 30 days, by minute, hour or day.";
  s.from = "now-7d";
  s.annotations.push_back(
      AlertAnnotation(o.datasource_uid, R"(ALERTS{alertstate="firing", bam_kpi="${kpi}"})"));
  s.variables.push_back(CustomVariable("kpi", "KPI", kpis, 0));
  s.variables.push_back(CustomVariable("granularity", "Granularity",
                                       {{"minute", "1m"}, {"hour", "1h"}, {"day", "1d"}}, 1));
  for (const char* days : {"7", "15", "30"}) {
    const std::string range = std::string(days) + "d";
    s.extra_links.push_back(
        DashboardLink("Last " + std::string(days) + " days",
                      std::string(kKpiDetailPath) + "?from=now-" + range + "&to=now", true));
    s.quick_ranges.push_back({{"display", "Last " + std::string(days) + " days"},
                              {"from", "now-" + range},
                              {"to", "now"}});
  }
  return Build(std::move(s), layout);
}

ordered_json Exporter(const DashboardOptions& o) {
  PanelLayout layout(o.datasource_uid);
  struct Spec {
    const char* title;
    const char* description;
    const char* unit;
    std::string expr;
    const char* legend;
  };
  const std::string read = "sum by (source) (" + Rate("bam_exporter_lines_read_total") + ")";
  const std::string rejected =
      "sum by (source) (" + Rate("bam_exporter_lines_rejected_total") + ")";
  // Scrapes of the exporters: Prometheus' own series of the targets that expose build_info.
  const std::string exporter_targets = " and on (job, instance) bam_exporter_build_info";
  const std::vector<Spec> specs = {
      {"Lines read", "Lines read per second, by source.", "cps", read, "{{source}}"},
      {"Lines parsed", "Lines read minus lines rejected, per second, by source.", "cps",
       read + " - (" + rejected + " or " + read + " * 0)", "{{source}}"},
      {"Lines rejected by reason", "Rejected lines per second, by source and reason.", "cps",
       "sum by (source, reason) (" + Rate("bam_exporter_lines_rejected_total") + ")",
       "{{source}} {{reason}}"},
      {"Source errors", "Source errors per second, by source and kind.", "cps",
       "sum by (source, kind) (" + Rate("bam_exporter_source_errors_total") + ")",
       "{{source}} {{kind}}"},
      {"Series folded into overflow", "Series over a metric's cardinality budget, per second.",
       "cps", "sum by (metric) (" + Rate("bam_exporter_series_overflow_total") + ")", "{{metric}}"},
      {"Series exposed", "Samples each exporter exposes per scrape.", "short",
       "scrape_samples_scraped" + exporter_targets, "{{instance}}"},
      {"Scrape duration", "How long Prometheus takes to scrape each exporter.", "s",
       "scrape_duration_seconds" + exporter_targets, "{{instance}}"},
      {"Kafka lag", "Messages behind the newest offset, by source, topic and partition.", "short",
       "sum by (source, topic, partition) (bam_exporter_kafka_lag)",
       "{{source}} {{topic}}/{{partition}}"},
      {"Config reloads", "Reloads per hour, by result.", "short",
       "sum by (result) (increase(bam_exporter_config_reloads_total[1h]))", "{{result}}"},
  };
  for (const Spec& sp : specs) {
    PanelSpec p;
    p.title = sp.title;
    p.description = sp.description;
    p.unit = sp.unit;
    p.queries.push_back({sp.expr, sp.legend, false, ""});
    p.width = 8;
    layout.Add(p);
  }
  Skeleton s;
  s.uid = "bam-exporter";
  s.title = "BAM — Exporter internals";
  s.description = "What bam-exporter reads, rejects and exposes.";
  s.from = "now-6h";
  return Build(std::move(s), layout);
}

}  // namespace

std::string KpiSeries(const Kpi& kpi, const RuleFile& rules) {
  const std::string name = conventions::RecordName(kpi.id, KpiForm(kpi), KpiWindow(kpi));
  for (const RuleGroup& g : rules.groups) {
    if (g.name != conventions::kKpiGroup) continue;
    for (const RecordingRule& r : g.records) {
      if (r.record == name) return name;
    }
  }
  return "(" + KpiValueExpr(kpi, kpi.by) + ")";
}

std::vector<Dashboard> GenerateDashboards(const Catalog& catalog, const RuleFile& rules,
                                          const DashboardOptions& options) {
  std::vector<Dashboard> out;
  out.push_back({"bam-executive.json", "bam-exec", Executive(catalog, rules, options)});
  out.push_back({"bam-operations.json", "bam-ops", Operations(catalog, options)});
  out.push_back({"bam-kpi-detail.json", "bam-kpi-detail", KpiDetail(catalog, rules, options)});
  out.push_back({"bam-exporter.json", "bam-exporter", Exporter(options)});
  return out;
}

std::string DashboardText(const Dashboard& dashboard) {
  return dashboard.json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::strict) + "\n";
}

}  // namespace bam::rulesvc::grafana
