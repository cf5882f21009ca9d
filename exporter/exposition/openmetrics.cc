#include "exporter/exposition/openmetrics.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace bam::exporter {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

constexpr std::string_view kTotal = "_total";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void AppendNumber(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "+Inf" : "-Inf");
  } else {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out->append(buf, ec == std::errc() ? end : buf);
  }
}

void AppendTimestamp(int64_t ms, std::string* out) {
  if (ms < 0) {
    out->push_back('-');
    ms = -ms;
  }
  const int64_t seconds = ms / 1000, frac = ms % 1000;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, seconds);
  out->append(buf, ec == std::errc() ? end : buf);
  if (frac != 0) {
    out->push_back('.');
    out->push_back(static_cast<char>('0' + frac / 100));
    out->push_back(static_cast<char>('0' + frac / 10 % 10));
    out->push_back(static_cast<char>('0' + frac % 10));
  }
}

// OpenMetrics escapes backslash, double quote and newline in label values and HELP texts.
void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '"') {
      out->append("\\\"");
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

// `{labels[,extra_name="extra_value"]}`, or nothing when both are empty.
void AppendLabels(const ClientMetric& m, std::string_view extra_name, std::string_view extra_value,
                  std::string* out) {
  if (m.label.empty() && extra_name.empty()) return;
  out->push_back('{');
  bool first = true;
  for (const auto& l : m.label) {
    if (!first) out->push_back(',');
    first = false;
    out->append(l.name);
    out->append("=\"");
    AppendEscaped(l.value, out);
    out->push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out->push_back(',');
    out->append(extra_name);
    out->append("=\"");
    out->append(extra_value);
    out->push_back('"');
  }
  out->push_back('}');
}

void AppendLine(std::string_view name, std::string_view suffix, const ClientMetric& m,
                std::string_view extra_name, std::string_view extra_value, double value,
                int64_t timestamp_ms, std::string* out) {
  out->append(name);
  out->append(suffix);
  AppendLabels(m, extra_name, extra_value, out);
  out->push_back(' ');
  AppendNumber(value, out);
  out->push_back(' ');
  AppendTimestamp(timestamp_ms, out);
  out->push_back('\n');
}

// The family name OpenMetrics expects: without `_total` for a counter.
std::string_view FamilyName(const MetricFamily& family) {
  std::string_view name = family.name;
  if (family.type == MetricType::Counter && EndsWith(name, kTotal)) {
    name.remove_suffix(kTotal.size());
  }
  return name;
}

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Summary:
      return "summary";
    case MetricType::Histogram:
      return "histogram";
    default:
      return "unknown";
  }
}

}  // namespace

std::string OpenMetricsFamilyHeader(const MetricFamily& family) {
  const std::string_view name = FamilyName(family);
  std::string out;
  if (!family.help.empty()) {
    out.append("# HELP ").append(name).push_back(' ');
    AppendEscaped(family.help, &out);
    out.push_back('\n');
  }
  out.append("# TYPE ").append(name).append(" ").append(TypeName(family.type)).push_back('\n');
  return out;
}

void AppendOpenMetricsSamples(const MetricFamily& family, const ClientMetric& m,
                              int64_t timestamp_ms, std::string* out) {
  const std::string_view name = FamilyName(family);
  std::string bound;
  switch (family.type) {
    case MetricType::Counter:
      AppendLine(name, kTotal, m, {}, {}, m.counter.value, timestamp_ms, out);
      break;
    case MetricType::Gauge:
      AppendLine(name, "", m, {}, {}, m.gauge.value, timestamp_ms, out);
      break;
    case MetricType::Histogram: {
      bool has_inf = false;
      for (const auto& b : m.histogram.bucket) {
        bound.clear();
        AppendNumber(b.upper_bound, &bound);
        has_inf |= std::isinf(b.upper_bound);
        AppendLine(name, "_bucket", m, "le", bound, static_cast<double>(b.cumulative_count),
                   timestamp_ms, out);
      }
      if (!has_inf) {
        AppendLine(name, "_bucket", m, "le", "+Inf", static_cast<double>(m.histogram.sample_count),
                   timestamp_ms, out);
      }
      AppendLine(name, "_sum", m, {}, {}, m.histogram.sample_sum, timestamp_ms, out);
      AppendLine(name, "_count", m, {}, {}, static_cast<double>(m.histogram.sample_count),
                 timestamp_ms, out);
      break;
    }
    case MetricType::Summary:
      for (const auto& q : m.summary.quantile) {
        bound.clear();
        AppendNumber(q.quantile, &bound);
        AppendLine(name, "", m, "quantile", bound, q.value, timestamp_ms, out);
      }
      AppendLine(name, "_sum", m, {}, {}, m.summary.sample_sum, timestamp_ms, out);
      AppendLine(name, "_count", m, {}, {}, static_cast<double>(m.summary.sample_count),
                 timestamp_ms, out);
      break;
    default:
      AppendLine(name, "", m, {}, {}, m.untyped.value, timestamp_ms, out);
      break;
  }
}

ClientMetric ZeroedMetric(const ClientMetric& metric) {
  ClientMetric zero;
  zero.label = metric.label;
  zero.histogram.bucket = metric.histogram.bucket;
  for (auto& b : zero.histogram.bucket) b.cumulative_count = 0;
  for (const auto& q : metric.summary.quantile) zero.summary.quantile.push_back({q.quantile, 0});
  return zero;
}

std::string OpenMetricsLabels(const ClientMetric& metric) {
  std::string out;
  AppendLabels(metric, {}, {}, &out);
  return out;
}

}  // namespace bam::exporter
