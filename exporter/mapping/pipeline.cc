#include "exporter/mapping/pipeline.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "exporter/expr/expr.h"
#include "exporter/expr/lookup_table.h"
#include "exporter/parsers/parser.h"
#include "exporter/parsers/timestamp.h"
#include "exporter/store/duration_metric.h"
#include "exporter/store/unique_metric.h"

namespace bam::exporter {

// One metric of the config, compiled. Shared by every source it applies to.
class CompiledMetric {
 public:
  MetricStore::MetricId id = 0;
  std::string name;
  std::unique_ptr<CompiledExpr> when;
  std::unique_ptr<CompiledExpr> value;  // null: add 1
  std::unique_ptr<CompiledExpr> each;   // null: once per line
  std::vector<std::unique_ptr<CompiledExpr>> labels;
  // unique and duration metrics (type kUnique / kDuration) are kept outside the MetricStore.
  MetricType type = MetricType::kCounter;
  std::unique_ptr<CompiledExpr> key, start, end;
  std::unique_ptr<UniqueMetric> unique;
  std::unique_ptr<DurationMetric> duration;
};

struct SourceProcessor::State {
  std::unique_ptr<Parser> parser;
  SourceStats stats;
  MetricStore* store = nullptr;
  std::vector<const CompiledMetric*> metrics;
  EvalScratch scratch;
  std::vector<std::string_view> label_values;
  // Per line: which rejection reasons were already counted (each counts once per line).
  bool bad_value = false;
  bool negative = false;
  const char* last_rejection = "";  // reason of the last line, "" when counted
  // Time, for unique and duration metrics only (needs_time): the line's `timestamp` when the
  // source has one, else the arrival time from the pipeline's clock.
  bool needs_time = false;
  bool has_timestamp = false;
  FieldPath timestamp_field;
  TimestampLayout timestamp_layout;
  prometheus::Counter* bad_timestamp = nullptr;
  const std::function<int64_t()>* clock = nullptr;
  std::atomic<int64_t>* max_event_ms = nullptr;
  std::function<void(int64_t)> time_observer;  // --backfill only

  // Sets *stamped when the time is the line's own `timestamp`.
  int64_t LineTime(const Record& rec, bool* stamped);
  void Apply(const CompiledMetric& m, const Record& rec, const Value* item, int64_t now_ms);
  void ApplyKeyed(const CompiledMetric& m, const Record& rec, int64_t now_ms);
};

int64_t SourceProcessor::State::LineTime(const Record& rec, bool* stamped) {
  if (has_timestamp) {
    int64_t ms = 0;
    if (timestamp_layout.ToUnixMillis(rec.Get(timestamp_field), &ms)) {
      *stamped = true;
      int64_t seen = max_event_ms->load(std::memory_order_relaxed);
      while (ms > seen && !max_event_ms->compare_exchange_weak(seen, ms)) {
      }
      return ms;
    }
    // Registered only for sources with unique or duration metrics (a backfill observer also asks).
    if (bad_timestamp != nullptr) bad_timestamp->Increment();
  }
  return (*clock)();
}

SourceProcessor::SourceProcessor() : state_(std::make_unique<State>()) {}
SourceProcessor::~SourceProcessor() = default;

void SourceProcessor::OnTooLong() {
  state_->stats.lines_read->Increment();
  state_->stats.Reject(RejectReason::kTooLong);
  state_->last_rejection = RejectReasonName(RejectReason::kTooLong);
}

std::string_view SourceProcessor::LastRejection() const { return state_->last_rejection; }

void SourceProcessor::set_time_observer(std::function<void(int64_t)> observer) {
  state_->time_observer = std::move(observer);
}

void SourceProcessor::OnLine(std::string_view line) {
  State& s = *state_;
  s.stats.lines_read->Increment();
  const Record* rec = s.parser->Parse(line);
  if (rec == nullptr) {
    s.stats.Reject(RejectReason::kParseError);
    s.last_rejection = RejectReasonName(RejectReason::kParseError);
    return;
  }
  s.last_rejection = "";
  s.bad_value = false;
  s.negative = false;
  const bool observed = static_cast<bool>(s.time_observer);
  bool stamped = false;
  const int64_t now_ms = s.needs_time || observed ? s.LineTime(*rec, &stamped) : 0;
  if (observed && stamped) s.time_observer(now_ms);
  for (const CompiledMetric* m : s.metrics) {
    s.scratch.Reset();
    if (m->unique != nullptr || m->duration != nullptr) {
      s.ApplyKeyed(*m, *rec, now_ms);
      continue;
    }
    if (m->each == nullptr) {
      s.Apply(*m, *rec, nullptr, now_ms);
      continue;
    }
    Value list = m->each->Eval(*rec, nullptr, &s.scratch);
    if (list.kind != ValueKind::kArray) continue;
    const size_t n = rec->ArrayLength(list);
    for (size_t i = 0; i < n; ++i) {
      Value item = rec->Element(list, i);
      s.Apply(*m, *rec, &item, now_ms);
    }
  }
  if (s.bad_value) {
    s.stats.Reject(RejectReason::kBadValue);
    s.last_rejection = RejectReasonName(RejectReason::kBadValue);
  }
  if (s.negative) {
    s.stats.Reject(RejectReason::kNegativeValue);
    s.last_rejection = RejectReasonName(RejectReason::kNegativeValue);
  }
}

void SourceProcessor::State::ApplyKeyed(const CompiledMetric& m, const Record& rec,
                                        int64_t now_ms) {
  if (m.when != nullptr && !m.when->EvalBool(rec, nullptr, &scratch)) return;
  std::string_view key;
  if (!m.key->EvalLabel(rec, nullptr, &scratch, &key) || key.empty()) return;
  const bool is_start = m.start != nullptr && m.start->EvalBool(rec, nullptr, &scratch);
  const bool is_end = m.end != nullptr && m.end->EvalBool(rec, nullptr, &scratch);
  if (m.duration != nullptr && !is_start && !is_end) return;
  for (size_t i = 0; i < m.labels.size(); ++i) {
    if (!m.labels[i]->EvalLabel(rec, nullptr, &scratch, &label_values[i])) label_values[i] = {};
  }
  std::span<const std::string_view> labels(label_values.data(), m.labels.size());
  if (m.unique != nullptr) {
    m.unique->Add(labels, key, now_ms);
    return;
  }
  if (is_start) m.duration->Start(labels, key, now_ms);
  if (is_end) m.duration->End(key, now_ms);
}

void SourceProcessor::State::Apply(const CompiledMetric& m, const Record& rec, const Value* item,
                                   int64_t /*now_ms*/) {
  if (m.when != nullptr && !m.when->EvalBool(rec, item, &scratch)) return;
  double v = 1;
  if (m.value != nullptr && !m.value->EvalNumber(rec, item, &scratch, &v)) {
    bad_value = true;
    return;
  }
  for (size_t i = 0; i < m.labels.size(); ++i) {
    if (!m.labels[i]->EvalLabel(rec, item, &scratch, &label_values[i])) label_values[i] = {};
  }
  if (store->Update(m.id, std::span(label_values.data(), m.labels.size()), v) ==
      MetricStore::UpdateStatus::kNegative) {
    negative = true;
  }
}

Pipeline::Pipeline() : clock_(&Pipeline::WallClockMillis) {}

int64_t Pipeline::WallClockMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Pipeline::set_clock(std::function<int64_t()> clock) { clock_ = std::move(clock); }

void Pipeline::Refresh(int64_t now_ms) {
  store_->Expire(now_ms);
  for (const auto& m : metrics_) {
    if (m->unique != nullptr) m->unique->Refresh(now_ms);
    if (m->duration != nullptr) m->duration->Sweep(now_ms);
  }
}
Pipeline::~Pipeline() = default;

namespace {

// Where byte `offset` of an expression lies in the file. An expression spanning lines (a YAML
// block scalar) continues at the indentation of its first line.
Position Offset(const ExprText& text, size_t offset) {
  offset = std::min(offset, text.text.size());
  Position pos = text.pos;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text.text[i] == '\n') {
      ++pos.line;
      line_start = i + 1;
    }
  }
  pos.column = text.pos.column + static_cast<int>(offset - line_start);
  return pos;
}

// Compiles one expression field, reporting errors at their place in the file.
std::unique_ptr<CompiledExpr> Compile(const Config& config, const ExprText& text,
                                      const ExprOptions& options, DiagnosticList* diags) {
  std::vector<ExprError> errors;
  auto expr = CompileExpr(text.text, options, &errors);
  for (const auto& e : errors) {
    diags->Add(config.file, Offset(text, e.offset), text.path, e.message, e.hint);
  }
  if (expr == nullptr && errors.empty()) {
    diags->Add(config.file, text.pos, text.path, "invalid expression");
  }
  return expr;
}

// The metric's help, or — since Prometheus tooling (promtool check metrics) wants a HELP text —
// where the metric is defined.
std::string HelpText(const Config& config, const MetricConfig& mc) {
  if (!mc.help.empty()) return mc.help;
  return "bam-exporter metric defined at " + config.file + ":" + std::to_string(mc.pos.line) + ".";
}

MetricSpec::Kind SpecKind(MetricType type) {
  switch (type) {
    case MetricType::kGauge:
      return MetricSpec::Kind::kGauge;
    case MetricType::kHistogram:
      return MetricSpec::Kind::kHistogram;
    default:
      return MetricSpec::Kind::kCounter;
  }
}

}  // namespace

std::unique_ptr<Pipeline> Pipeline::Build(
    const Config& config, MetricStore* store, SelfMetrics* self, DiagnosticList* diags,
    std::vector<std::string>* /*warnings: none at the moment*/) {
  std::unique_ptr<Pipeline> p(new Pipeline);
  p->store_ = store;

  // Lookup tables first: expressions resolve lookup("name", …) against them at compile time.
  std::map<std::string, const LookupTable*, std::less<>> tables;
  for (const auto& l : config.lookups) {
    auto table = std::make_unique<LookupTable>();
    std::string error;
    if (!LookupTable::Load(l.csv, l.key, l.value, l.default_value, table.get(), &error)) {
      diags->Add(config.file, l.pos, l.path + ".csv", l.csv_as_written + ": " + error);
      // Keep an empty stand-in so expressions using the table still compile and report their own
      // errors, not a confusing "unknown table".
      *table = LookupTable();
    }
    tables[l.name] = table.get();
    p->tables_.push_back(std::move(table));
  }
  ExprOptions options;
  options.find_table = [&tables](std::string_view name) -> const LookupTable* {
    auto it = tables.find(name);
    return it == tables.end() ? nullptr : it->second;
  };

  // Metrics: compile expressions, declare in the store.
  std::vector<std::vector<const CompiledMetric*>> by_source(config.sources.size());
  for (const auto& mc : config.metrics) {
    ExprOptions metric_options = options;
    metric_options.allow_item = !mc.each.empty();
    bool ok = true;
    auto compile = [&](const ExprText& text) -> std::unique_ptr<CompiledExpr> {
      if (text.empty()) return nullptr;
      auto e = Compile(config, text, metric_options, diags);
      if (e == nullptr) ok = false;
      return e;
    };
    if (mc.type == MetricType::kUnique || mc.type == MetricType::kDuration) {
      auto m = std::make_unique<CompiledMetric>();
      m->name = mc.name;
      m->type = mc.type;
      m->when = compile(mc.when);
      m->key = compile(mc.key);
      m->start = compile(mc.start);
      m->end = compile(mc.end);
      std::vector<std::string> label_names;
      for (const auto& label : mc.labels) {
        label_names.push_back(label.name);
        m->labels.push_back(compile(label.expr));
      }
      if (!ok || !diags->empty()) continue;
      const std::string help = HelpText(config, mc);
      if (mc.type == MetricType::kUnique) {
        UniqueMetricOptions o;
        o.name = mc.name;
        o.help = help;
        o.label_names = label_names;
        o.window_ms = mc.window_ms;
        o.max_series = mc.max_series;
        o.expire_after_ms = mc.expire_after_ms;
        m->unique = std::make_unique<UniqueMetric>(store->registry(), self, o);
      } else {
        DurationMetricOptions o;
        o.name = mc.name;
        o.help = help;
        o.label_names = label_names;
        o.buckets = mc.buckets;
        o.timeout_ms = mc.timeout_ms;
        o.max_series = mc.max_series;
        m->duration = std::make_unique<DurationMetric>(store->registry(), self, o);
      }
      for (size_t i = 0; i < config.sources.size(); ++i) {
        bool applies = mc.sources.empty();
        for (const auto& src : mc.sources) applies |= (src == config.sources[i].name);
        if (applies) by_source[i].push_back(m.get());
      }
      p->metrics_.push_back(std::move(m));
      continue;
    }
    auto m = std::make_unique<CompiledMetric>();
    m->name = mc.name;
    if (!mc.each.empty()) {
      ExprOptions each_options = options;  // `each:` itself is evaluated outside the items
      m->each = Compile(config, mc.each, each_options, diags);
      if (m->each == nullptr) ok = false;
    }
    m->when = compile(mc.when);
    m->value = compile(mc.value);
    MetricSpec spec;
    spec.name = mc.name;
    spec.help = HelpText(config, mc);
    spec.kind = SpecKind(mc.type);
    spec.buckets = mc.buckets;
    spec.max_series = mc.max_series;
    spec.expire_after_ms = mc.expire_after_ms;
    for (const auto& label : mc.labels) {
      spec.label_names.push_back(label.name);
      m->labels.push_back(compile(label.expr));
    }
    if (!ok) continue;
    // Register only while everything so far (including the config loader's checks, which may have
    // passed us a partial config) is valid: the store is discarded otherwise, and prometheus-cpp
    // would throw on a name the loader rejected.
    if (!diags->empty()) continue;
    MetricStore::MetricId existing;
    if (store->Find(spec.name, &existing)) {
      // Another mapping feeds the same metric (the loader checked type, labels and buckets agree).
      // Put this mapping's label expressions in the order the metric was declared with.
      const MetricSpec& first = store->spec(existing);
      const auto& names = first.label_names;
      bool same = first.kind == spec.kind && names.size() == spec.label_names.size() &&
                  first.buckets == spec.buckets;
      for (const auto& n : spec.label_names) {
        same = same && std::find(names.begin(), names.end(), n) != names.end();
      }
      if (!same) {
        diags->Add(config.file, mc.pos, mc.path + ".name",
                   "metric \"" + mc.name +
                       "\" is fed by another mapping with a different type, "
                       "label names or buckets",
                   "the same type, label names and buckets in every mapping of one metric");
        continue;
      }
      std::vector<std::unique_ptr<CompiledExpr>> ordered(names.size());
      for (size_t i = 0; i < spec.label_names.size(); ++i) {
        size_t at = std::find(names.begin(), names.end(), spec.label_names[i]) - names.begin();
        if (at < ordered.size()) ordered[at] = std::move(m->labels[i]);
      }
      m->labels = std::move(ordered);
      m->id = existing;
      if (spec.max_series != first.max_series) store->SetMaxSeries(existing, spec.max_series);
      if (spec.expire_after_ms != first.expire_after_ms) {
        store->SetExpireAfter(existing, spec.expire_after_ms);
      }
    } else {
      m->id = store->Add(spec);
    }
    for (size_t i = 0; i < config.sources.size(); ++i) {
      bool applies = mc.sources.empty();
      for (const auto& s : mc.sources) applies |= (s == config.sources[i].name);
      if (applies) by_source[i].push_back(m.get());
    }
    p->metrics_.push_back(std::move(m));
  }

  // Sources: parsers and timestamp layouts.
  for (size_t i = 0; i < config.sources.size(); ++i) {
    const SourceConfig& sc = config.sources[i];
    std::unique_ptr<SourceProcessor> proc(new SourceProcessor);
    proc->config_ = &sc;
    SourceProcessor::State& st = *proc->state_;
    switch (sc.format) {
      case SourceFormat::kJson:
        st.parser = NewJsonParser();
        break;
      case SourceFormat::kLogfmt:
        st.parser = NewLogfmtParser();
        break;
      case SourceFormat::kRegex: {
        std::string error;
        st.parser = NewRegexParser(sc.pattern.text, &error);
        if (st.parser == nullptr) {
          diags->Add(config.file, sc.pattern.pos, sc.pattern.path, error,
                     "RE2 syntax; name the fields with (?P<name>...)");
        }
        break;
      }
    }
    // Named layouts are checked by the loader; strftime-style ones are compiled here.
    if (sc.timestamp.has_value() && sc.timestamp->layout.find('%') != std::string::npos) {
      TimestampLayout layout;
      std::string error;
      if (!TimestampLayout::Parse(sc.timestamp->layout, &layout, &error)) {
        diags->Add(config.file, sc.timestamp->layout_pos, sc.path + ".timestamp.layout", error,
                   "rfc3339, unix, unix_ms or a strftime layout like \"%d/%b/%Y:%H:%M:%S %z\"");
      }
    }
    st.metrics = by_source[i];
    for (const auto* m : st.metrics)
      st.needs_time |= (m->unique != nullptr || m->duration != nullptr);
    st.clock = &p->clock_;
    st.max_event_ms = &p->max_event_ms_;
    std::string ignored;  // layout errors were reported above
    if (sc.timestamp.has_value() && FieldPath::Parse(sc.timestamp->field, &st.timestamp_field) &&
        TimestampLayout::Parse(sc.timestamp->layout, &st.timestamp_layout, &ignored)) {
      st.has_timestamp = true;
    }
    size_t max_labels = 0;
    for (const auto* m : st.metrics) max_labels = std::max(max_labels, m->labels.size());
    st.label_values.resize(max_labels);
    st.store = store;
    p->sources_.push_back(std::move(proc));
  }
  if (!diags->empty()) return nullptr;
  // Self-metric series only once the whole config is known to be good.
  for (size_t i = 0; i < config.sources.size(); ++i) {
    SourceProcessor::State& st = *p->sources_[i]->state_;
    st.stats = self->RegisterSource(config.sources[i].name);
    if (st.has_timestamp && st.needs_time) {
      st.bad_timestamp = &self->SourceError(config.sources[i].name, "bad_timestamp");
    }
  }
  return p;
}

}  // namespace bam::exporter
