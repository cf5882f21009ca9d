// `metrics:` — what each metric counts, with per-type field rules and name checks that keep
// prometheus-cpp from ever throwing on the hot path.
#include <prometheus/check_names.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "exporter/config/config_parts.h"

namespace bam::exporter::config_internal {
namespace {

const std::vector<std::string> kMetricFields = {
    "name",       "type",    "help", "sources", "when",  "value", "each",    "labels",
    "max_series", "buckets", "key",  "window",  "start", "end",   "timeout", "expire_after"};
const std::vector<std::string> kTypes = {"counter", "gauge", "histogram", "unique", "duration"};

// Fields that only some types take; every other field applies to all types.
struct TypedField {
  const char* name;
  std::vector<MetricType> types;
  const char* types_text;
};
const std::vector<TypedField> kTypedFields = {
    {"value",
     {MetricType::kCounter, MetricType::kGauge, MetricType::kHistogram},
     "counter, gauge and histogram"},
    {"each",
     {MetricType::kCounter, MetricType::kGauge, MetricType::kHistogram},
     "counter, gauge and histogram"},
    {"buckets", {MetricType::kHistogram, MetricType::kDuration}, "histogram and duration"},
    {"key", {MetricType::kUnique, MetricType::kDuration}, "unique and duration"},
    {"window", {MetricType::kUnique}, "unique"},
    {"start", {MetricType::kDuration}, "duration"},
    {"end", {MetricType::kDuration}, "duration"},
    {"timeout", {MetricType::kDuration}, "duration"},
};

struct Required {
  MetricType type;
  const char* field;
  const char* hint;
};
const std::vector<Required> kRequired = {
    {MetricType::kGauge, "value", "value: <expression>, the number the gauge is set to"},
    {MetricType::kHistogram, "value", "value: <expression>, the number to observe"},
    {MetricType::kUnique, "key", "key: user_id, the value counted once per window"},
    {MetricType::kUnique, "window", "window: 24h"},
    {MetricType::kDuration, "key", "key: order_id, the id that pairs start and end lines"},
    {MetricType::kDuration, "start", "start: event == \"order_created\""},
    {MetricType::kDuration, "end", "end: event == \"order_shipped\""},
    {MetricType::kDuration, "timeout", "timeout: 72h"},
};

// Names a metric puts into the exposition, beyond its own.
std::vector<std::string> ExportedNames(const std::string& name, MetricType type) {
  std::vector<std::string> out = {name};
  if (type == MetricType::kHistogram || type == MetricType::kDuration) {
    for (const char* s : {"_bucket", "_sum", "_count"}) out.push_back(name + s);
  }
  if (type == MetricType::kDuration) {
    out.push_back(name + "_orphans_total");
    out.push_back(name + "_timeouts_total");
    out.push_back(name + "_evictions_total");
    out.push_back(name + "_clock_skew_total");
  }
  return out;
}

// `name` with every character Prometheus rejects replaced by '_'.
std::string Sanitized(const std::string& name, bool allow_colon) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || (allow_colon && c == ':');
    out += ok ? c : '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out.insert(0, "_");
  while (out.starts_with("__")) out.erase(0, 1);
  return out;
}

class MetricParser {
 public:
  MetricParser(YamlReader* r, const std::vector<SourceConfig>& sources) : r_(r) {
    for (const SourceConfig& s : sources) {
      if (!s.name.empty()) source_names_.push_back(s.name);
    }
  }

  MetricConfig Parse(const Field& f) {
    MetricConfig m;
    m.pos = f.pos;
    m.path = f.path;
    MapFields fields(r_, f, &kMetricFields);
    if (!fields.ok()) return m;

    std::optional<size_t> type;
    if (const Field* t = fields.Get("type")) {
      type = r_->Enum(*t, "metric type", kTypes);
      if (type) m.type = static_cast<MetricType>(*type);
    } else {
      r_->Error(f, "missing required field \"type\"",
                "type: counter (or " + JoinNames({kTypes.begin() + 1, kTypes.end()}) + ")");
    }
    ParseName(f, fields, type.has_value(), &m);
    if (const Field* help = fields.Get("help")) m.help = r_->String(*help).value_or("");
    if (const Field* srcs = fields.Get("sources")) ParseSourceRefs(*srcs, &m);
    if (const Field* when = fields.Get("when")) Expr(*when, &m.when);
    if (const Field* labels = fields.Get("labels")) ParseLabels(*labels, type.has_value(), &m);
    if (const Field* max = fields.Get("max_series"))
      m.max_series = r_->PositiveInt(*max).value_or(0);
    if (const Field* expire = fields.Get("expire_after")) {
      if (type && m.type == MetricType::kDuration) {
        r_->Error(expire->key_pos, expire->path,
                  "\"expire_after\" does not apply to duration metrics",
                  "removing it (pending starts end by `timeout`; the histogram's series stay)");
      }
      m.expire_after_ms = r_->PositiveDuration(*expire).value_or(0);
    }

    for (const TypedField& tf : kTypedFields) {
      const Field* v = fields.Get(tf.name);
      if (v == nullptr) continue;
      if (type && std::find(tf.types.begin(), tf.types.end(), m.type) == tf.types.end()) {
        r_->Error(
            v->key_pos, v->path,
            "\"" + std::string(tf.name) + "\" does not apply to " + kTypes[*type] + " metrics",
            "removing it (" + std::string(tf.name) + " is for " + tf.types_text + " metrics)");
        continue;
      }
      ParseTyped(tf.name, *v, &m);
    }
    if (type) {
      for (const Required& req : kRequired) {
        if (req.type == m.type && fields.Get(req.field) == nullptr) {
          r_->Error(f,
                    "missing required field \"" + std::string(req.field) +
                        "\" (type: " + kTypes[*type] + ")",
                    req.hint);
        }
      }
    }
    if (type) CheckRepeat(fields, m);
    return m;
  }

 private:
  struct FirstMapping {
    std::string path;
    MetricType type;
    std::vector<std::string> labels;  // sorted
    std::vector<double> buckets;
  };

  // The first mapping of a name is remembered; a later mapping of the same name must have the same
  // type, label names and buckets, since they feed one metric family.
  void CheckRepeat(const MapFields& fields, const MetricConfig& m) {
    if (m.name.empty()) return;
    std::vector<std::string> labels;
    for (const LabelConfig& l : m.labels) labels.push_back(l.name);
    std::sort(labels.begin(), labels.end());
    auto it = first_.find(m.name);
    if (it == first_.end()) {
      first_.emplace(m.name, FirstMapping{m.path, m.type, labels, m.buckets});
      return;
    }
    const FirstMapping& first = it->second;
    if (first.path == m.path || first.type != m.type) return;  // reported by ParseName
    const Field* name = fields.Get("name");
    if (first.labels != labels) {
      r_->Error(
          *name,
          "metric \"" + m.name + "\" is also fed by " + first.path + " with other label names",
          "the same label names in every mapping of a metric, or another name");
    } else if (first.buckets != m.buckets) {
      r_->Error(*name,
                "metric \"" + m.name + "\" is also fed by " + first.path + " with other buckets",
                "the same buckets in every mapping of a metric, or another name");
    }
  }

  std::map<std::string, FirstMapping> first_;

  void Expr(const Field& f, ExprText* out) {
    if (auto e = ReadExpr(r_, f)) *out = *e;
  }

  void ParseName(const Field& f, const MapFields& fields, bool type_known, MetricConfig* m) {
    const Field* name = fields.Get("name");
    if (name == nullptr) {
      r_->Error(f, "missing required field \"name\"", "name: bam_orders_total");
      return;
    }
    auto n = r_->String(*name, /*allow_empty=*/false);
    if (!n) return;
    m->name = *n;
    if (!prometheus::CheckMetricName(*n)) {
      r_->Error(*name, "invalid metric name \"" + *n + "\"", "\"" + Sanitized(*n, true) + "\"");
      return;
    }
    if (n->starts_with("bam_exporter_")) {
      r_->Error(*name,
                "metric names starting with \"bam_exporter_\" are reserved for the "
                "exporter's own metrics",
                "another prefix, such as \"bam_\"");
      return;
    }
    if (!type_known) return;
    // Several mappings may feed one counter, gauge or histogram (mtail's programs do this, e.g. one
    // rule per `subtotal` label value); CheckRepeat() makes sure they agree.
    if (first_.count(*n) != 0 && m->type != MetricType::kUnique &&
        m->type != MetricType::kDuration && first_.at(*n).type == m->type) {
      return;
    }
    for (const std::string& exported : ExportedNames(*n, m->type)) {
      auto [it, inserted] = exported_.emplace(exported, m->path);
      if (inserted) continue;
      std::string what = exported == *n ? "metric name \"" + *n + "\""
                                        : "\"" + exported + "\" (exported by this " +
                                              kTypes[static_cast<size_t>(m->type)] + ")";
      r_->Error(*name, what + " is already used by " + it->second, "a unique name");
      break;
    }
  }

  void ParseSourceRefs(const Field& f, MetricConfig* m) {
    auto items = r_->List(f);
    if (!items) return;
    if (items->empty()) r_->Error(f, "empty list", "leaving out \"sources\" to read every source");
    for (const Field& item : *items) {
      auto s = r_->String(item, /*allow_empty=*/false);
      if (!s) continue;
      if (std::find(source_names_.begin(), source_names_.end(), *s) == source_names_.end()) {
        r_->Error(item, "unknown source \"" + *s + "\"", DidYouMean(*s, source_names_));
      } else if (std::find(m->sources.begin(), m->sources.end(), *s) != m->sources.end()) {
        r_->Error(item, "source \"" + *s + "\" is listed twice");
      } else {
        m->sources.push_back(*s);
      }
    }
  }

  void ParseLabels(const Field& f, bool type_known, MetricConfig* m) {
    MapFields labels(r_, f, /*allowed=*/nullptr);
    for (const auto& [name, value] : labels.all()) {
      if (name.starts_with("__")) {
        r_->Error(value.key_pos, value.path, "label names starting with \"__\" are reserved",
                  "\"" + Sanitized(name, false) + "\"");
      } else if (!prometheus::CheckLabelName(name)) {
        r_->Error(value.key_pos, value.path, "invalid label name \"" + name + "\"",
                  "\"" + Sanitized(name, false) + "\"");
      } else if (name == "le" && type_known &&
                 (m->type == MetricType::kHistogram || m->type == MetricType::kDuration)) {
        r_->Error(value.key_pos, value.path, "label \"le\" is reserved for histogram buckets",
                  "another name, such as \"limit\"");
      }
      LabelConfig label;
      label.name = name;
      label.pos = value.key_pos;
      Expr(value, &label.expr);
      m->labels.push_back(std::move(label));
    }
  }

  void ParseBuckets(const Field& f, MetricConfig* m) {
    auto items = r_->List(f);
    if (!items) return;
    if (items->empty()) {
      r_->Error(f, "empty list", "leaving out \"buckets\" for the default ones");
      return;
    }
    std::vector<std::pair<double, std::string>> bounds;  // every finite bound, as written
    const Field* disorder = nullptr;
    std::string disorder_message;
    bool ok = true;
    for (const Field& item : *items) {
      const std::string text = item.node.IsScalar() ? item.node.Scalar() : "";
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      bool number = item.node.IsScalar() && !text.empty() && ec == std::errc() &&
                    end == text.data() + text.size();
      if (!number && !LooksInfinite(text)) {
        r_->Error(item, "expected a number, found " + YamlReader::Describe(item.node));
        ok = false;
        continue;
      }
      if (!number || !std::isfinite(v)) {
        r_->Error(item, "bucket bounds must be finite, found " + YamlReader::Describe(item.node),
                  "leaving it out; the +Inf bucket is always added");
        ok = false;
        continue;
      }
      if (!bounds.empty() && v <= bounds.back().first && disorder == nullptr) {
        disorder = &item;
        disorder_message = "buckets must be strictly increasing; " + text +
                           (v == bounds.back().first ? " repeats " : " follows ") +
                           bounds.back().second;
      }
      bounds.emplace_back(v, text);
    }
    if (disorder != nullptr) {
      auto sorted = bounds;
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      sorted.erase(std::unique(sorted.begin(), sorted.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   sorted.end());
      std::string fixed;
      for (const auto& bound : sorted) fixed += (fixed.empty() ? "" : ", ") + bound.second;
      r_->Error(*disorder, disorder_message, "buckets: [" + fixed + "]");
      ok = false;
    }
    if (ok) {
      for (const auto& bound : bounds) m->buckets.push_back(bound.first);
    }
  }

  static bool LooksInfinite(const std::string& text) {
    std::string low;
    for (char c : text) low += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return low.find("inf") != std::string::npos || low.find("nan") != std::string::npos;
  }

  void ParseTyped(const std::string& name, const Field& v, MetricConfig* m) {
    if (name == "value") Expr(v, &m->value);
    if (name == "each") Expr(v, &m->each);
    if (name == "key") Expr(v, &m->key);
    if (name == "start") Expr(v, &m->start);
    if (name == "end") Expr(v, &m->end);
    if (name == "buckets") ParseBuckets(v, m);
    if (name == "window") m->window_ms = r_->PositiveDuration(v).value_or(0);
    if (name == "timeout") m->timeout_ms = r_->PositiveDuration(v).value_or(0);
  }

  YamlReader* r_;
  std::vector<std::string> source_names_;
  std::map<std::string, std::string> exported_;  // exported name -> path of the metric using it
};

}  // namespace

std::vector<MetricConfig> ParseMetrics(YamlReader* r, const Field& list,
                                       const std::vector<SourceConfig>& sources) {
  std::vector<MetricConfig> out;
  auto items = r->List(list);
  if (!items) return out;
  if (items->empty()) r->Error(list, "at least one metric is required");
  MetricParser parser(r, sources);
  for (const Field& item : *items) out.push_back(parser.Parse(item));
  return out;
}

}  // namespace bam::exporter::config_internal
