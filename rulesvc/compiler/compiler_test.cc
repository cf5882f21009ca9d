// Unit tests of the compiler's pieces: naming conventions, KPI PromQL, message templates, the
// YAML writer, and Compile() on small catalogs (end-to-end forms live in rules_golden_test.cc).
#include "rulesvc/compiler/compiler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/compiler/conventions.h"
#include "rulesvc/compiler/kpi_query.h"
#include "rulesvc/compiler/message_template.h"
#include "rulesvc/compiler/rule_writer.h"

namespace bam::rulesvc {
namespace {

using ::testing::HasSubstr;

TEST(ConventionsTest, PromDurationUsesLargestUnits) {
  EXPECT_EQ(conventions::PromDuration(300000), "5m");
  EXPECT_EQ(conventions::PromDuration(5400000), "1h30m");
  EXPECT_EQ(conventions::PromDuration(604800000), "1w");
  EXPECT_EQ(conventions::PromDuration(30 * 86400000LL), "4w2d");
  EXPECT_EQ(conventions::PromDuration(1500), "1s500ms");
}

TEST(ConventionsTest, NamesFollowTheSpec) {
  EXPECT_EQ(conventions::RecordName("checkout_success_rate", "ratio", 300000),
            "bam:checkout_success_rate:ratio5m");
  EXPECT_EQ(conventions::RecordName("dau", "gauge", 0), "bam:dau:gauge");
  EXPECT_EQ(conventions::RecordName("payment_errors", "increase", 3600000, {"payment_method"}),
            "bam:payment_errors_by_payment_method:increase1h");
  EXPECT_EQ(conventions::AlertName("conversion-critical"), "BamConversionCritical");
  EXPECT_EQ(conventions::RuleGroupName("conversion-critical"), "bam-rules-conversion-critical");
}

Kpi RatioKpi() {
  Kpi k;
  k.id = "checkout_success_rate";
  k.kind = KpiKind::kRatio;
  k.unit = Unit::kPercent;
  k.numerator.text = "bam_checkouts_total{status=\"completed\"}";
  k.denominator.text = "bam_checkouts_total";
  k.window_ms = 300000;
  k.by = {"platform"};
  return k;
}

TEST(KpiQueryTest, RatioInPercent) {
  EXPECT_EQ(KpiValueExpr(RatioKpi(), {"platform"}),
            "100 * sum by (platform) (rate(bam_checkouts_total{status=\"completed\"}[5m])) / "
            "sum by (platform) (rate(bam_checkouts_total[5m]))");
}

TEST(KpiQueryTest, HistogramFormsInsertTheSuffixBeforeMatchers) {
  Kpi k;
  k.kind = KpiKind::kAverage;
  k.metric.text = "bam_api_response_seconds{endpoint=\"/pay\"}";
  k.window_ms = 300000;
  k.scale = 1000;
  EXPECT_EQ(KpiValueExpr(k, {}),
            "1000 * sum(rate(bam_api_response_seconds_sum{endpoint=\"/pay\"}[5m])) / "
            "sum(rate(bam_api_response_seconds_count{endpoint=\"/pay\"}[5m]))");
  k.kind = KpiKind::kQuantile;
  k.q = 0.95;
  EXPECT_EQ(KpiValueExpr(k, {"platform"}),
            "1000 * histogram_quantile(0.95, sum by (platform, le) "
            "(rate(bam_api_response_seconds_bucket{endpoint=\"/pay\"}[5m])))");
  EXPECT_EQ(KpiCounter(k), "bam_api_response_seconds_count{endpoint=\"/pay\"}");
}

TEST(KpiQueryTest, RateScalesToItsPeriod) {
  Kpi k;
  k.kind = KpiKind::kRate;
  k.metric.text = "bam_revenue_eur_total";
  k.window_ms = 3600000;
  k.per_ms = 3600000;
  EXPECT_EQ(KpiValueExpr(k, {}), "sum(rate(bam_revenue_eur_total[1h])) * 3600");
}

TEST(MessageTemplateTest, FormatsByUnit) {
  EXPECT_EQ(FormatValueTemplate("$value", Unit::kPercent, "€"), "{{ $value | printf \"%.1f\" }}");
  EXPECT_THAT(FormatValueTemplate("$value", Unit::kEur, "€"), HasSubstr("reReplaceAll"));
  EXPECT_THAT(FormatValueTemplate("$value", Unit::kEurPerHour, "€"), ::testing::EndsWith(" €/h"));
}

TEST(MessageTemplateTest, UnknownVariableIsAnErrorAtItsColumn) {
  Catalog cat;
  cat.kpis.push_back(RatioKpi());
  Rule rule;
  rule.id = "r";
  TextAt msg;
  msg.text = "rate {{checkout_succes_rate}} on {{platform}}";
  msg.file = "c.yml";
  msg.pos = {7, 14};
  msg.path = "rules[0].message";
  MessageContext ctx{&cat, &rule, &cat.kpis[0], true, {"platform", "severity"}};
  DiagnosticList diags;
  CompileMessage(
      msg, ctx, [](const Kpi&) { return std::string("rec"); }, &diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags.Format(),
            "c.yml:7:19: rules[0].message: unknown variable \"{{checkout_succes_rate}}\" in the "
            "message\n\tTry \"{{checkout_success_rate}}\"\n");
}

TEST(MessageTemplateTest, LabelsAndKpiValue) {
  Catalog cat;
  cat.kpis.push_back(RatioKpi());
  Rule rule;
  rule.id = "r";
  TextAt msg;
  msg.text = "{{checkout_success_rate}}% ({{platform}})";
  MessageContext ctx{&cat, &rule, &cat.kpis[0], true, {"platform"}};
  DiagnosticList diags;
  EXPECT_EQ(CompileMessage(
                msg, ctx, [](const Kpi&) { return std::string("rec"); }, &diags),
            "{{ $value | printf \"%.1f\" }}% ({{ $labels.platform }})");
  ctx.value_is_kpi = false;
  EXPECT_EQ(CompileMessage(
                msg, ctx, [](const Kpi&) { return std::string("bam:x:ratio5m"); }, &diags),
            "{{ with printf \"bam:x:ratio5m{platform=%q}\" $labels.platform | query }}"
            "{{ . | first | value | printf \"%.1f\" }}{{ else }}n/a{{ end }}% "
            "({{ $labels.platform }})");
  EXPECT_TRUE(diags.empty());
}

TEST(RuleWriterTest, QuotesWhatYamlWouldMisread) {
  EXPECT_EQ(YamlScalar("bam:x:ratio5m"), "bam:x:ratio5m");
  EXPECT_EQ(YamlScalar("no"), "\"no\"");
  EXPECT_EQ(YamlScalar("5m"), "\"5m\"");
  EXPECT_EQ(YamlScalar("a \"b\" \\ c"), "\"a \\\"b\\\" \\\\ c\"");
  EXPECT_EQ(YamlScalar("x: y"), "\"x: y\"");
}

TEST(RuleWriterTest, WritesHeaderGroupsAndSortedLabels) {
  RuleFile f;
  RuleGroup g;
  g.name = "bam-rules-x";
  g.interval_ms = 30000;
  AlertingRule a;
  a.alert = "BamX";
  a.expr = "up == 0";
  a.for_ms = 600000;
  a.labels = {{"severity", "critical"}, {"bam_rule_id", "x"}};
  a.annotations = {{"summary", "down"}};
  g.alerts.push_back(a);
  f.groups.push_back(g);
  EXPECT_EQ(WritePrometheusRules(f),
            "# Generated by bam-rulesvc. DO NOT EDIT.\n"
            "groups:\n"
            "  - name: bam-rules-x\n"
            "    interval: 30s\n"
            "    rules:\n"
            "      - alert: BamX\n"
            "        expr: \"up == 0\"\n"
            "        for: 10m\n"
            "        labels:\n"
            "          bam_rule_id: x\n"
            "          severity: critical\n"
            "        annotations:\n"
            "          summary: down\n");
}

}  // namespace
}  // namespace bam::rulesvc
