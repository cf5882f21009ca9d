#include "rulesvc/catalog/catalog.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace bam::rulesvc {
namespace {

// The example catalog of ../shared/specs/rule-catalog.md, verbatim.
constexpr const char* kSpecExample = R"yaml(version: 1
kpis:
  - id: checkout_success_rate             # [a-z][a-z0-9_]*, unique; referenced by rules
    name: Taux de transactions réussies   # what business users read
    unit: percent                         # percent | ratio | count | ms | s | eur | eur_per_hour | users | …
    ratio:                                # no-code forms: ratio | rate | increase | average | gauge | quantile
      numerator: bam_checkouts_total{status="completed"}
      denominator: bam_checkouts_total
      window: 5m
    by: [platform]                        # optional: dimensions kept (else summed over everything)
    thresholds: {warning: "< 95", critical: "< 90"}   # drive dashboard colours and the `breaches` rule form
    owner: team-checkout
  - id: payment_errors
    name: Erreurs de paiement
    unit: count
    increase: {metric: bam_payment_errors_total, window: 1h}
    thresholds: {warning: "> 20", critical: "> 50"}
  - id: api_latency_avg
    unit: ms
    average: {metric: bam_api_response_seconds, window: 5m, scale: 1000}   # _sum / _count of a histogram
  - id: api_latency_p95
    unit: ms
    quantile: {metric: bam_api_response_seconds, q: 0.95, window: 5m, scale: 1000}
  - id: revenue_per_hour
    unit: eur_per_hour
    rate: {metric: bam_revenue_eur_total, window: 1h, per: 1h}
  - id: dau
    unit: users
    gauge: {metric: bam_active_users}
  - id: orders_per_minute
    unit: count
    expr: sum(rate(bam_orders_total[5m])) * 60        # raw PromQL is allowed for experts

impact:                                 # how the service measures an alert's business impact
  revenue_per_hour: revenue_per_hour    # KPI id (unit eur_per_hour)
  orders_per_hour: orders_per_minute    # optional KPI id; orders affected = expected - actual over the alert
  customers_affected: failed_customers  # optional KPI id counting distinct customers hit
  baseline: same_time_last_week         # same_time_last_week | avg_7d_same_hour | yesterday

rules:
  - id: conversion-critical               # [a-z][a-z0-9-]*, unique
    name: Taux conversion critique
    when: checkout_success_rate < 90 AND duration(30min)
    severity: critical                    # info | warning | critical
    labels: {team: checkout}
    actions: [slack_ops, email_ops, crm]  # channel names from the service config
    message: "🚨 Conversion en chute à {{checkout_success_rate}}% ({{platform}})"
)yaml";

void ExpectText(const TextAt& t, const std::string& text, int line, int column,
                const std::string& path) {
  EXPECT_EQ(t.text, text) << path;
  EXPECT_EQ(t.file, "catalog.yml") << path;
  EXPECT_EQ(t.pos.line, line) << path;
  EXPECT_EQ(t.pos.column, column) << path;
  EXPECT_EQ(t.path, path);
}

void ExpectPos(Position pos, int line, int column) {
  EXPECT_EQ(pos.line, line);
  EXPECT_EQ(pos.column, column);
}

Catalog MustParse(const std::string& text) {
  Catalog catalog;
  DiagnosticList diags;
  EXPECT_TRUE(ParseCatalog("catalog.yml", text, &catalog, &diags)) << diags.Format();
  return catalog;
}

TEST(ParseCatalogTest, SpecExampleLoadsEveryField) {
  Catalog c = MustParse(kSpecExample);
  ASSERT_EQ(c.files, std::vector<std::string>{"catalog.yml"});
  ASSERT_EQ(c.kpis.size(), 7u);

  const Kpi& rate = c.kpis[0];
  EXPECT_EQ(rate.id, "checkout_success_rate");
  EXPECT_EQ(rate.file, "catalog.yml");
  ExpectPos(rate.pos, 3, 5);
  EXPECT_EQ(rate.path, "kpis[0]");
  EXPECT_EQ(rate.name, "Taux de transactions réussies");
  EXPECT_EQ(rate.unit, Unit::kPercent);
  EXPECT_EQ(rate.kind, KpiKind::kRatio);
  ExpectPos(rate.kind_pos, 6, 5);
  ExpectText(rate.numerator, "bam_checkouts_total{status=\"completed\"}", 7, 18,
             "kpis[0].ratio.numerator");
  ExpectText(rate.denominator, "bam_checkouts_total", 8, 20, "kpis[0].ratio.denominator");
  EXPECT_TRUE(rate.metric.empty());
  EXPECT_EQ(rate.window_ms, 5 * 60'000);
  ExpectPos(rate.window_pos, 9, 15);
  EXPECT_EQ(rate.by, std::vector<std::string>{"platform"});
  ExpectPos(rate.by_pos, 10, 9);
  ASSERT_TRUE(rate.warning.has_value());
  EXPECT_EQ(rate.warning->op, Threshold::Op::kLt);
  EXPECT_EQ(rate.warning->value, 95);
  EXPECT_EQ(rate.warning->suffix, "");
  ExpectText(rate.warning->text, "< 95", 11, 28, "kpis[0].thresholds.warning");
  ASSERT_TRUE(rate.critical.has_value());
  EXPECT_EQ(rate.critical->op, Threshold::Op::kLt);
  EXPECT_EQ(rate.critical->value, 90);
  ExpectText(rate.critical->text, "< 90", 11, 46, "kpis[0].thresholds.critical");
  EXPECT_EQ(rate.min_events, 10);
  EXPECT_EQ(rate.owner, "team-checkout");
  EXPECT_EQ(rate.description, "");

  const Kpi& errors = c.kpis[1];
  EXPECT_EQ(errors.id, "payment_errors");
  EXPECT_EQ(errors.name, "Erreurs de paiement");
  EXPECT_EQ(errors.unit, Unit::kCount);
  EXPECT_EQ(errors.kind, KpiKind::kIncrease);
  ExpectPos(errors.kind_pos, 16, 5);
  ExpectText(errors.metric, "bam_payment_errors_total", 16, 24, "kpis[1].increase.metric");
  EXPECT_EQ(errors.window_ms, 3'600'000);
  EXPECT_TRUE(errors.by.empty());
  ASSERT_TRUE(errors.warning && errors.critical);
  EXPECT_EQ(errors.warning->op, Threshold::Op::kGt);
  EXPECT_EQ(errors.warning->value, 20);
  EXPECT_EQ(errors.critical->value, 50);

  const Kpi& avg = c.kpis[2];
  EXPECT_EQ(avg.id, "api_latency_avg");
  EXPECT_EQ(avg.name, "api_latency_avg");  // defaults to the id
  EXPECT_EQ(avg.unit, Unit::kMs);
  EXPECT_EQ(avg.kind, KpiKind::kAverage);
  ExpectText(avg.metric, "bam_api_response_seconds", 20, 23, "kpis[2].average.metric");
  EXPECT_EQ(avg.window_ms, 300'000);
  EXPECT_EQ(avg.scale, 1000);
  EXPECT_FALSE(avg.warning || avg.critical);

  const Kpi& p95 = c.kpis[3];
  EXPECT_EQ(p95.kind, KpiKind::kQuantile);
  ExpectText(p95.metric, "bam_api_response_seconds", 23, 24, "kpis[3].quantile.metric");
  EXPECT_EQ(p95.q, 0.95);
  EXPECT_EQ(p95.window_ms, 300'000);
  EXPECT_EQ(p95.scale, 1000);

  const Kpi& revenue = c.kpis[4];
  EXPECT_EQ(revenue.unit, Unit::kEurPerHour);
  EXPECT_EQ(revenue.kind, KpiKind::kRate);
  ExpectText(revenue.metric, "bam_revenue_eur_total", 26, 20, "kpis[4].rate.metric");
  EXPECT_EQ(revenue.window_ms, 3'600'000);
  EXPECT_EQ(revenue.per_ms, 3'600'000);

  const Kpi& dau = c.kpis[5];
  EXPECT_EQ(dau.unit, Unit::kUsers);
  EXPECT_EQ(dau.kind, KpiKind::kGauge);
  ExpectText(dau.metric, "bam_active_users", 29, 21, "kpis[5].gauge.metric");
  EXPECT_FALSE(dau.window_ms.has_value());
  EXPECT_EQ(dau.aggregate, "sum");

  const Kpi& orders = c.kpis[6];
  EXPECT_EQ(orders.kind, KpiKind::kExpr);
  ExpectPos(orders.kind_pos, 32, 5);
  ExpectText(orders.expr, "sum(rate(bam_orders_total[5m])) * 60", 32, 11, "kpis[6].expr");
  EXPECT_FALSE(orders.window_ms.has_value());

  ASSERT_TRUE(c.impact.has_value());
  EXPECT_EQ(c.impact->file, "catalog.yml");
  ExpectPos(c.impact->pos, 34, 1);
  ExpectText(c.impact->revenue_per_hour, "revenue_per_hour", 35, 21, "impact.revenue_per_hour");
  ExpectText(c.impact->orders_per_hour, "orders_per_minute", 36, 20, "impact.orders_per_hour");
  ExpectText(c.impact->customers_affected, "failed_customers", 37, 23, "impact.customers_affected");
  EXPECT_EQ(c.impact->baseline, Baseline::kSameTimeLastWeek);

  ASSERT_EQ(c.rules.size(), 1u);
  const Rule& rule = c.rules[0];
  EXPECT_EQ(rule.id, "conversion-critical");
  EXPECT_EQ(rule.file, "catalog.yml");
  ExpectPos(rule.pos, 41, 5);
  EXPECT_EQ(rule.path, "rules[0]");
  EXPECT_EQ(rule.name, "Taux conversion critique");
  ASSERT_EQ(rule.conditions.size(), 1u);
  EXPECT_EQ(rule.conditions[0].severity, "critical");
  ExpectText(rule.conditions[0].when, "checkout_success_rate < 90 AND duration(30min)", 43, 11,
             "rules[0].when");
  EXPECT_EQ(rule.labels, (std::map<std::string, std::string>{{"team", "checkout"}}));
  EXPECT_EQ(rule.actions, (std::vector<std::string>{"slack_ops", "email_ops", "crm"}));
  ExpectText(rule.message, "🚨 Conversion en chute à {{checkout_success_rate}}% ({{platform}})", 47,
             15, "rules[0].message");
  EXPECT_EQ(rule.runbook_url, "");
  EXPECT_TRUE(rule.enabled);

  EXPECT_EQ(c.settings.scrape_interval_ms, 15'000);
  EXPECT_EQ(c.settings.evaluation_interval_ms, 30'000);
  EXPECT_EQ(c.settings.currency_symbol, "€");
  EXPECT_EQ(c.FindKpi("dau"), &c.kpis[5]);
  EXPECT_EQ(c.FindKpi("nope"), nullptr);
}

struct ErrorCase {
  const char* name;
  const char* yaml;
  const char* want;  // DiagnosticList::Format() of everything reported
};

// A KPI and a rule that are valid, for cases to break one field at a time.
#define KPI_HEAD "version: 1\nkpis:\n  - id: k\n    unit: percent\n"

const ErrorCase kErrorCases[] = {
    {"UnknownTopField", "version: 1\nkpi: []\n",
     "catalog.yml:2:1: kpi: unknown field \"kpi\"\n\tTry \"kpis\"\n"},
    {"UnsupportedVersion", "version: 2\n",
     "catalog.yml:1:10: version: unsupported catalog version \"2\"\n\tTry version: 1\n"},
    {"MissingVersion", "kpis: []\n",
     "catalog.yml: missing required field \"version\"\n\tTry version: 1\n"},
    {"EmptyFile", "# nothing\n",
     "catalog.yml: the catalog is empty\n\tTry starting with \"version: 1\" and \"kpis:\"\n"},
    {"NotAMapping", "- a\n",
     "catalog.yml:1:1: expected a mapping with version, settings, kpis, impact and rules, found a "
     "list\n"},
    {"YamlSyntax", "version: 1\nkpis: [a\n",
     "catalog.yml:3:1: YAML syntax error: end of sequence flow not found\n"},
    {"TwoDocuments", "version: 1\n---\nversion: 1\n",
     "catalog.yml:2:1: only one YAML document is allowed\n\tTry removing the \"---\" separator and "
     "what follows it\n"},
    {"KpiIdInvalid", "version: 1\nkpis:\n  - id: Checkout-Rate\n    gauge: {metric: m}\n",
     "catalog.yml:3:9: kpis[0].id: invalid KPI id \"Checkout-Rate\": use a-z, 0-9 and '_', "
     "starting with a letter\n\tTry id: checkout_rate\n"},
    {"KpiIdMissing", "version: 1\nkpis:\n  - gauge: {metric: m}\n",
     "catalog.yml:3:5: kpis[0]: missing required field \"id\"\n\tTry id: checkout_success_rate\n"},
    {"KpiIdDuplicate",
     "version: 1\nkpis:\n  - id: k\n    gauge: {metric: m}\n  - id: k\n    gauge: {metric: n}\n",
     "catalog.yml:5:9: kpis[1].id: duplicate KPI id \"k\", first defined at catalog.yml:3:5\n\tTry "
     "another id, or removing one of the two KPIs\n"},
    {"KpiUnknownField", KPI_HEAD "    gauge: {metric: m}\n    tresholds: {}\n",
     "catalog.yml:6:5: kpis[0].tresholds: unknown field \"tresholds\"\n\tTry \"thresholds\"\n"},
    {"UnitUnknown", "version: 1\nkpis:\n  - id: k\n    unit: percnt\n    gauge: {metric: m}\n",
     "catalog.yml:4:11: kpis[0].unit: unknown unit \"percnt\"\n\tTry one of: percent, ratio, "
     "count, users, ms, s, eur, eur_per_hour, per_hour, per_minute, per_second\n"},
    {"FormMissing", KPI_HEAD,
     "catalog.yml:3:5: kpis[0]: missing the KPI's form\n\tTry one of: ratio, rate, increase, "
     "average, gauge, quantile, expr, e.g. ratio: {numerator: "
     "bam_checkouts_total{status=\"completed\"}, denominator: bam_checkouts_total, window: 5m}\n"},
    {"FormTwice", KPI_HEAD "    gauge: {metric: m}\n    rate: {metric: m, window: 5m}\n",
     "catalog.yml:6:5: kpis[0].rate: a KPI has exactly one form; \"gauge\" is already given\n\tTry "
     "removing \"rate\", or a second KPI for it\n"},
    {"FormScalar", KPI_HEAD "    rate: bam_orders_total\n",
     "catalog.yml:5:11: kpis[0].rate: expected a mapping, found \"bam_orders_total\"\n\tTry rate: "
     "{metric: bam_orders_total, window: 5m, per: 1h}\n"},
    {"FormFieldMissing", KPI_HEAD "    ratio: {numerator: a, denominator: b}\n",
     "catalog.yml:5:12: kpis[0].ratio: missing required field \"window\"\n\tTry ratio: {numerator: "
     "bam_checkouts_total{status=\"completed\"}, denominator: bam_checkouts_total, window: 5m}\n"},
    {"FormFieldOfAnotherForm", KPI_HEAD "    increase: {metric: m, window: 1h, per: 1h}\n",
     "catalog.yml:5:39: kpis[0].increase.per: unknown field \"per\"\n\tTry one of: metric, "
     "window\n"},
    {"WindowInvalid", KPI_HEAD "    rate: {metric: m, window: 5min}\n",
     "catalog.yml:5:31: kpis[0].rate.window: invalid duration \"5min\"\n\tTry a duration such as "
     "250ms, 30s, 5m, 1h30m, 24h or 7d\n"},
    {"SelectorUnclosed", KPI_HEAD "    gauge: {metric: 'm{a=\"b\"'}\n",
     "catalog.yml:5:23: kpis[0].gauge.metric: unclosed \"{\"\n\tTry closing the matchers with "
     "\"}\"\n"},
    {"SelectorUnquotedValue",
     KPI_HEAD "    ratio:\n      numerator: bam_checkouts_total{status=completed}\n"
              "      denominator: bam_checkouts_total\n      window: 5m\n",
     "catalog.yml:6:45: kpis[0].ratio.numerator: expected a quoted label value\n\tTry "
     "status=\"completed\"\n"},
    {"SelectorDoubleEquals", KPI_HEAD "    gauge:\n      metric: \"m{a==\\\"b\\\"}\"\n",
     "catalog.yml:6:19: kpis[0].gauge.metric: unknown matcher \"==\"\n\tTry a=\"...\" (a single "
     "\"=\" for equality)\n"},
    {"SelectorBadSeparator", KPI_HEAD "    gauge: {metric: 'm{a=\"b\" b=\"c\"}'}\n",
     "catalog.yml:5:30: kpis[0].gauge.metric: expected \",\" or \"}\", found \"b\"\n\tTry matchers "
     "separated by commas: {status=\"completed\", platform=\"web\"}\n"},
    {"SelectorFunction", KPI_HEAD "    increase: {metric: 'rate(m[5m])', window: 1h}\n",
     "catalog.yml:5:25: kpis[0].increase.metric: expected a metric selector, found a call to "
     "\"rate\"\n\tTry a bare selector: the KPI's form and window apply the function, or \"expr:\" "
     "takes raw PromQL\n"},
    {"SelectorRange", KPI_HEAD "    increase: {metric: 'm[5m]', window: 1h}\n",
     "catalog.yml:5:26: kpis[0].increase.metric: a range \"[...]\" is not part of the "
     "selector\n\tTry the KPI's \"window:\" field, e.g. window: 5m\n"},
    {"SelectorLabelName", KPI_HEAD "    gauge: {metric: 'm{1a=\"b\"}'}\n",
     "catalog.yml:5:24: kpis[0].gauge.metric: expected a label name, found \"1\"\n\tTry "
     "label=\"value\"\n"},
    {"HistogramBucketSuffix",
     KPI_HEAD "    quantile: {metric: bam_api_seconds_bucket, q: 0.9, window: 5m}\n",
     "catalog.yml:5:39: kpis[0].quantile.metric: expected the histogram's base name, without "
     "\"_bucket\"\n\tTry \"bam_api_seconds\"\n"},
    {"QuantileOutOfRange", KPI_HEAD "    quantile: {metric: m, q: 95, window: 5m}\n",
     "catalog.yml:5:30: kpis[0].quantile.q: q must be between 0 and 1 (exclusive)\n\tTry q: 0.95 "
     "for the 95th percentile\n"},
    {"ScaleNotANumber", KPI_HEAD "    average: {metric: m, window: 5m, scale: x1000}\n",
     "catalog.yml:5:45: kpis[0].average.scale: expected a number, found \"x1000\"\n"},
    {"AggregateUnknown", KPI_HEAD "    gauge: {metric: m, aggregate: median}\n",
     "catalog.yml:5:35: kpis[0].gauge.aggregate: unknown aggregate \"median\"\n\tTry one of: sum, "
     "max, min, avg\n"},
    {"ExprEmpty", KPI_HEAD "    expr: \" \"\n",
     "catalog.yml:5:11: kpis[0].expr: expression is empty\n"},
    {"ByScalar", KPI_HEAD "    gauge: {metric: m}\n    by: platform\n",
     "catalog.yml:6:9: kpis[0].by: expected a list, found \"platform\"\n\tTry by: [platform]\n"},
    {"ByInvalidLabel", KPI_HEAD "    gauge: {metric: m}\n    by: [plat-form]\n",
     "catalog.yml:6:10: kpis[0].by[0]: invalid label name \"plat-form\"\n\tTry \"plat_form\"\n"},
    {"ThresholdWithoutComparison",
     KPI_HEAD "    gauge: {metric: m}\n    thresholds: {warning: 95}\n",
     "catalog.yml:6:27: kpis[0].thresholds.warning: missing the comparison\n\tTry \"< 95\" or \"> "
     "95\"\n"},
    {"ThresholdEquals", KPI_HEAD "    gauge: {metric: m}\n    thresholds: {critical: \"== 0\"}\n",
     "catalog.yml:6:29: kpis[0].thresholds.critical: unsupported comparison \"==\"\n\tTry one of: "
     "<, <=, >, >=\n"},
    {"ThresholdUnknownSuffix",
     KPI_HEAD "    gauge: {metric: m}\n    thresholds: {warning: \"> 5 pct\"}\n",
     "catalog.yml:6:32: kpis[0].thresholds.warning: unexpected \"pct\" in the threshold\n\tTry a "
     "number with an optional %, ms, s, € or k, e.g. \"> 500ms\"\n"},
    {"ThresholdNoNumber",
     KPI_HEAD "    gauge: {metric: m}\n    thresholds: {warning: \"< high\"}\n",
     "catalog.yml:6:30: kpis[0].thresholds.warning: expected a number after the comparison\n\tTry "
     "a comparison and a number, e.g. \"< 95\" or \"> 500ms\"\n"},
    {"ThresholdUnknownLevel",
     KPI_HEAD "    gauge: {metric: m}\n    thresholds: {warnin: \"< 9\"}\n",
     "catalog.yml:6:18: kpis[0].thresholds.warnin: unknown field \"warnin\"\n\tTry \"warning\"\n"},
    {"MinEventsOnRate", KPI_HEAD "    rate: {metric: m, window: 5m}\n    min_events: 5\n",
     "catalog.yml:6:5: kpis[0].min_events: min_events applies to ratio KPIs only\n\tTry removing "
     "\"min_events\"\n"},
    {"MinEventsNegative",
     KPI_HEAD "    ratio: {numerator: a, denominator: b, window: 5m}\n    min_events: -1\n",
     "catalog.yml:6:17: kpis[0].min_events: expected an integer >= 0, found \"-1\"\n"},
    {"ImpactMissingRevenue", "version: 1\nimpact:\n  baseline: yesterday\n",
     "catalog.yml:3:3: impact: missing required field \"revenue_per_hour\"\n\tTry "
     "revenue_per_hour: <id of a KPI with unit eur_per_hour>\n"},
    {"ImpactBadBaseline", "version: 1\nimpact: {revenue_per_hour: r, baseline: last_week}\n",
     "catalog.yml:2:41: impact.baseline: unknown baseline \"last_week\"\n\tTry one of: "
     "same_time_last_week, avg_7d_same_hour, yesterday\n"},
    {"ImpactBadKpiId", "version: 1\nimpact: {revenue_per_hour: Revenue}\n",
     "catalog.yml:2:28: impact.revenue_per_hour: invalid KPI id \"Revenue\"\n\tTry \"revenue\"\n"},
    {"SettingsUnknown", "version: 1\nsettings: {scrape_intervall: 15s}\n",
     "catalog.yml:2:12: settings.scrape_intervall: unknown field \"scrape_intervall\"\n\tTry "
     "\"scrape_interval\"\n"},
    {"SettingsBadDuration", "version: 1\nsettings: {evaluation_interval: 30}\n",
     "catalog.yml:2:33: settings.evaluation_interval: invalid duration \"30\"\n\tTry a duration "
     "such as 250ms, 30s, 5m, 1h30m, 24h or 7d\n"},
    {"RuleIdInvalid", "version: 1\nrules:\n  - id: Conversion_Critical\n    when: k < 1\n",
     "catalog.yml:3:9: rules[0].id: invalid rule id \"Conversion_Critical\": use a-z, 0-9 and '-', "
     "starting with a letter\n\tTry id: conversion-critical\n"},
    {"RuleIdDuplicate",
     "version: 1\nrules:\n  - id: a\n    when: k < 1\n  - id: a\n    when: k < 2\n",
     "catalog.yml:5:9: rules[1].id: duplicate rule id \"a\", first defined at "
     "catalog.yml:3:5\n\tTry another id, or removing one of the two rules\n"},
    {"RuleWhenMissing", "version: 1\nrules:\n  - id: a\n    severity: critical\n",
     "catalog.yml:3:5: rules[0]: missing required field \"when\"\n\tTry when: "
     "\"checkout_success_rate < 90 for 30m\"\n"},
    {"RuleWhenEmpty", "version: 1\nrules:\n  - id: a\n    when: \"\"\n",
     "catalog.yml:4:11: rules[0].when: expression is empty\n"},
    {"RuleSeverityUnknown",
     "version: 1\nrules:\n  - id: a\n    when: k < 1\n    severity: urgent\n",
     "catalog.yml:5:15: rules[0].severity: unknown severity \"urgent\"\n\tTry one of: info, "
     "warning, critical\n"},
    {"RuleSeverityWithWhenMap",
     "version: 1\nrules:\n  - id: a\n    when: {warning: k < 2}\n    severity: critical\n",
     "catalog.yml:5:5: rules[0].severity: \"severity\" cannot be used when \"when\" is a mapping "
     "of severities\n\tTry removing \"severity\"; the keys of \"when\" give it\n"},
    {"RuleWhenMapUnknownSeverity",
     "version: 1\nrules:\n  - id: a\n    when: {warning: k < 2, critcal: k < 1}\n",
     "catalog.yml:4:28: rules[0].when.critcal: unknown field \"critcal\"\n\tTry \"critical\"\n"},
    {"RuleWhenMapEmpty", "version: 1\nrules:\n  - id: a\n    when: {}\n",
     "catalog.yml:4:11: rules[0].when: no condition given\n\tTry when: {warning: \"K < 95 for "
     "10m\", critical: \"K < 90 for 10m\"}\n"},
    {"RuleReservedLabel",
     "version: 1\nrules:\n  - id: a\n    when: k < 1\n    labels: {severity: page, bam_kpi: k}\n",
     "catalog.yml:5:14: rules[0].labels.severity: label \"severity\" is reserved\n\tTry "
     "\"severity:\" on the rule, or \"when: {critical: ...}\"\ncatalog.yml:5:30: "
     "rules[0].labels.bam_kpi: label \"bam_kpi\" is reserved\n\tTry another name; bam_rule_id, "
     "bam_kpi, severity are set on every alert\n"},
    {"RuleInvalidLabel",
     "version: 1\nrules:\n  - id: a\n    when: k < 1\n    labels: {team-name: x}\n",
     "catalog.yml:5:14: rules[0].labels.team-name: invalid label name \"team-name\"\n\tTry "
     "\"team_name\"\n"},
    {"RuleEnabledNotBool", "version: 1\nrules:\n  - id: a\n    when: k < 1\n    enabled: yes\n",
     "catalog.yml:5:14: rules[0].enabled: expected true or false, found \"yes\"\n\tTry true or "
     "false\n"},
    {"RuleActionsScalar", "version: 1\nrules:\n  - id: a\n    when: k < 1\n    actions: slack\n",
     "catalog.yml:5:14: rules[0].actions: expected a list, found \"slack\"\n\tTry actions: "
     "[slack]\n"},
    {"RuleUnknownField", "version: 1\nrules:\n  - id: a\n    when: k < 1\n    mesage: hi\n",
     "catalog.yml:5:5: rules[0].mesage: unknown field \"mesage\"\n\tTry \"message\"\n"},
};

class CatalogErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(CatalogErrorTest, ReportsExactDiagnostics) {
  const ErrorCase& c = GetParam();
  Catalog catalog;
  DiagnosticList diags;
  EXPECT_FALSE(ParseCatalog("catalog.yml", c.yaml, &catalog, &diags));
  EXPECT_EQ(diags.Format(), c.want) << c.yaml;
}

INSTANTIATE_TEST_SUITE_P(Table, CatalogErrorTest, testing::ValuesIn(kErrorCases),
                         [](const testing::TestParamInfo<ErrorCase>& p) {
                           return std::string(p.param.name);
                         });

// Where byte `offset` of a scalar's text is in the file, for each way YAML lets one write it.
struct AtCase {
  const char* name;
  const char* message;  // written after "    message: " on line 5
  const char* text;     // the value yaml-cpp reads
  size_t offset;
  int line, column;
};

const AtCase kAtCases[] = {
    {"PlainStart", "a {{x}} b", "a {{x}} b", 0, 5, 14},
    {"PlainMiddle", "a {{x}} b", "a {{x}} b", 4, 5, 18},
    {"PlainClampedToEnd", "ab", "ab", 99, 5, 16},
    {"PlainMultiLine", "first\n      second {{x}}", "first second {{x}}", 13, 6, 14},
    {"SingleQuoted", "'a {{x}}'", "a {{x}}", 2, 5, 17},
    {"SingleQuotedDoubledQuote", "'it''s {{x}}'", "it's {{x}}", 5, 5, 21},
    {"SingleQuotedMultiLine", "'one\n\n      two {{x}}'", "one\ntwo {{x}}", 8, 7, 11},
    {"DoubleQuoted", "\"a {{x}}\"", "a {{x}}", 2, 5, 17},
    {"DoubleQuotedEscapes", "\"\\t\\u00e9 {{x}}\"", "\t\xC3\xA9 {{x}}", 4, 5, 24},
    {"DoubleQuotedMultiLine", "\"one\n      two {{x}}\"", "one two {{x}}", 8, 6, 11},
    {"DoubleQuotedEscapedBreak", "\"one\\\n      two {{x}}\"", "onetwo {{x}}", 7, 6, 11},
    {"Literal", "|\n      one\n      two {{x}}\n", "one\ntwo {{x}}\n", 8, 7, 11},
    {"LiteralIndentedLine", "|\n      one\n        two {{x}}\n", "one\n  two {{x}}\n", 10, 7, 13},
    {"LiteralStrip", "|-\n      one\n\n      {{x}}\n", "one\n\n{{x}}", 5, 8, 7},
    {"Folded", ">\n      one\n      two {{x}}\n", "one two {{x}}\n", 8, 7, 11},
    {"FoldedKeptBreak", ">\n      one\n\n      two {{x}}\n", "one\ntwo {{x}}\n", 8, 8, 11},
    {"Tagged", "!!str '{{x}}'", "{{x}}", 2, 5, 23},
};

class TextAtTest : public testing::TestWithParam<AtCase> {};

TEST_P(TextAtTest, MapsOffsetToFilePosition) {
  const AtCase& c = GetParam();
  std::string yaml = std::string("version: 1\nrules:\n  - id: r\n    when: k < 1\n    message: ") +
                     c.message + "\n";
  Catalog catalog = MustParse(yaml);
  ASSERT_EQ(catalog.rules.size(), 1u);
  const TextAt& t = catalog.rules[0].message;
  ASSERT_EQ(t.text, c.text) << yaml;
  Position pos = t.At(c.offset);
  EXPECT_EQ(pos.line, c.line) << yaml;
  EXPECT_EQ(pos.column, c.column) << yaml;
}

INSTANTIATE_TEST_SUITE_P(Table, TextAtTest, testing::ValuesIn(kAtCases),
                         [](const testing::TestParamInfo<AtCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(TextAtTest, LineStartsWithoutOffsetsApplyAfterEachNewline) {
  TextAt t{"ab\ncd\nef", "f.yml", {3, 7}, "x", {{4, 9}, {5, 9}}, {}};
  EXPECT_EQ(t.At(1).column, 8);
  EXPECT_EQ(t.At(4).line, 4);
  EXPECT_EQ(t.At(4).column, 10);
  EXPECT_EQ(t.At(6).line, 5);
  EXPECT_EQ(t.At(7).column, 10);
}

TEST(ParseCatalogTest, ReportsEveryErrorOfAFile) {
  const char* yaml = R"yaml(version: 1
settings: {scrape_interval: soon}
kpis:
  - id: Bad-Id
    unit: percent
    ratio: {numerator: 'a{x=1}', denominator: b, window: 5m}
    thresholds: {warning: "95"}
rules:
  - id: r
    when: {critcal: k < 1}
    labels: {severity: page}
)yaml";
  Catalog catalog;
  DiagnosticList diags;
  EXPECT_FALSE(ParseCatalog("catalog.yml", yaml, &catalog, &diags));
  EXPECT_EQ(diags.Format(),
            "catalog.yml:2:29: settings.scrape_interval: invalid duration \"soon\"\n"
            "\tTry a duration such as 250ms, 30s, 5m, 1h30m, 24h or 7d\n"
            "catalog.yml:4:9: kpis[0].id: invalid KPI id \"Bad-Id\": use a-z, 0-9 and '_', "
            "starting with a letter\n"
            "\tTry id: bad_id\n"
            "catalog.yml:6:29: kpis[0].ratio.numerator: expected a quoted label value\n"
            "\tTry x=\"1\"\n"
            "catalog.yml:7:28: kpis[0].thresholds.warning: missing the comparison\n"
            "\tTry \"< 95\" or \"> 95\"\n"
            "catalog.yml:10:12: rules[0].when.critcal: unknown field \"critcal\"\n"
            "\tTry \"critical\"\n"
            "catalog.yml:11:14: rules[0].labels.severity: label \"severity\" is reserved\n"
            "\tTry \"severity:\" on the rule, or \"when: {critical: ...}\"\n");
}

TEST(ParseCatalogTest, WhenPerSeverityKeepsTheOrderWritten) {
  Catalog c = MustParse(R"yaml(version: 1
rules:
  - id: latency
    description: API too slow
    when:
      critical: api_latency_avg > 1000ms for 5m
      warning: 'api_latency_avg > 500ms for 5m'
    labels: {team: api, tier: "1"}
    runbook_url: https://wiki/latency
    enabled: false
  - id: info-only
    when: k < 1
    severity: info
  - id: default-severity
    when: k < 1
)yaml");
  ASSERT_EQ(c.rules.size(), 3u);
  const Rule& r = c.rules[0];
  EXPECT_EQ(r.name, "latency");
  EXPECT_EQ(r.description, "API too slow");
  ASSERT_EQ(r.conditions.size(), 2u);
  EXPECT_EQ(r.conditions[0].severity, "critical");
  ExpectText(r.conditions[0].when, "api_latency_avg > 1000ms for 5m", 6, 17,
             "rules[0].when.critical");
  EXPECT_EQ(r.conditions[1].severity, "warning");
  ExpectText(r.conditions[1].when, "api_latency_avg > 500ms for 5m", 7, 17,
             "rules[0].when.warning");
  EXPECT_EQ(r.labels, (std::map<std::string, std::string>{{"team", "api"}, {"tier", "1"}}));
  EXPECT_EQ(r.runbook_url, "https://wiki/latency");
  EXPECT_FALSE(r.enabled);
  EXPECT_TRUE(r.message.empty());
  ASSERT_EQ(c.rules[1].conditions.size(), 1u);
  EXPECT_EQ(c.rules[1].conditions[0].severity, "info");
  ASSERT_EQ(c.rules[2].conditions.size(), 1u);
  EXPECT_EQ(c.rules[2].conditions[0].severity, "warning");
}

TEST(ParseCatalogTest, ThresholdsSelectorsAndFormOptions) {
  Catalog c = MustParse(R"yaml(version: 1
kpis:
  - id: latency
    unit: ms
    description: mean latency
    average: {metric: "job:api_seconds", window: 1h30m}
    thresholds: {warning: ">= 500ms", critical: "> 1.5k"}
  - id: success
    unit: percent
    ratio:
      numerator: bam_x_total{a=~"x|y", b != 'c', d!~"e\"f" ,}
      denominator: bam_x_total { }
      window: 30d
    min_events: 0
    thresholds: {warning: "<= 99.5%", critical: "< 1k€"}
  - id: money
    unit: eur
    gauge: {metric: bam_revenue, aggregate: max}
    by: [platform, country]
    thresholds: {warning: "< 2 eur", critical: "< -1"}
  - id: errors
    unit: per_hour
    rate: {metric: bam_errors_total, window: 5m}
)yaml");
  ASSERT_EQ(c.kpis.size(), 4u);
  const Kpi& latency = c.kpis[0];
  EXPECT_EQ(latency.description, "mean latency");
  EXPECT_EQ(latency.metric.text, "job:api_seconds");
  EXPECT_EQ(latency.window_ms, 90 * 60'000);
  EXPECT_EQ(latency.scale, 1);
  EXPECT_EQ(latency.warning->op, Threshold::Op::kGe);
  EXPECT_EQ(latency.warning->value, 500);
  EXPECT_EQ(latency.warning->suffix, "ms");
  EXPECT_EQ(latency.critical->op, Threshold::Op::kGt);
  EXPECT_EQ(latency.critical->value, 1500);
  EXPECT_EQ(latency.critical->suffix, "");
  const Kpi& success = c.kpis[1];
  EXPECT_EQ(success.window_ms, 30 * 86'400'000LL);
  EXPECT_EQ(success.min_events, 0);
  EXPECT_EQ(success.warning->op, Threshold::Op::kLe);
  EXPECT_EQ(success.warning->value, 99.5);
  EXPECT_EQ(success.warning->suffix, "%");
  EXPECT_EQ(success.critical->value, 1000);
  EXPECT_EQ(success.critical->suffix, "€");
  const Kpi& money = c.kpis[2];
  EXPECT_EQ(money.aggregate, "max");
  EXPECT_EQ(money.by, (std::vector<std::string>{"platform", "country"}));
  EXPECT_EQ(money.warning->suffix, "€");
  EXPECT_EQ(money.critical->value, -1);
  EXPECT_EQ(c.kpis[3].per_ms, 1000);  // per second unless `per:` says otherwise
  EXPECT_EQ(c.kpis[3].unit, Unit::kPerHour);
}

TEST(ParseCatalogTest, SettingsFirstFileDecides) {
  Catalog c;
  DiagnosticList diags;
  EXPECT_TRUE(ParseCatalog("a.yml", R"yaml(version: 1
settings:
  scrape_interval: 30s
  evaluation_interval: 1m
  dashboard_url: https://grafana/d/bam?var-kpi={{kpi}}
  logs_url: https://logs/?q={{rule_id}}
  runbook_url: https://wiki/{{rule_id}}
  currency_symbol: $
)yaml",
                           &c, &diags));
  EXPECT_TRUE(ParseCatalog("b.yml", "version: 1\nsettings: {scrape_interval: 30s}\n", &c, &diags));
  EXPECT_FALSE(ParseCatalog("c.yml", "version: 1\nsettings: {scrape_interval: 15s}\n", &c, &diags));
  EXPECT_EQ(c.settings.scrape_interval_ms, 30'000);
  EXPECT_EQ(c.settings.evaluation_interval_ms, 60'000);
  EXPECT_EQ(c.settings.dashboard_url, "https://grafana/d/bam?var-kpi={{kpi}}");
  EXPECT_EQ(c.settings.logs_url, "https://logs/?q={{rule_id}}");
  EXPECT_EQ(c.settings.runbook_url, "https://wiki/{{rule_id}}");
  EXPECT_EQ(c.settings.currency_symbol, "$");
  EXPECT_EQ(c.files, (std::vector<std::string>{"a.yml", "b.yml", "c.yml"}));
  EXPECT_EQ(diags.Format(),
            "c.yml:2:29: settings.scrape_interval: scrape_interval is already set to a different "
            "value at a.yml:3:20\n"
            "\tTry setting it in one catalog file only\n");
}

class LoadCatalogsTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::path(testing::TempDir()) /
        ("catalog_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(LoadCatalogsTest, DuplicateIdsAcrossFilesPointAtTheFirst) {
  std::string a = Write("a.yml", R"yaml(version: 1
kpis:
  - id: dau
    gauge: {metric: bam_active_users}
impact: {revenue_per_hour: revenue}
rules:
  - id: traffic
    when: dau < 10
)yaml");
  std::string b = Write("b.yml", R"yaml(version: 1
kpis:
  - id: orders
    gauge: {metric: bam_orders}
  - id: dau
    gauge: {metric: bam_users}
impact: {revenue_per_hour: revenue}
rules:
  - id: traffic
    when: dau < 5
)yaml");
  Catalog c;
  DiagnosticList diags;
  EXPECT_FALSE(LoadCatalogs({a, b}, &c, &diags));
  EXPECT_EQ(diags.Format(),
            b + ":5:9: kpis[1].id: duplicate KPI id \"dau\", first defined at " + a +
                ":3:5\n\tTry another id, or removing one of the two KPIs\n" + b +
                ":7:1: impact: impact is already defined at " + a +
                ":5:1\n\tTry one \"impact:\" section across the catalog files\n" + b +
                ":9:9: rules[0].id: duplicate rule id \"traffic\", first defined at " + a +
                ":7:5\n\tTry another id, or removing one of the two rules\n");
  ASSERT_EQ(c.kpis.size(), 2u);  // the duplicate is not added
  EXPECT_EQ(c.FindKpi("dau")->metric.text, "bam_active_users");
  EXPECT_EQ(c.files, (std::vector<std::string>{a, b}));
}

TEST_F(LoadCatalogsTest, MissingFileIsReportedAndOthersStillLoad) {
  std::string a = Write("a.yml", "version: 1\nkpis:\n  - id: dau\n    gauge: {metric: m}\n");
  std::string missing = (dir_ / "missing.yml").string();
  Catalog c;
  DiagnosticList diags;
  EXPECT_FALSE(LoadCatalogs({missing, a}, &c, &diags));
  EXPECT_EQ(diags.Format(), missing + ": cannot read catalog file: No such file or directory\n");
  EXPECT_EQ(c.kpis.size(), 1u);
  DiagnosticList ok;
  Catalog c2;
  EXPECT_TRUE(LoadCatalogs({a}, &c2, &ok)) << ok.Format();
}

TEST(UnitTest, NamesRoundTrip) {
  std::vector<std::string> names = UnitNames();
  ASSERT_EQ(names.size(), 11u);
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(UnitName(static_cast<Unit>(i)), names[i]);
  EXPECT_EQ(UnitName(Unit::kEurPerHour), "eur_per_hour");
}

}  // namespace
}  // namespace bam::rulesvc
