#include "rulesvc/api/kpis_api.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "rulesvc/api/params.h"
#include "rulesvc/compiler/kpi_query.h"
#include "rulesvc/webhook/rfc3339.h"

namespace bam::rulesvc::api {
namespace {

using http::ApiRequest;
using http::ApiResponse;
using http::Principal;
using nlohmann::json;

constexpr int64_t kMinute = 60000, kHour = 3600000, kDay = 86400000;

struct Span {
  std::string text;
  int64_t ms;
};
const std::vector<Span> kRanges = {{"7d", 7 * kDay}, {"15d", 15 * kDay}, {"30d", 30 * kDay}};
const std::vector<Span> kSteps = {{"1m", kMinute}, {"1h", kHour}, {"1d", kDay}};

struct History {
  Span range;
  Span step;
};

StatusOr<Span> ParseSpan(const std::string& param, const std::string& value,
                         const std::vector<Span>& allowed) {
  std::string list;
  for (const Span& s : allowed) {
    if (s.text == value) return s;
    list += (list.empty() ? "" : ", ") + s.text;
  }
  return Status::InvalidArgument("query parameter \"" + param + "\": \"" + value +
                                 "\" is not supported; use one of " + list);
}

// range (or history) and step -> History, refusing more points than Prometheus answers.
StatusOr<History> ParseHistory(const std::string& range_param, const std::string& range_value,
                               const std::string& step_value) {
  auto range = ParseSpan(range_param, range_value, kRanges);
  if (!range.ok()) return range.status();
  auto step = ParseSpan("step", step_value, kSteps);
  if (!step.ok()) return step.status();
  const int64_t points = range->ms / step->ms + 1;
  if (points > enrich::kMaxRangePoints) {
    std::string fits;
    for (const Span& s : kSteps) {
      if (range->ms / s.ms + 1 <= enrich::kMaxRangePoints) {
        fits += (fits.empty() ? "" : " or ") + std::string("step=") + s.text;
      }
    }
    return Status::InvalidArgument(range_param + "=" + range->text + " with step=" + step->text +
                                   " is " + std::to_string(points) +
                                   " points; Prometheus returns at most " +
                                   std::to_string(enrich::kMaxRangePoints) + " per series: use " +
                                   fits + " (step=1m fits up to 7d)");
  }
  return History{*range, *step};
}

json Number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string CsvNumber(double v) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A threshold's number in the KPI's unit (a "%" on a ratio KPI, "s" on a ms KPI, ...).
double ThresholdValue(const Threshold& t, Unit unit) {
  const std::string& s = t.suffix;
  if (s == "%" && unit == Unit::kRatio) return t.value / 100;
  double ms = 0;
  if (s == "ms")
    ms = t.value;
  else if (s == "s")
    ms = t.value * 1000;
  else if (s == "min")
    ms = t.value * 60000;
  else if (s == "h")
    ms = t.value * 3600000;
  else
    return t.value;
  return unit == Unit::kSeconds ? ms / 1000 : unit == Unit::kMs ? ms : t.value;
}

bool Breaches(const Threshold& t, Unit unit, double v) {
  const double limit = ThresholdValue(t, unit);
  switch (t.op) {
    case Threshold::Op::kLt:
      return v < limit;
    case Threshold::Op::kLe:
      return v <= limit;
    case Threshold::Op::kGt:
      return v > limit;
    case Threshold::Op::kGe:
      return v >= limit;
  }
  return false;
}

json ThresholdJson(const std::optional<Threshold>& t, Unit unit) {
  if (!t) return nullptr;
  return {{"op", std::string(Threshold::OpText(t->op))}, {"value", ThresholdValue(*t, unit)}};
}

json Points(const enrich::RangeSeries& s) {
  json points = json::array();
  for (const auto& [t, v] : s.points) points.push_back({FormatRfc3339Millis(t), Number(v)});
  return points;
}

ApiResponse BadRequest(const std::string& message) {
  return ApiResponse::Error(400, "invalid_argument", message);
}

// A Prometheus error for a response: unavailable -> 503; a query Prometheus refused is the
// catalog's problem, not the caller's -> 500.
ApiResponse PrometheusError(const Status& s) {
  if (s.code() == StatusCode::kUnavailable) {
    return ApiResponse::Error(503, "unavailable", "prometheus is unavailable: " + s.message());
  }
  return ApiResponse::Error(500, "query_rejected",
                            "prometheus rejected the KPI's query: " + s.message());
}

ApiResponse NoCatalog() { return ApiResponse::Error(503, "unavailable", "no catalog is loaded"); }

ApiResponse UnknownKpi(const Catalog& catalog, const std::string& id) {
  std::string message = "unknown KPI \"" + id + "\"";
  const Kpi* best = nullptr;
  size_t best_distance = 0;
  for (const Kpi& k : catalog.kpis) {
    size_t d = EditDistance(id, k.id);
    if (best == nullptr || d < best_distance) {
      best = &k;
      best_distance = d;
    }
  }
  if (best != nullptr) message += "; did you mean \"" + best->id + "\"?";
  return ApiResponse::Error(404, "not_found", message);
}

// The KPI's JSON without Prometheus figures (value null, status unknown).
json KpiJson(const Kpi& k) {
  return {{"id", k.id},
          {"name", k.name.empty() ? k.id : k.name},
          {"description", k.description},
          {"unit", std::string(UnitName(k.unit))},
          {"owner", k.owner},
          {"by", k.by},
          {"promql", KpiAggregateQuery(k)},
          {"value", nullptr},
          {"status", "unknown"},
          {"thresholds",
           {{"warning", ThresholdJson(k.warning, k.unit)},
            {"critical", ThresholdJson(k.critical, k.unit)}}}};
}

// Fills value/status (and history) into `out`. Returns the first kUnavailable status (the caller
// decides between 503 and degraded); other query errors are reported in the KPI's "error".
Status AddFigures(const Kpi& k, enrich::PrometheusClient* prometheus, int64_t now_ms,
                  std::chrono::milliseconds timeout, const std::optional<History>& history,
                  json* out) {
  const std::string query = KpiAggregateQuery(k);
  auto r = prometheus->Query(query, now_ms, timeout);
  (*out)["evaluated_at"] = FormatRfc3339Millis(prometheus->RoundTime(now_ms));
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kUnavailable) return r.status();
    (*out)["error"] = r.status().message();
  } else {
    std::optional<double> value;
    if (r->type == enrich::QueryResult::Type::kScalar) {
      value = r->scalar;
    } else if (r->samples.size() == 1) {
      value = r->samples[0].value;
    } else if (r->samples.size() > 1) {
      // An expr KPI that keeps labels: no single value; each series is listed.
      json series = json::array();
      for (const enrich::Sample& s : r->samples) {
        series.push_back({{"labels", s.labels}, {"value", Number(s.value)}});
      }
      (*out)["series"] = std::move(series);
    }
    if (value && !std::isfinite(*value)) value.reset();
    (*out)["value"] = value ? json(*value) : json(nullptr);
    (*out)["status"] = KpiStatus(k, value);
  }
  if (history) {
    const int64_t end = now_ms - now_ms % history->step.ms;
    const int64_t start = end - history->range.ms;
    json h = {{"range", history->range.text},
              {"step", history->step.text},
              {"start", FormatRfc3339Millis(start)},
              {"end", FormatRfc3339Millis(end)},
              {"points", json::array()}};
    auto range = prometheus->QueryRange(query, start, end, history->step.ms, timeout);
    if (!range.ok()) {
      if (range.status().code() == StatusCode::kUnavailable) return range.status();
      h["error"] = range.status().message();
    } else if (range->series.size() == 1) {
      h["points"] = Points(range->series[0]);
    } else if (range->series.size() > 1) {
      json series = json::array();
      for (const auto& s : range->series) {
        series.push_back({{"labels", s.labels}, {"points", Points(s)}});
      }
      h["series"] = std::move(series);
    }
    (*out)["history"] = std::move(h);
  }
  return Status();
}

// history/step of /bam/kpis and /bam/kpis/{id}: nullopt without `history`.
StatusOr<std::optional<History>> HistoryParams(const ApiRequest& req) {
  if (Status s = CheckKnownParams(req, {"history", "step"}); !s.ok()) return s;
  const std::string range = req.Query("history");
  const std::string step = req.Query("step");
  if (range.empty()) {
    if (!step.empty()) {
      return Status::InvalidArgument(
          "query parameter \"step\" needs \"history\", e.g. "
          "?history=7d&step=1h");
    }
    return std::optional<History>();
  }
  auto h = ParseHistory("history", range, step.empty() ? "1h" : step);
  if (!h.ok()) return h.status();
  return std::optional<History>(*h);
}

}  // namespace

std::string KpiAggregateQuery(const Kpi& kpi) {
  if (kpi.kind == KpiKind::kExpr) return kpi.expr.text;
  return KpiValueExpr(kpi, {});
}

std::string KpiStatus(const Kpi& kpi, std::optional<double> value) {
  if (!value || !std::isfinite(*value) || (!kpi.warning && !kpi.critical)) return "unknown";
  if (kpi.critical && Breaches(*kpi.critical, kpi.unit, *value)) return "red";
  if (kpi.warning && Breaches(*kpi.warning, kpi.unit, *value)) return "orange";
  return "green";
}

KpisApi::KpisApi(Options options) : options_(std::move(options)) {}

int64_t KpisApi::Now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ApiResponse KpisApi::HandleList(const ApiRequest& req, const Principal&) const {
  auto history = HistoryParams(req);
  if (!history.ok()) return BadRequest(history.status().message());
  std::shared_ptr<const Catalog> catalog = options_.catalog();
  if (!catalog) return NoCatalog();
  const int64_t now = Now();
  json kpis = json::array();
  Status unavailable;
  for (const Kpi& k : catalog->kpis) {
    json j = KpiJson(k);
    // After the first failure the others are not asked: one timeout, not one per KPI.
    if (unavailable.ok()) {
      unavailable = AddFigures(k, options_.prometheus, now, options_.timeout, *history, &j);
      if (!unavailable.ok()) {
        j = KpiJson(k);
        // KPIs filled before the failure keep their figures; this one and the rest have none.
      }
    }
    kpis.push_back(std::move(j));
  }
  json body = {{"kpis", std::move(kpis)},
               {"evaluated_at", FormatRfc3339Millis(options_.prometheus->RoundTime(now))},
               {"unavailable", unavailable.ok()
                                   ? json(nullptr)
                                   : json("prometheus is unavailable: " + unavailable.message())}};
  return ApiResponse::Json(200, body.dump());
}

ApiResponse KpisApi::HandleGet(const ApiRequest& req, const Principal&) const {
  auto history = HistoryParams(req);
  if (!history.ok()) return BadRequest(history.status().message());
  std::shared_ptr<const Catalog> catalog = options_.catalog();
  if (!catalog) return NoCatalog();
  auto it = req.path_params.find("id");
  const std::string id = it == req.path_params.end() ? std::string() : it->second;
  const Kpi* kpi = catalog->FindKpi(id);
  if (kpi == nullptr) return UnknownKpi(*catalog, id);
  json j = KpiJson(*kpi);
  if (Status s = AddFigures(*kpi, options_.prometheus, Now(), options_.timeout, *history, &j);
      !s.ok()) {
    return PrometheusError(s);
  }
  return ApiResponse::Json(200, j.dump());
}

ApiResponse KpisApi::HandleExport(const ApiRequest& req, const Principal&) const {
  if (Status s = CheckKnownParams(req, {"format", "range", "step"}); !s.ok()) {
    return BadRequest(s.message());
  }
  const std::string format = req.Query("format").empty() ? "csv" : req.Query("format");
  if (format != "csv") {
    return BadRequest("query parameter \"format\": \"" + format +
                      "\" is not supported; use format=csv");
  }
  const std::string range_text = req.Query("range").empty() ? "7d" : req.Query("range");
  auto history =
      ParseHistory("range", range_text, req.Query("step").empty() ? "1h" : req.Query("step"));
  if (!history.ok()) return BadRequest(history.status().message());
  std::shared_ptr<const Catalog> catalog = options_.catalog();
  if (!catalog) return NoCatalog();
  auto it = req.path_params.find("id");
  const std::string id = it == req.path_params.end() ? std::string() : it->second;
  const Kpi* kpi = catalog->FindKpi(id);
  if (kpi == nullptr) return UnknownKpi(*catalog, id);

  const int64_t now = Now();
  const int64_t end = now - now % history->step.ms;
  const int64_t start = end - history->range.ms;
  auto range = options_.prometheus->QueryRange(KpiAggregateQuery(*kpi), start, end,
                                               history->step.ms, options_.timeout);
  if (!range.ok()) return PrometheusError(range.status());

  // Label columns: the union of the series' labels, sorted (none for an aggregate KPI).
  std::set<std::string> label_names;
  for (const auto& s : range->series) {
    for (const auto& [name, value] : s.labels) label_names.insert(name);
  }
  std::string csv = "time";
  for (const std::string& name : label_names) csv += "," + CsvField(name);
  csv += ",value\r\n";
  for (const auto& s : range->series) {
    std::string labels;
    for (const std::string& name : label_names) {
      auto l = s.labels.find(name);
      labels += "," + CsvField(l == s.labels.end() ? std::string() : l->second);
    }
    for (const auto& [t, v] : s.points) {
      csv += FormatRfc3339Millis(t) + labels + "," + CsvNumber(v) + "\r\n";
    }
  }
  ApiResponse r = ApiResponse::Json(200, std::move(csv));
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + kpi->id + "-" +
                                                    history->range.text + ".csv\"");
  return r;
}

}  // namespace bam::rulesvc::api
