#include "rulesvc/enrich/enricher.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "rulesvc/compiler/conventions.h"
#include "rulesvc/compiler/kpi_query.h"

namespace bam::rulesvc::enrich {
namespace {

using conventions::PromDuration;
using Clock = std::chrono::steady_clock;

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// `l1="v1", l2="v2"` for the labels the KPI keeps that the alert carries.
std::string Matchers(const Kpi& kpi, const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const std::string& l : kpi.by) {
    auto it = labels.find(l);
    if (it == labels.end()) continue;
    if (!out.empty()) out += ", ";
    out += l + "=\"" + Escape(it->second) + "\"";
  }
  return out;
}

bool AllByLabels(const Kpi& kpi, const std::map<std::string, std::string>& labels) {
  return std::all_of(kpi.by.begin(), kpi.by.end(),
                     [&](const std::string& l) { return labels.count(l) > 0; });
}

// `selector` with `extra` matchers added: ("m{a=\"1\"}", "b=\"2\"") -> "m{a=\"1\", b=\"2\"}".
std::string AddMatchers(const std::string& selector, const std::string& extra) {
  if (extra.empty()) return selector;
  SelectorParts p = SplitSelector(selector);
  std::string inner = p.matchers.empty() ? "" : p.matchers.substr(1, p.matchers.size() - 2);
  while (!inner.empty() && (inner.back() == ' ' || inner.back() == ',')) inner.pop_back();
  return p.name + "{" + (inner.empty() ? "" : inner + ", ") + extra + "}";
}

std::string WithOffset(const std::string& s, const std::string& offset) {
  return offset.empty() ? s : s + " offset " + offset;
}

// The KPI's recorded series, restricted to the alert's labels.
std::string Series(const Kpi& kpi, const std::map<std::string, std::string>& labels) {
  return AddMatchers(conventions::RecordName(kpi.id, KpiForm(kpi), KpiWindow(kpi)),
                     Matchers(kpi, labels));
}

std::vector<std::string> BaselineOffsets(Baseline b) {
  switch (b) {
    case Baseline::kSameTimeLastWeek:
      return {"1w"};
    case Baseline::kYesterday:
      return {"1d"};
    case Baseline::kAvg7dSameHour:
      return {"1d", "2d", "3d", "4d", "5d", "6d", "1w"};
  }
  return {"1w"};
}

const char* BaselineName(Baseline b) {
  switch (b) {
    case Baseline::kSameTimeLastWeek:
      return "same_time_last_week";
    case Baseline::kYesterday:
      return "yesterday";
    case Baseline::kAvg7dSameHour:
      return "avg_7d_same_hour";
  }
  return "same_time_last_week";
}

bool Beyond(const Threshold& t, double v) {
  switch (t.op) {
    case Threshold::Op::kLt:
      return v < t.value;
    case Threshold::Op::kLe:
      return v <= t.value;
    case Threshold::Op::kGt:
      return v > t.value;
    case Threshold::Op::kGe:
      return v >= t.value;
  }
  return false;
}

// One Enrich call: the deadline, the first unavailability, the rejected queries.
class Run {
 public:
  Run(PrometheusClient* client, std::chrono::milliseconds budget, Impact* impact)
      : client_(client), deadline_(Clock::now() + budget), impact_(impact) {}

  bool stopped() const { return impact_->unavailable.has_value(); }

  // The vector answer, or nullopt (unavailable, rejected).
  std::optional<std::vector<Sample>> Vector(const std::string& figure, const std::string& query,
                                            int64_t time_ms) {
    if (stopped()) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) {
      impact_->unavailable = "enrichment deadline exceeded";
      return std::nullopt;
    }
    StatusOr<QueryResult> r = client_->Query(query, time_ms, left);
    if (!r.ok()) {
      if (r.status().code() == StatusCode::kUnavailable) {
        impact_->unavailable = r.status().message();
      } else {
        impact_->errors.push_back(figure + ": " + r.status().message() + " (" + query + ")");
      }
      return std::nullopt;
    }
    if (r->type == QueryResult::Type::kScalar) return std::vector<Sample>{Sample{{}, r->scalar}};
    return std::move(r->samples);
  }

  // The sum of the answer's samples; nullopt when empty (no data) or failed.
  std::optional<double> Value(const std::string& figure, const std::string& query,
                              int64_t time_ms) {
    auto v = Vector(figure, query, time_ms);
    if (!v || v->empty()) return std::nullopt;
    double sum = 0;
    for (const Sample& s : *v) sum += s.value;
    return sum;
  }

  // The mean of Value(make(offset)) over the offsets that answered.
  template <typename Make>
  std::optional<double> Mean(const std::string& figure, const std::vector<std::string>& offsets,
                             int64_t time_ms, Make make) {
    double sum = 0;
    int n = 0;
    for (const std::string& o : offsets) {
      if (auto v = Value(figure, make(o), time_ms)) {
        sum += *v;
        ++n;
      }
    }
    if (n == 0) return std::nullopt;
    return sum / n;
  }

 private:
  PrometheusClient* client_;
  Clock::time_point deadline_;
  Impact* impact_;
};

// The total of a per-hour KPI over [now - span, now] (offset shifts the window back): the increase
// of its counter when it has one, else the mean of its recorded series times the span in hours.
std::string TotalQuery(const Kpi& kpi, const std::map<std::string, std::string>& labels,
                       int64_t span_ms, const std::string& offset) {
  const std::string counter = KpiCounter(kpi);
  if (!counter.empty() && (kpi.kind == KpiKind::kRate || kpi.kind == KpiKind::kIncrease)) {
    std::string range =
        AddMatchers(counter, Matchers(kpi, labels)) + "[" + PromDuration(span_ms) + "]";
    return "sum(increase(" + WithOffset(range, offset) + "))";
  }
  std::string sub = "(sum(" + Series(kpi, labels) + "))[" + PromDuration(span_ms) + ":1m]";
  return "avg_over_time(" + WithOffset(sub, offset) + ") * " +
         PromNumber(static_cast<double>(span_ms) / 3600000.0);
}

}  // namespace

Enricher::Enricher(const Catalog& catalog, PrometheusClient* client, Options options)
    : catalog_(catalog), client_(client), options_(std::move(options)) {}

Impact Enricher::Enrich(const AlertInfo& alert) const {
  Impact impact;
  Run run(client_, options_.deadline, &impact);
  const int64_t now = client_->RoundTime(alert.now_ms);
  const int64_t start = std::min(alert.starts_at_ms, now);
  const int64_t span = now - start;
  impact.evaluated_at_ms = now;
  const auto& labels = alert.labels;

  if (catalog_.impact) {
    const rulesvc::Impact& cfg = *catalog_.impact;
    const std::vector<std::string> offsets = BaselineOffsets(cfg.baseline);
    impact.baseline_kind = BaselineName(cfg.baseline);

    if (const Kpi* rev = catalog_.FindKpi(cfg.revenue_per_hour.text)) {
      const std::string series = Series(*rev, labels);
      impact.revenue_per_hour = run.Value("revenue_per_hour", "sum(" + series + ")", now);
      impact.baseline = run.Mean("baseline", offsets, now, [&](const std::string& o) {
        return "sum(" + WithOffset(series, o) + ")";
      });
      if (impact.revenue_per_hour && impact.baseline) {
        impact.revenue_lost_per_hour = std::max(0.0, *impact.baseline - *impact.revenue_per_hour);
      }
      if (span >= 1000) {
        impact.revenue_since_start =
            run.Value("revenue_since_start", TotalQuery(*rev, labels, span, ""), now);
        impact.expected_revenue_since_start =
            run.Mean("expected_revenue_since_start", offsets, now,
                     [&](const std::string& o) { return TotalQuery(*rev, labels, span, o); });
        if (impact.revenue_since_start && impact.expected_revenue_since_start) {
          impact.revenue_lost_since_start =
              std::max(0.0, *impact.expected_revenue_since_start - *impact.revenue_since_start);
        }
      }
    }

    const Kpi* orders =
        cfg.orders_per_hour.empty() ? nullptr : catalog_.FindKpi(cfg.orders_per_hour.text);
    if (orders != nullptr && span >= 1000) {
      impact.orders_since_start =
          run.Value("orders_since_start", TotalQuery(*orders, labels, span, ""), now);
      impact.expected_orders_since_start =
          run.Mean("expected_orders_since_start", offsets, now,
                   [&](const std::string& o) { return TotalQuery(*orders, labels, span, o); });
      if (impact.orders_since_start && impact.expected_orders_since_start) {
        impact.orders_affected = std::llround(
            std::max(0.0, *impact.expected_orders_since_start - *impact.orders_since_start));
      }
    }

    const Kpi* customers =
        cfg.customers_affected.empty() ? nullptr : catalog_.FindKpi(cfg.customers_affected.text);
    if (customers != nullptr) {
      std::optional<double> v;
      if (!KpiCounter(*customers).empty() && customers->kind != KpiKind::kRatio && span >= 1000) {
        std::string range = AddMatchers(KpiCounter(*customers), Matchers(*customers, labels)) +
                            "[" + PromDuration(span) + "]";
        v = run.Value("customers_affected", "sum(increase(" + range + "))", now);
      } else {
        v = run.Value("customers_affected", "sum(" + Series(*customers, labels) + ")", now);
      }
      if (v) impact.customers_affected = std::llround(std::max(0.0, *v));
    }
  }

  // The alert's KPI on the same weekday and time of past weeks.
  auto kpi_label = labels.find(std::string(conventions::kKpiLabel));
  const Kpi* kpi = kpi_label == labels.end() ? nullptr : catalog_.FindKpi(kpi_label->second);
  if (kpi != nullptr) {
    std::optional<Threshold> threshold = alert.threshold;
    if (!threshold) {
      auto sev = labels.find(std::string(conventions::kSeverityLabel));
      if (sev != labels.end() && sev->second == "critical") threshold = kpi->critical;
      if (sev != labels.end() && sev->second == "warning") threshold = kpi->warning;
    }
    if (threshold) {
      impact.threshold = threshold->value;
      impact.threshold_op = Threshold::OpText(threshold->op);
    }
    const bool additive = kpi->kind == KpiKind::kRate || kpi->kind == KpiKind::kIncrease ||
                          (kpi->kind == KpiKind::kGauge && kpi->aggregate == "sum");
    if (AllByLabels(*kpi, labels) || additive) {
      int beyond = 0, known = 0;
      for (int w = 1; w <= options_.past_weeks; ++w) {
        PastWeek pw;
        pw.weeks_ago = w;
        pw.value = run.Value(
            "past_weeks", "sum(" + WithOffset(Series(*kpi, labels), std::to_string(w) + "w") + ")",
            start);
        if (pw.value && threshold) {
          pw.beyond_threshold = Beyond(*threshold, *pw.value);
          ++known;
          beyond += *pw.beyond_threshold ? 1 : 0;
        }
        impact.past_weeks.push_back(pw);
      }
      if (known > 0) impact.past_weeks_beyond_threshold = beyond;
    }
  }

  // Deployments in [start - before, start + after].
  if (!options_.deployments_metric.empty()) {
    const int64_t window = (options_.deployments_before + options_.deployments_after).count();
    const std::string q = "sum by (" + options_.deployments_label + ") (increase(" +
                          options_.deployments_metric + "[" + PromDuration(window) + "]))";
    if (auto v = run.Vector("deployments", q, start + options_.deployments_after.count())) {
      for (const Sample& s : *v) {
        const int64_t n = std::llround(s.value);
        if (n < 1) continue;
        auto it = s.labels.find(options_.deployments_label);
        impact.deployments.push_back({it == s.labels.end() ? "" : it->second, n});
      }
      std::sort(impact.deployments.begin(), impact.deployments.end(),
                [](const Deployment& a, const Deployment& b) { return a.service < b.service; });
    }
  }

  // Traffic at the start against the same time last week.
  if (const Kpi* traffic = catalog_.FindKpi(options_.traffic_kpi)) {
    const std::string series = Series(*traffic, labels);
    impact.traffic_per_hour = run.Value("traffic", "sum(" + series + ")", start);
    impact.traffic_per_hour_last_week =
        run.Value("traffic", "sum(" + WithOffset(series, "1w") + ")", start);
    if (impact.traffic_per_hour && impact.traffic_per_hour_last_week &&
        *impact.traffic_per_hour_last_week > 0) {
      impact.traffic_change_percent =
          100 * (*impact.traffic_per_hour / *impact.traffic_per_hour_last_week - 1);
    }
  }
  return impact;
}

}  // namespace bam::rulesvc::enrich
