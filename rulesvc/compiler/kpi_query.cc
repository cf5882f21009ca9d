#include "rulesvc/compiler/kpi_query.h"

#include <charconv>
#include <cmath>

#include "rulesvc/compiler/conventions.h"

namespace bam::rulesvc {
namespace {

using conventions::PromDuration;

std::string WithSuffix(std::string_view selector, std::string_view suffix) {
  SelectorParts p = SplitSelector(selector);
  return p.name + std::string(suffix) + p.matchers;
}

std::string Range(std::string_view selector, int64_t window_ms, std::string_view offset = "") {
  std::string s = std::string(selector) + "[" + PromDuration(window_ms) + "]";
  if (!offset.empty()) s += " offset " + std::string(offset);
  return s;
}

std::string SumRate(std::string_view selector, const std::vector<std::string>& by,
                    int64_t window_ms) {
  return AggregateBy("sum", by) + "(rate(" + Range(selector, window_ms) + "))";
}

}  // namespace

SelectorParts SplitSelector(std::string_view selector) {
  size_t brace = selector.find('{');
  if (brace == std::string_view::npos) return {std::string(selector), ""};
  size_t end = brace;
  while (end > 0 && selector[end - 1] == ' ') --end;
  return {std::string(selector.substr(0, end)), std::string(selector.substr(brace))};
}

std::string LabelList(const std::vector<std::string>& labels) {
  std::string out;
  for (const auto& l : labels) {
    if (!out.empty()) out += ", ";
    out += l;
  }
  return out;
}

std::string AggregateBy(std::string_view op, const std::vector<std::string>& labels) {
  std::string out(op);
  if (!labels.empty()) out += " by (" + LabelList(labels) + ") ";
  return out;
}

std::string PromNumber(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "0";
  return std::string(buf, end);
}

int64_t KpiWindow(const Kpi& kpi) {
  switch (kpi.kind) {
    case KpiKind::kGauge:
    case KpiKind::kExpr:
      return 0;
    default:
      return kpi.window_ms.value_or(0);
  }
}

std::string_view KpiForm(const Kpi& kpi) {
  switch (kpi.kind) {
    case KpiKind::kRatio:
      return conventions::kFormRatio;
    case KpiKind::kRate:
      return conventions::kFormRate;
    case KpiKind::kIncrease:
      return conventions::kFormIncrease;
    case KpiKind::kAverage:
      return conventions::kFormAverage;
    case KpiKind::kQuantile:
      return conventions::kFormQuantile;
    case KpiKind::kGauge:
      return conventions::kFormGauge;
    case KpiKind::kExpr:
      return conventions::kFormExpr;
  }
  return conventions::kFormExpr;
}

std::string KpiValueExpr(const Kpi& kpi, const std::vector<std::string>& by) {
  const int64_t w = KpiWindow(kpi);
  switch (kpi.kind) {
    case KpiKind::kRatio: {
      std::string e =
          SumRate(kpi.numerator.text, by, w) + " / " + SumRate(kpi.denominator.text, by, w);
      return kpi.unit == Unit::kPercent ? "100 * " + e : e;
    }
    case KpiKind::kRate: {
      std::string e = SumRate(kpi.metric.text, by, w);
      if (kpi.per_ms != 1000) e += " * " + PromNumber(static_cast<double>(kpi.per_ms) / 1000.0);
      return e;
    }
    case KpiKind::kIncrease:
      return AggregateBy("sum", by) + "(increase(" + Range(kpi.metric.text, w) + "))";
    case KpiKind::kAverage: {
      std::string e = SumRate(WithSuffix(kpi.metric.text, "_sum"), by, w) + " / " +
                      SumRate(WithSuffix(kpi.metric.text, "_count"), by, w);
      return kpi.scale != 1 ? PromNumber(kpi.scale) + " * " + e : e;
    }
    case KpiKind::kQuantile: {
      std::vector<std::string> with_le = by;
      with_le.push_back("le");
      std::string e = "histogram_quantile(" + PromNumber(kpi.q) + ", " +
                      AggregateBy("sum", with_le) + "(rate(" +
                      Range(WithSuffix(kpi.metric.text, "_bucket"), w) + ")))";
      return kpi.scale != 1 ? PromNumber(kpi.scale) + " * " + e : e;
    }
    case KpiKind::kGauge:
      return AggregateBy(kpi.aggregate, by) + "(" + kpi.metric.text + ")";
    case KpiKind::kExpr:
      return kpi.expr.text;
  }
  return kpi.expr.text;
}

std::string KpiCounter(const Kpi& kpi) {
  switch (kpi.kind) {
    case KpiKind::kRatio:
      return kpi.denominator.text;
    case KpiKind::kRate:
    case KpiKind::kIncrease:
      return kpi.metric.text;
    case KpiKind::kAverage:
    case KpiKind::kQuantile:
      return WithSuffix(kpi.metric.text, "_count");
    case KpiKind::kGauge:
    case KpiKind::kExpr:
      return "";
  }
  return "";
}

std::string CounterIncrease(const Kpi& kpi, const std::vector<std::string>& by, int64_t window_ms,
                            std::string_view offset) {
  return AggregateBy("sum", by) + "(increase(" + Range(KpiCounter(kpi), window_ms, offset) + "))";
}

std::string ErrorRatioExpr(const Kpi& kpi, const std::vector<std::string>& by, int64_t window_ms) {
  return "1 - " + SumRate(kpi.numerator.text, by, window_ms) + " / " +
         SumRate(kpi.denominator.text, by, window_ms);
}

}  // namespace bam::rulesvc
