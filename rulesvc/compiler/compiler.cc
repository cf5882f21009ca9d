#include "rulesvc/compiler/compiler.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rulesvc/compiler/conventions.h"
#include "rulesvc/compiler/kpi_query.h"
#include "rulesvc/compiler/message_template.h"
#include "rulesvc/dsl/parser.h"

namespace bam::rulesvc {
namespace {

namespace cv = conventions;
using dsl::Span;

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;

// Anomaly bands (docs/rules.md, "is unusual"): k standard deviations, never narrower than this
// fraction of the centre.
constexpr double kBandSigmas = 3;
constexpr double kBandMinFraction = 0.1;

// The recording rules of the `bam-kpis` group, each once, in the order first needed.
class RecordSet {
 public:
  const std::string& Add(const std::string& record, const std::string& expr) {
    auto [it, inserted] = index_.emplace(record, rules_.size());
    if (inserted) rules_.push_back({record, expr, {}});
    return rules_[it->second].record;
  }
  bool Has(const std::string& record) const { return index_.count(record) > 0; }
  std::vector<RecordingRule> Take() { return std::move(rules_); }

 private:
  std::vector<RecordingRule> rules_;
  std::map<std::string, size_t> index_;
};

// A condition compiled to PromQL: the series it returns while the condition holds.
struct Compiled {
  std::string expr;
  std::vector<std::string> labels;  // labels of the returned series
  const Kpi* kpi = nullptr;         // the first KPI the condition names
  bool value_is_kpi = false;        // the returned value is that KPI's value
};

std::string CmpText(dsl::Comparator op) {
  switch (op) {
    case dsl::Comparator::kLt:
      return "<";
    case dsl::Comparator::kLe:
      return "<=";
    case dsl::Comparator::kGt:
      return ">";
    case dsl::Comparator::kGe:
      return ">=";
    case dsl::Comparator::kEq:
      return "==";
    case dsl::Comparator::kNe:
      return "!=";
  }
  return "==";
}

std::string CmpText(Threshold::Op op) { return std::string(Threshold::OpText(op)); }

dsl::NumberUnit SuffixUnit(const std::string& suffix) {
  if (suffix == "%") return dsl::NumberUnit::kPercent;
  if (suffix == "ms") return dsl::NumberUnit::kMs;
  if (suffix == "s") return dsl::NumberUnit::kS;
  if (suffix == "min") return dsl::NumberUnit::kMin;
  if (suffix == "h") return dsl::NumberUnit::kH;
  if (suffix == "€" || suffix == "eur") return dsl::NumberUnit::kEur;
  return dsl::NumberUnit::kNone;
}

std::string UnitSuffixName(dsl::NumberUnit u) {
  switch (u) {
    case dsl::NumberUnit::kNone:
      return "";
    case dsl::NumberUnit::kPercent:
      return "%";
    case dsl::NumberUnit::kMs:
      return "ms";
    case dsl::NumberUnit::kS:
      return "s";
    case dsl::NumberUnit::kMin:
      return "min";
    case dsl::NumberUnit::kH:
      return "h";
    case dsl::NumberUnit::kEur:
      return "€";
  }
  return "";
}

// Converts a number as written (value and suffix) to the KPI's unit. Returns nullopt and sets
// *problem when the suffix does not fit the unit.
std::optional<double> ToKpiUnit(double v, dsl::NumberUnit nu, const Kpi& kpi,
                                std::string* problem) {
  using NU = dsl::NumberUnit;
  const Unit u = kpi.unit;
  auto time_ms = [&](NU n) -> double {
    switch (n) {
      case NU::kMs:
        return v;
      case NU::kS:
        return v * 1000;
      case NU::kMin:
        return v * 60000;
      default:
        return v * 3600000;
    }
  };
  switch (nu) {
    case NU::kNone:
      return v;
    case NU::kPercent:
      if (u == Unit::kPercent) return v;
      if (u == Unit::kRatio) return v / 100;
      break;
    case NU::kMs:
    case NU::kS:
    case NU::kMin:
    case NU::kH:
      if (u == Unit::kMs) return time_ms(nu);
      if (u == Unit::kSeconds) return time_ms(nu) / 1000;
      break;
    case NU::kEur:
      if (u == Unit::kEur || u == Unit::kEurPerHour) return v;
      break;
  }
  *problem = "unit mismatch: " + UnitSuffixName(nu) + " compared with " + kpi.id +
             ", whose unit is " + std::string(UnitName(u));
  return std::nullopt;
}

bool IsCounterKpi(const Kpi& kpi) {
  return kpi.kind == KpiKind::kRate || kpi.kind == KpiKind::kIncrease;
}

std::vector<std::string> Union(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out = a;
  for (const auto& l : b) {
    if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
  }
  return out;
}

std::vector<std::string> Intersect(const std::vector<std::string>& a,
                                   const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const auto& l : a) {
    if (std::find(b.begin(), b.end(), l) != b.end()) out.push_back(l);
  }
  return out;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

// Compiles the catalog; one instance per Compile() call.
class CatalogCompiler {
 public:
  CatalogCompiler(const Catalog& catalog, DiagnosticList* diags) : cat_(catalog), diags_(diags) {}

  bool Run(RuleFile* out);

 private:
  struct RuleContext {
    const Rule* rule = nullptr;
    const RuleCondition* cond = nullptr;
    std::vector<std::string> for_each;
  };

  void CheckKpi(const Kpi& kpi);
  void CheckWindow(const std::string& file, Position pos, const std::string& path,
                   int64_t window_ms, const std::string& what);
  void CheckImpact();
  void CompileRule(const Rule& rule, RuleGroup* group);
  // Appends the alerts of one `when` to *alerts.
  void CompileCondition(const RuleContext& ctx, std::vector<AlertingRule>* alerts);

  std::optional<Compiled> Cond(const RuleContext& ctx, const dsl::Condition& c);
  const Kpi* Resolve(const RuleContext& ctx, const dsl::Ident& id);
  std::vector<std::string> GroupLabels(const RuleContext& ctx, const Kpi& kpi) {
    return Union(kpi.by, ctx.for_each);
  }
  std::vector<std::string> Extra(const RuleContext& ctx, const Kpi& kpi) {
    std::vector<std::string> extra;
    for (const auto& l : ctx.for_each) {
      if (std::find(kpi.by.begin(), kpi.by.end(), l) == kpi.by.end()) extra.push_back(l);
    }
    return extra;
  }
  // The recording rule of the KPI's value grouped for this rule (recorded on demand).
  std::optional<std::string> Record(const RuleContext& ctx, const Kpi& kpi, Span at);
  // `expr` restricted to windows where a ratio KPI counted enough events.
  std::string TrafficGuard(const RuleContext& ctx, const Kpi& kpi, std::string expr);
  std::string Baseline(const std::string& rec, const dsl::Baseline& b);
  // ` and R offset <base + window>`: the baseline one day/week ago is a full-window value, not
  // the first underestimated rates of a series that had just appeared. Empty when not needed.
  std::string BaselineHistory(const Kpi& kpi, const std::string& rec, const dsl::Baseline& b);
  std::optional<double> Number(const RuleContext& ctx, const dsl::Quantity& q, const Kpi& kpi);
  std::optional<double> Percentage(const RuleContext& ctx, const dsl::Quantity& q);
  bool WindowOk(const RuleContext& ctx, const dsl::DurationLit& d, const std::string& what);

  void Error(const RuleContext& ctx, Span span, std::string message, std::string hint = "") {
    const TextAt& w = ctx.cond->when;
    diags_->Add(w.file, w.At(span.offset), w.path, std::move(message), std::move(hint));
  }
  void Error(const TextAt& t, std::string message, std::string hint = "") {
    diags_->Add(t.file, t.pos, t.path, std::move(message), std::move(hint));
  }

  AlertingRule MakeAlert(const RuleContext& ctx, const std::string& severity, const Compiled& c,
                         int64_t for_ms, const dsl::When& when);

  const Catalog& cat_;
  DiagnosticList* diags_;
  RecordSet records_;
  std::set<std::string> checked_kpis_;
};

// The offset at which a KPI's series must already exist so that a baseline `base_ms` ago is a
// full-window value, not the underestimated first rates of a new series.
std::string FullHistoryOffset(const Kpi& kpi, int64_t base_ms) {
  return cv::PromDuration(base_ms + KpiWindow(kpi));
}

std::string BaseRecordName(const Kpi& kpi) {
  return cv::RecordName(kpi.id, KpiForm(kpi), KpiWindow(kpi));
}

void CatalogCompiler::CheckWindow(const std::string& file, Position pos, const std::string& path,
                                  int64_t window_ms, const std::string& what) {
  const int64_t scrape = cat_.settings.scrape_interval_ms;
  if (window_ms < 2 * scrape) {
    diags_->Add(file, pos, path,
                what + " " + cv::PromDuration(window_ms) + " is shorter than two scrapes (" +
                    "scrape_interval " + cv::PromDuration(scrape) +
                    "): rate() and increase() need two samples in the window",
                what + ": " + cv::PromDuration(std::max<int64_t>(4 * scrape, kMinute)));
  }
}

void CatalogCompiler::CheckKpi(const Kpi& kpi) {
  if (kpi.kind == KpiKind::kRatio && kpi.unit != Unit::kPercent && kpi.unit != Unit::kRatio) {
    diags_->Add(kpi.file, kpi.pos, kpi.path + ".unit",
                "a ratio KPI's unit is percent or ratio, not " + std::string(UnitName(kpi.unit)),
                "unit: percent");
  }
  if (KpiWindow(kpi) > 0) {
    CheckWindow(kpi.file, kpi.window_pos, kpi.path + "." + std::string(KpiForm(kpi)) + ".window",
                KpiWindow(kpi), "window");
  }
  for (const auto* t : {&kpi.warning, &kpi.critical}) {
    if (!t->has_value()) continue;
    std::string problem;
    if (!ToKpiUnit((*t)->value, SuffixUnit((*t)->suffix), kpi, &problem)) {
      Error((*t)->text, problem, "\"" + CmpText((*t)->op) + " " + PromNumber((*t)->value) + "\"");
    }
  }
  // The KPI's own series, for dashboards and for every rule that reads it.
  records_.Add(BaseRecordName(kpi), KpiValueExpr(kpi, kpi.by));
  if (kpi.kind == KpiKind::kRatio) {
    records_.Add(cv::RecordName(kpi.id, cv::kFormEvents, KpiWindow(kpi)),
                 CounterIncrease(kpi, kpi.by, KpiWindow(kpi)));
  }
}

void CatalogCompiler::CheckImpact() {
  if (!cat_.impact) return;
  const Impact& im = *cat_.impact;
  auto check = [&](const TextAt& t, std::optional<Unit> want) {
    if (t.empty()) return;
    const Kpi* k = cat_.FindKpi(t.text);
    if (k == nullptr) {
      std::vector<std::string> ids;
      for (const auto& kk : cat_.kpis) ids.push_back(kk.id);
      std::string close = SuggestClosest(t.text, ids);
      Error(t, "unknown KPI \"" + t.text + "\"",
            close.empty() ? "one of: " + JoinNames(ids) : "\"" + close + "\"");
    } else if (want && k->unit != *want) {
      Error(t,
            "impact." + t.path.substr(t.path.rfind('.') + 1) + " needs a KPI in " +
                std::string(UnitName(*want)) + "; " + k->id + " is in " +
                std::string(UnitName(k->unit)),
            "a KPI with unit: " + std::string(UnitName(*want)));
    }
  };
  check(im.revenue_per_hour, Unit::kEurPerHour);
  check(im.orders_per_hour, std::nullopt);
  check(im.customers_affected, std::nullopt);
}

const Kpi* CatalogCompiler::Resolve(const RuleContext& ctx, const dsl::Ident& id) {
  if (const Kpi* k = cat_.FindKpi(id.name)) return k;
  std::vector<std::string> ids;
  for (const auto& k : cat_.kpis) ids.push_back(k.id);
  std::string close = SuggestClosest(id.name, ids);
  Error(ctx, id.span, "unknown KPI \"" + id.name + "\"",
        close.empty() ? "one of the catalog's KPIs: " + JoinNames(ids) : "\"" + close + "\"");
  return nullptr;
}

std::optional<std::string> CatalogCompiler::Record(const RuleContext& ctx, const Kpi& kpi,
                                                   Span at) {
  std::vector<std::string> extra = Extra(ctx, kpi);
  if (extra.empty()) return BaseRecordName(kpi);
  if (kpi.kind == KpiKind::kExpr) {
    Error(ctx, at,
          "\"for each " + JoinNames(extra) + "\" cannot split " + kpi.id + ", a raw PromQL KPI " +
              (kpi.by.empty() ? std::string("summed over all series")
                              : "kept by [" + JoinNames(kpi.by) + "]"),
          "adding the label to the KPI's expression and to its `by:`");
    return std::nullopt;
  }
  std::vector<std::string> by = Union(kpi.by, extra);
  std::string name = cv::RecordName(kpi.id, KpiForm(kpi), KpiWindow(kpi), extra);
  records_.Add(name, KpiValueExpr(kpi, by));
  if (kpi.kind == KpiKind::kRatio) {
    records_.Add(cv::RecordName(kpi.id, cv::kFormEvents, KpiWindow(kpi), extra),
                 CounterIncrease(kpi, by, KpiWindow(kpi)));
  }
  return name;
}

std::string CatalogCompiler::TrafficGuard(const RuleContext& ctx, const Kpi& kpi,
                                          std::string expr) {
  if (kpi.kind != KpiKind::kRatio || kpi.min_events <= 0) return expr;
  std::string events = cv::RecordName(kpi.id, cv::kFormEvents, KpiWindow(kpi), Extra(ctx, kpi));
  return expr + " and " + events + " >= " + std::to_string(kpi.min_events);
}

std::string CatalogCompiler::Baseline(const std::string& rec, const dsl::Baseline& b) {
  switch (b.kind) {
    case dsl::Baseline::Kind::kAverage:
      return "avg_over_time(" + rec + "[" + cv::PromDuration(b.window.ms) + "])";
    case dsl::Baseline::Kind::kSameTimeLastWeek:
      return rec + " offset 1w";
    case dsl::Baseline::Kind::kYesterday:
      return rec + " offset 1d";
  }
  return rec;
}

std::string CatalogCompiler::BaselineHistory(const Kpi& kpi, const std::string& rec,
                                             const dsl::Baseline& b) {
  if (KpiWindow(kpi) == 0 || b.kind == dsl::Baseline::Kind::kAverage) return "";
  int64_t base = b.kind == dsl::Baseline::Kind::kYesterday ? kDay : kWeek;
  return " and " + rec + " offset " + FullHistoryOffset(kpi, base);
}

std::optional<double> CatalogCompiler::Number(const RuleContext& ctx, const dsl::Quantity& q,
                                              const Kpi& kpi) {
  std::string problem;
  auto v = ToKpiUnit(q.value, q.unit, kpi, &problem);
  if (!v) {
    Error(ctx, q.span, problem,
          "writing the number in " + std::string(UnitName(kpi.unit)) + ": \"" +
              PromNumber(q.value) + "\"");
  }
  return v;
}

std::optional<double> CatalogCompiler::Percentage(const RuleContext& ctx, const dsl::Quantity& q) {
  if (q.unit != dsl::NumberUnit::kPercent && q.unit != dsl::NumberUnit::kNone) {
    Error(ctx, q.span, "expected a percentage, found \"" + q.text + "\"",
          "\"" + PromNumber(q.value) + "%\"");
    return std::nullopt;
  }
  return q.value;
}

bool CatalogCompiler::WindowOk(const RuleContext& ctx, const dsl::DurationLit& d,
                               const std::string& what) {
  const int64_t scrape = cat_.settings.scrape_interval_ms;
  if (d.ms >= 2 * scrape) return true;
  Error(ctx, d.span,
        what + " " + d.text + " is shorter than two scrapes (scrape_interval " +
            cv::PromDuration(scrape) + "): increase() needs two samples in the window",
        "\"" + cv::PromDuration(std::max<int64_t>(4 * scrape, kMinute)) + "\"");
  return false;
}

std::optional<Compiled> CatalogCompiler::Cond(const RuleContext& ctx, const dsl::Condition& c) {
  if (const auto* b = std::get_if<dsl::Binary>(&c.node)) {
    auto lhs = Cond(ctx, *b->lhs);
    auto rhs = Cond(ctx, *b->rhs);
    if (!lhs || !rhs) return std::nullopt;
    std::vector<std::string> common = Intersect(lhs->labels, rhs->labels);
    Compiled out;
    // AND keeps A's series where B holds for the labels they share (a global B gates every
    // platform of A). OR keeps both sides whole: `or on(...)` would drop B's series whenever any
    // A series exists.
    if (b->op == dsl::Binary::Op::kAnd) {
      out.expr = "(" + lhs->expr + ") and on(" + LabelList(common) + ") (" + rhs->expr + ")";
    } else {
      out.expr = "(" + lhs->expr + ") or (" + rhs->expr + ")";
    }
    out.labels = b->op == dsl::Binary::Op::kAnd ? lhs->labels : Union(lhs->labels, rhs->labels);
    out.kpi = lhs->kpi;
    out.value_is_kpi = b->op == dsl::Binary::Op::kAnd && lhs->value_is_kpi;
    return out;
  }
  if (const auto* x = std::get_if<dsl::Compare>(&c.node)) {
    const Kpi* kpi = Resolve(ctx, x->kpi);
    if (kpi == nullptr) return std::nullopt;
    Compiled out{"", GroupLabels(ctx, *kpi), kpi, false};
    if (x->over) {
      if (!IsCounterKpi(*kpi)) {
        Error(ctx, x->over->span,
              "\"over\" totals a count over a window; " + kpi->id + " is not a count KPI (" +
                  "its form is " + std::string(KpiForm(*kpi)) + ")",
              "comparing the KPI itself: \"" + kpi->id + " " + CmpText(x->op) + " " +
                  x->value.text + "\", or a KPI defined with increase: or rate:");
        return std::nullopt;
      }
      if (!WindowOk(ctx, *x->over, "over")) return std::nullopt;
      if (x->value.unit != dsl::NumberUnit::kNone && x->value.unit != dsl::NumberUnit::kEur) {
        Error(ctx, x->value.span,
              "a total over a window is a plain number, found \"" + x->value.text + "\"",
              "\"" + PromNumber(x->value.value) + "\"");
        return std::nullopt;
      }
      out.expr = CounterIncrease(*kpi, out.labels, x->over->ms) + " " + CmpText(x->op) + " " +
                 PromNumber(x->value.value);
      // The total over the window is what a user means by the KPI's value in this rule's message.
      out.value_is_kpi = true;
      return out;
    }
    auto v = Number(ctx, x->value, *kpi);
    auto rec = Record(ctx, *kpi, x->kpi.span);
    if (!v || !rec) return std::nullopt;
    out.expr = TrafficGuard(ctx, *kpi, *rec + " " + CmpText(x->op) + " " + PromNumber(*v));
    out.value_is_kpi = true;
    return out;
  }
  if (const auto* x = std::get_if<dsl::Change>(&c.node)) {
    const Kpi* kpi = Resolve(ctx, x->kpi);
    if (kpi == nullptr) return std::nullopt;
    auto pct = Percentage(ctx, x->amount);
    auto rec = Record(ctx, *kpi, x->kpi.span);
    if (!pct || !rec) return std::nullopt;
    bool drops = x->direction == dsl::Change::Direction::kDrops;
    if (*pct <= 0 || (drops && *pct >= 100)) {
      Error(ctx, x->amount.span, drops ? "a drop is between 0% and 100%" : "a rise is more than 0%",
            drops ? "\"drops more than 30%\"" : "\"rises more than 50%\"");
      return std::nullopt;
    }
    if (x->baseline.kind == dsl::Baseline::Kind::kAverage &&
        !WindowOk(ctx, x->baseline.window, "baseline")) {
      return std::nullopt;
    }
    std::string base = Baseline(*rec, x->baseline);
    double factor = drops ? 1 - *pct / 100 : 1 + *pct / 100;
    factor = std::round(factor * 1e9) / 1e9;
    std::string e = *rec + (drops ? " < " : " > ") + PromNumber(factor) + " * " + base;
    if (!drops) e += " and " + base + " > 0";
    e += BaselineHistory(*kpi, *rec, x->baseline);
    return Compiled{TrafficGuard(ctx, *kpi, e), GroupLabels(ctx, *kpi), kpi, true};
  }
  if (const auto* x = std::get_if<dsl::RatioTo>(&c.node)) {
    const Kpi* kpi = Resolve(ctx, x->kpi);
    if (kpi == nullptr) return std::nullopt;
    auto pct = Percentage(ctx, x->fraction);
    auto rec = Record(ctx, *kpi, x->kpi.span);
    if (!pct || !rec) return std::nullopt;
    if (x->baseline.kind == dsl::Baseline::Kind::kAverage &&
        !WindowOk(ctx, x->baseline.window, "baseline")) {
      return std::nullopt;
    }
    double factor = std::round(*pct / 100 * 1e9) / 1e9;
    std::string e = *rec + " " + CmpText(x->op) + " " + PromNumber(factor) + " * " +
                    Baseline(*rec, x->baseline) + BaselineHistory(*kpi, *rec, x->baseline);
    return Compiled{TrafficGuard(ctx, *kpi, e), GroupLabels(ctx, *kpi), kpi, true};
  }
  if (const auto* x = std::get_if<dsl::Unusual>(&c.node)) {
    const Kpi* kpi = Resolve(ctx, x->kpi);
    if (kpi == nullptr) return std::nullopt;
    auto rec = Record(ctx, *kpi, x->kpi.span);
    if (!rec) return std::nullopt;
    std::vector<std::string> extra = Extra(ctx, *kpi);
    auto name = [&](std::string_view form) { return cv::RecordName(kpi->id, form, 0, extra); };
    const std::string day = "avg_over_time(" + *rec + "[1h] offset 23h30m)";
    // No band before a full day of history: the reference hour yesterday must be preceded by a
    // full KPI window, else its first rates are underestimated and a steady KPI looks "high".
    // The weekly term waits for a full week the same way.
    const std::string history = *rec + " offset " + FullHistoryOffset(*kpi, kDay + 30 * kMinute);
    const std::string week = "(avg_over_time(" + *rec + "[1h] offset 6d23h30m) and " + *rec +
                             " offset " + FullHistoryOffset(*kpi, kWeek + 30 * kMinute) + ")";
    const std::string center =
        records_.Add(name(cv::kFormBandCenter),
                     "((" + day + " + " + week + ") / 2 or " + day + ") and " + history);
    // How far the KPI strayed from its centre over the previous day: real traffic is noisier
    // than yesterday's hour alone suggests. The day before, not the last 24 hours, so that an
    // anomaly in progress does not widen the band around itself and hide.
    const std::string residual = records_.Add(name(cv::kFormBandResidual), *rec + " - " + center);
    const std::string hour_spread =
        PromNumber(kBandSigmas) + " * stddev_over_time(" + *rec + "[1h] offset 23h30m)";
    const std::string day_spread =
        PromNumber(kBandSigmas) + " * stddev_over_time(" + residual + "[1d] offset 1d)";
    const std::string floor = PromNumber(kBandMinFraction) + " * abs(" + center + ")";
    const std::string at_least = "(" + hour_spread + " > " + floor + " or " + floor + ")";
    const std::string width =
        records_.Add(name(cv::kFormBandWidth), day_spread + " > " + at_least + " or " + at_least);
    const std::string lower = records_.Add(name(cv::kFormBandLower), center + " - " + width);
    const std::string upper = records_.Add(name(cv::kFormBandUpper), center + " + " + width);
    std::string e;
    switch (x->side) {
      case dsl::Unusual::Side::kLow:
        e = *rec + " < " + lower;
        break;
      case dsl::Unusual::Side::kHigh:
        e = *rec + " > " + upper;
        break;
      case dsl::Unusual::Side::kBoth:
        e = "(" + *rec + " < " + lower + ") or (" + *rec + " > " + upper + ")";
        break;
    }
    if (kpi->kind == KpiKind::kRatio && kpi->min_events > 0) e = "(" + e + ")";
    return Compiled{TrafficGuard(ctx, *kpi, e), GroupLabels(ctx, *kpi), kpi, true};
  }
  if (const auto* x = std::get_if<dsl::Forecast>(&c.node)) {
    const Kpi* kpi = Resolve(ctx, x->kpi);
    if (kpi == nullptr) return std::nullopt;
    auto rec = Record(ctx, *kpi, x->kpi.span);
    std::optional<double> limit =
        x->run_out ? std::optional<double>(0) : Number(ctx, x->limit, *kpi);
    if (!rec || !limit) return std::nullopt;
    if (x->horizon.ms < kMinute) {
      Error(ctx, x->horizon.span, "a forecast horizon of " + x->horizon.text + " is too short",
            "\"within 1h\" or more");
      return std::nullopt;
    }
    int64_t lookback = std::clamp<int64_t>(x->horizon.ms, 30 * kMinute, 6 * kHour);
    bool below = x->direction == dsl::Forecast::Direction::kBelow;
    std::string n = PromNumber(*limit);
    // "Run out" means reaching 0 (<= 0) while there is still some (> 0); the other forecasts
    // cross a limit they have not crossed yet.
    std::string forecast_op = x->run_out ? " <= " : below ? " < " : " > ";
    std::string now_op = x->run_out ? " > " : below ? " >= " : " <= ";
    std::string e = "predict_linear(" + *rec + "[" + cv::PromDuration(lookback) + "], " +
                    PromNumber(static_cast<double>(x->horizon.ms) / 1000) + ")" + forecast_op + n +
                    " and " + *rec + now_op + n;
    return Compiled{e, GroupLabels(ctx, *kpi), kpi, false};
  }
  if (const auto* x = std::get_if<dsl::Absence>(&c.node)) {
    const Kpi* kpi = Resolve(ctx, x->kpi);
    if (kpi == nullptr) return std::nullopt;
    if (!WindowOk(ctx, x->window, "no ... for")) return std::nullopt;
    std::vector<std::string> labels = GroupLabels(ctx, *kpi);
    std::string w = cv::PromDuration(x->window.ms);
    if (kpi->kind == KpiKind::kExpr) {
      Error(
          ctx, x->kpi.span,
          "\"no " + kpi->id + "\" needs the KPI's underlying metric; " + kpi->id + " is raw PromQL",
          "\"" + kpi->id + " < 1\", or a KPI defined with increase: or rate:");
      return std::nullopt;
    }
    if (kpi->kind == KpiKind::kGauge) {
      return Compiled{"absent_over_time(" + kpi->metric.text + "[" + w + "])", {}, kpi, false};
    }
    std::string now = CounterIncrease(*kpi, labels, x->window.ms);
    std::string last_week = CounterIncrease(*kpi, labels, x->window.ms, "1w");
    // The spec: flat now while the same window last week had traffic (so quiet nights stay
    // quiet), or the series is gone altogether.
    std::string e = "(" + now + " == 0 and " + last_week + " > 0) or absent_over_time(" +
                    KpiCounter(*kpi) + "[" + w + "])";
    return Compiled{e, labels, kpi, false};
  }
  if (const auto* x = std::get_if<dsl::Breaches>(&c.node)) {
    Error(ctx, x->kpi.span,
          "\"breaches thresholds\" raises its own warning and critical alerts and cannot be "
          "combined with AND, OR or a guard",
          "a rule of its own: \"" + x->kpi.name + " breaches thresholds\"");
    return std::nullopt;
  }
  if (const auto* x = std::get_if<dsl::Objective>(&c.node)) {
    Error(ctx, x->kpi.span,
          "\"objective\" raises its own page and ticket alerts and cannot be combined with AND, "
          "OR or a guard",
          "a rule of its own: \"objective " + x->kpi.name + " " + x->target.text + " over " +
              x->period.text + "\"");
    return std::nullopt;
  }
  return std::nullopt;
}

AlertingRule CatalogCompiler::MakeAlert(const RuleContext& ctx, const std::string& severity,
                                        const Compiled& c, int64_t for_ms, const dsl::When& when) {
  const Rule& rule = *ctx.rule;
  AlertingRule a;
  a.alert = cv::AlertName(rule.id);
  a.expr = c.expr;
  a.for_ms = for_ms;
  a.labels = rule.labels;
  a.labels[std::string(cv::kRuleIdLabel)] = rule.id;
  a.labels[std::string(cv::kKpiLabel)] = c.kpi ? c.kpi->id : "";
  a.labels[std::string(cv::kSeverityLabel)] = severity;

  MessageContext mc;
  mc.catalog = &cat_;
  mc.rule = &rule;
  mc.kpi = c.kpi;
  mc.value_is_kpi = c.value_is_kpi;
  mc.labels = c.labels;
  for (const auto& [k, v] : a.labels) {
    if (std::find(mc.labels.begin(), mc.labels.end(), k) == mc.labels.end()) mc.labels.push_back(k);
  }
  // A KPI split by the rule's `for each` is read from its split recording rule.
  auto record_of = [&](const Kpi& k) {
    std::string split = cv::RecordName(k.id, KpiForm(k), KpiWindow(k), Extra(ctx, k));
    return records_.Has(split) ? split : BaseRecordName(k);
  };
  std::string summary;
  if (!rule.message.empty()) {
    summary = CompileMessage(rule.message, mc, record_of, diags_);
  } else if (c.kpi != nullptr) {
    // Default: "<KPI name>: <value> (<label values>)".
    TextAt t;
    t.text = c.kpi->name + ": {{" + c.kpi->id + "}}";
    if (!c.labels.empty()) {
      t.text += " (";
      for (size_t i = 0; i < c.labels.size(); ++i)
        t.text += (i ? ", {{" : "{{") + c.labels[i] + "}}";
      t.text += ")";
    }
    t.file = rule.file;
    t.pos = rule.pos;
    t.path = rule.path;
    summary = CompileMessage(t, mc, record_of, diags_);
  }
  a.annotations[std::string(cv::kSummary)] = summary;
  a.annotations[std::string(cv::kDescription)] =
      rule.description.empty() ? dsl::Unparse(when) : rule.description;
  if (c.kpi) a.annotations[std::string(cv::kKpiName)] = c.kpi->name;
  if (!rule.actions.empty()) {
    std::string actions;
    for (const auto& act : rule.actions) actions += (actions.empty() ? "" : ",") + act;
    a.annotations[std::string(cv::kActions)] = actions;
  }
  auto url = [&](const std::string& tmpl) {
    return Replace(Replace(tmpl, "{{kpi}}", c.kpi ? c.kpi->id : ""), "{{rule_id}}", rule.id);
  };
  if (!cat_.settings.dashboard_url.empty()) {
    a.annotations[std::string(cv::kDashboardUrl)] = url(cat_.settings.dashboard_url);
  }
  if (!cat_.settings.logs_url.empty()) {
    a.annotations[std::string(cv::kLogsUrl)] = url(cat_.settings.logs_url);
  }
  std::string runbook = rule.runbook_url.empty() ? cat_.settings.runbook_url : rule.runbook_url;
  if (!runbook.empty()) a.annotations[std::string(cv::kRunbookUrl)] = url(runbook);
  return a;
}

void CatalogCompiler::CompileCondition(const RuleContext& ctx, std::vector<AlertingRule>* alerts) {
  dsl::When when;
  std::vector<dsl::ParseError> errors;
  if (!dsl::Parse(ctx.cond->when.text, &when, &errors)) {
    for (const auto& e : errors) Error(ctx, e.span, e.message, e.hint);
    return;
  }
  RuleContext rc = ctx;
  for (const auto& l : when.for_each) rc.for_each.push_back(l.name);
  int64_t for_ms = when.hold ? when.hold->ms : 0;
  if (const auto* u = std::get_if<dsl::Unusual>(&when.condition->node); u && !when.hold) {
    // One check outside a band is noise; unusual for two KPI windows (at least 10 minutes) is
    // news. An explicit `for` overrides this.
    if (const Kpi* kpi = cat_.FindKpi(u->kpi.name)) {
      for_ms = std::max<int64_t>(2 * KpiWindow(*kpi), 10 * kMinute);
    }
  }

  // The guard, shared by every alert of this `when`.
  std::optional<Compiled> guard;
  if (when.guard) {
    guard = Cond(rc, *when.guard);
    if (!guard) return;
  }
  auto guarded = [&](Compiled c) {
    if (guard) {
      c.expr = "(" + c.expr + ") and on(" + LabelList(Intersect(c.labels, guard->labels)) + ") (" +
               guard->expr + ")";
    }
    return c;
  };

  const dsl::Condition& top = *when.condition;
  if (const auto* b = std::get_if<dsl::Breaches>(&top.node)) {
    const Kpi* kpi = Resolve(rc, b->kpi);
    if (kpi == nullptr) return;
    if (!kpi->warning && !kpi->critical) {
      Error(rc, b->kpi.span, kpi->id + " has no thresholds to breach",
            "thresholds: {warning: \"< 95\", critical: \"< 90\"} on the KPI " + kpi->id);
      return;
    }
    auto rec = Record(rc, *kpi, b->kpi.span);
    if (!rec) return;
    for (const auto& [sev, t] :
         {std::pair{"warning", &kpi->warning}, std::pair{"critical", &kpi->critical}}) {
      if (!t->has_value()) continue;
      std::string problem;
      auto v = ToKpiUnit((*t)->value, SuffixUnit((*t)->suffix), *kpi, &problem);
      if (!v) return;  // reported by CheckKpi
      Compiled c{TrafficGuard(rc, *kpi, *rec + " " + CmpText((*t)->op) + " " + PromNumber(*v)),
                 GroupLabels(rc, *kpi), kpi, true};
      alerts->push_back(MakeAlert(rc, sev, guarded(c), for_ms, when));
    }
    return;
  }
  if (const auto* o = std::get_if<dsl::Objective>(&top.node)) {
    const Kpi* kpi = Resolve(rc, o->kpi);
    if (kpi == nullptr) return;
    if (kpi->kind != KpiKind::kRatio) {
      Error(rc, o->kpi.span,
            "an objective needs a ratio KPI (good events / all events); " + kpi->id + " is " +
                std::string(KpiForm(*kpi)),
            "a KPI with ratio: {numerator: <good events>, denominator: <all events>}");
      return;
    }
    auto target = Percentage(rc, o->target);
    if (!target) return;
    if (*target <= 0 || *target >= 100) {
      Error(rc, o->target.span, "an objective is between 0% and 100% (exclusive)",
            "\"objective " + kpi->id + " 99.5% over 30d\"");
      return;
    }
    if (o->period.ms < kDay) {
      Error(rc, o->period.span, "an objective's period is at least a day, found " + o->period.text,
            "\"over 30d\"");
      return;
    }
    std::vector<std::string> labels = GroupLabels(rc, *kpi);
    std::vector<std::string> extra = Extra(rc, *kpi);
    auto er = [&](int64_t w) {
      return records_.Add(cv::RecordName(kpi->id, cv::kFormErrorRatio, w, extra),
                          ErrorRatioExpr(*kpi, labels, w));
    };
    const double budget = std::round((1 - *target / 100) * 1e9) / 1e9;
    const double period_h = static_cast<double>(o->period.ms) / kHour;
    // Google SRE workbook, multiwindow multi-burn-rate: budget fraction spent in the long window,
    // with a short window of 1/12 of it so the alert resets soon after the burn stops.
    bool impossible = false;
    auto tier = [&](double fraction, int64_t long_w, int64_t short_w) {
      double factor =
          std::round(fraction * period_h / (static_cast<double>(long_w) / kHour) * 1e6) / 1e6;
      // Below 1 a short period would alert while the objective is met; never burn slower than
      // the budget allows.
      factor = std::max(factor, 1.0);
      if (factor * budget >= 1) impossible = true;
      std::string thr = PromNumber(factor) + " * " + PromNumber(budget);
      return "(" + er(long_w) + " > " + thr + " and " + er(short_w) + " > " + thr + ")";
    };
    std::string page =
        tier(0.02, kHour, 5 * kMinute) + " or " + tier(0.05, 6 * kHour, 30 * kMinute);
    std::string ticket = tier(0.10, kDay, 2 * kHour) + " or " + tier(0.10, 3 * kDay, 6 * kHour);
    if (impossible) {
      Error(rc, o->target.span,
            "objective " + o->target.text + " leaves an error budget of " +
                PromNumber(budget * 100) +
                "%: a burn-rate alert would need an error ratio above 100% and could never fire",
            "a higher objective (\"99%\" or more) or a shorter period");
      return;
    }
    alerts->push_back(MakeAlert(rc, "critical", guarded({page, labels, kpi, false}), for_ms, when));
    alerts->push_back(
        MakeAlert(rc, "warning", guarded({ticket, labels, kpi, false}), for_ms, when));
    return;
  }
  auto c = Cond(rc, top);
  if (!c) return;
  alerts->push_back(MakeAlert(rc, ctx.cond->severity, guarded(*c), for_ms, when));
}

void CatalogCompiler::CompileRule(const Rule& rule, RuleGroup* group) {
  group->name = cv::RuleGroupName(rule.id);
  group->interval_ms = cat_.settings.evaluation_interval_ms;
  std::set<std::string> severities;
  for (const auto& cond : rule.conditions) {
    RuleContext ctx{&rule, &cond, {}};
    size_t before = group->alerts.size();
    CompileCondition(ctx, &group->alerts);
    for (size_t i = before; i < group->alerts.size(); ++i) {
      const std::string& sev = group->alerts[i].labels[std::string(cv::kSeverityLabel)];
      if (!severities.insert(sev).second) {
        diags_->Add(cond.when.file, cond.when.pos, cond.when.path,
                    "rule " + rule.id + " raises two " + sev + " alerts",
                    "one `when` per severity");
      }
    }
  }
}

bool CatalogCompiler::Run(RuleFile* out) {
  for (const auto& kpi : cat_.kpis) CheckKpi(kpi);
  CheckImpact();
  std::vector<RuleGroup> rule_groups;
  for (const auto& rule : cat_.rules) {
    if (!rule.enabled) continue;
    RuleGroup g;
    CompileRule(rule, &g);
    rule_groups.push_back(std::move(g));
  }
  if (!diags_->empty()) return false;
  RuleFile file;
  RuleGroup kpis;
  kpis.name = std::string(cv::kKpiGroup);
  kpis.interval_ms = cat_.settings.evaluation_interval_ms;
  kpis.records = records_.Take();
  if (!kpis.records.empty()) file.groups.push_back(std::move(kpis));
  for (auto& g : rule_groups) file.groups.push_back(std::move(g));
  *out = std::move(file);
  return true;
}

}  // namespace

bool Compile(const Catalog& catalog, RuleFile* out, DiagnosticList* diags) {
  DiagnosticList local;
  CatalogCompiler compiler(catalog, &local);
  bool ok = compiler.Run(out);
  local.Sort();
  for (const auto& d : local.items()) diags->Add(d);
  return ok;
}

}  // namespace bam::rulesvc
