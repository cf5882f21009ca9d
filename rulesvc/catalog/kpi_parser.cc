// `kpis:` — each KPI with its one form (ratio, rate, ...), dimensions and thresholds.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "rulesvc/catalog/catalog_parts.h"

namespace bam::rulesvc::catalog_internal {
namespace {

const std::vector<std::string> kKpiFields = {
    "id",    "name",     "description", "unit", "ratio",      "rate",       "increase", "average",
    "gauge", "quantile", "expr",        "by",   "thresholds", "min_events", "owner"};

// Indexed by KpiKind.
const std::vector<std::string> kForms = {"ratio", "rate",     "increase", "average",
                                         "gauge", "quantile", "expr"};

struct FormSpec {
  std::vector<std::string> fields;
  std::vector<std::string> required;
  const char* example;  // the form written out, for hints
};

// Indexed by KpiKind; expr is a plain string and has no fields.
const FormSpec kFormSpecs[] = {
    {{"numerator", "denominator", "window"},
     {"numerator", "denominator", "window"},
     "ratio: {numerator: bam_checkouts_total{status=\"completed\"}, denominator: "
     "bam_checkouts_total, window: 5m}"},
    {{"metric", "window", "per"}, {"metric", "window"}, "rate: {metric: M, window: 5m, per: 1h}"},
    {{"metric", "window"}, {"metric", "window"}, "increase: {metric: M, window: 1h}"},
    {{"metric", "window", "scale"}, {"metric", "window"}, "average: {metric: M, window: 5m}"},
    {{"metric", "aggregate"}, {"metric"}, "gauge: {metric: M}"},
    {{"metric", "q", "window", "scale"},
     {"metric", "q", "window"},
     "quantile: {metric: M, q: 0.95, window: 5m}"},
    {{}, {}, "expr: sum(rate(bam_orders_total[5m]))"},
};

const IdKind kKpiId = {"KPI", '_', "checkout_success_rate"};

const std::vector<std::string> kAggregates = {"sum", "max", "min", "avg"};
const std::vector<std::string> kThresholdFields = {"warning", "critical"};

std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size())) {
    s.replace(i, from.size(), to);
  }
  return s;
}

class KpiParser {
 public:
  KpiParser(YamlReader* r, Catalog* catalog) : r_(r), catalog_(catalog) {}

  void Parse(const Field& item) {
    MapFields fields(r_, item, &kKpiFields);
    if (!fields.ok()) return;
    Kpi kpi;
    kpi.file = r_->file();
    kpi.pos = item.pos;
    kpi.path = item.path;
    std::optional<std::string> id =
        ReadId(r_, item, fields.Get("id"), kKpiId, [&](const std::string& i) {
          const Kpi* first = catalog_->FindKpi(i);
          return first ? std::optional<std::string>(Where(first->file, first->pos)) : std::nullopt;
        });
    if (id) kpi.id = *id;
    if (const Field* f = fields.Get("name")) kpi.name = r_->String(*f, false).value_or("");
    if (kpi.name.empty()) kpi.name = kpi.id;
    if (const Field* f = fields.Get("description")) kpi.description = r_->String(*f).value_or("");
    if (const Field* f = fields.Get("owner")) kpi.owner = r_->String(*f).value_or("");
    if (const Field* f = fields.Get("unit")) {
      if (auto u = r_->Enum(*f, "unit", UnitNames())) kpi.unit = static_cast<Unit>(*u);
    }
    bool form_ok = ParseForm(item, fields, &kpi);
    if (const Field* f = fields.Get("by")) ParseBy(*f, &kpi);
    if (const Field* f = fields.Get("thresholds")) ParseThresholds(*f, &kpi);
    if (const Field* f = fields.Get("min_events")) {
      if (auto n = r_->NonNegativeInt(*f)) kpi.min_events = static_cast<int64_t>(*n);
      if (form_ok && kpi.kind != KpiKind::kRatio) {
        r_->Error(f->key_pos, f->path, "min_events applies to ratio KPIs only",
                  "removing \"min_events\"");
      }
    }
    if (id) catalog_->kpis.push_back(std::move(kpi));
  }

 private:
  bool ParseForm(const Field& item, const MapFields& fields, Kpi* kpi) {
    const Field* form = nullptr;
    for (const auto& [name, f] : fields.all()) {
      auto it = std::find(kForms.begin(), kForms.end(), name);
      if (it == kForms.end()) continue;
      if (form != nullptr) {
        std::string first = form->path.substr(form->path.rfind('.') + 1);
        r_->Error(f.key_pos, f.path,
                  "a KPI has exactly one form; \"" + first + "\" is already given",
                  "removing \"" + name + "\", or a second KPI for it");
        continue;
      }
      form = &f;
      kpi->kind = static_cast<KpiKind>(it - kForms.begin());
      kpi->kind_pos = f.key_pos;
    }
    if (form == nullptr) {
      r_->Error(item, "missing the KPI's form",
                "one of: " + JoinNames(kForms) + ", e.g. " + kFormSpecs[0].example);
      return false;
    }
    if (kpi->kind == KpiKind::kExpr) {
      if (auto t = ReadText(r_, *form, false)) kpi->expr = std::move(*t);
      return true;
    }
    const FormSpec& spec = kFormSpecs[static_cast<size_t>(kpi->kind)];
    if (form->node.IsScalar()) {
      r_->Error(*form, "expected a mapping, found " + YamlReader::Describe(form->node),
                ReplaceAll(spec.example, "M", form->node.Scalar()));
      return true;
    }
    MapFields args(r_, *form, &spec.fields);
    if (!args.ok()) return true;
    for (const std::string& name : spec.required) {
      if (args.Get(name) == nullptr) {
        r_->Error(*form, "missing required field \"" + name + "\"", spec.example);
      }
    }
    bool histogram = kpi->kind == KpiKind::kAverage || kpi->kind == KpiKind::kQuantile;
    for (const auto& [name, f] : args.all()) {
      if (name == "numerator" || name == "denominator" || name == "metric") {
        std::optional<TextAt> t = ReadText(r_, f, false);
        if (!t) continue;
        CheckSelector(r_, *t, histogram && name == "metric");
        (name == "numerator"     ? kpi->numerator
         : name == "denominator" ? kpi->denominator
                                 : kpi->metric) = std::move(*t);
      } else if (name == "window") {
        kpi->window_ms = r_->PositiveDuration(f);
        kpi->window_pos = f.pos;
      } else if (name == "per") {
        kpi->per_ms = r_->PositiveDuration(f).value_or(kpi->per_ms);
      } else if (name == "scale") {
        if (auto v = r_->Number(f)) {
          if (*v > 0) {
            kpi->scale = *v;
          } else {
            r_->Error(f, "scale must be greater than 0", "scale: 1000 (seconds to ms)");
          }
        }
      } else if (name == "q") {
        if (auto v = r_->Number(f)) {
          if (*v > 0 && *v < 1) {
            kpi->q = *v;
          } else {
            r_->Error(f, "q must be between 0 and 1 (exclusive)",
                      "q: 0.95 for the 95th percentile");
          }
        }
      } else if (name == "aggregate") {
        if (auto a = r_->Enum(f, "aggregate", kAggregates)) kpi->aggregate = kAggregates[*a];
      }
    }
    return true;
  }

  void ParseBy(const Field& f, Kpi* kpi) {
    kpi->by_pos = f.pos;
    std::optional<std::vector<Field>> items = r_->List(f);
    if (!items) return;
    std::set<std::string> seen;
    for (const Field& item : *items) {
      std::optional<std::string> label = r_->String(item, false);
      if (!label || !CheckLabel(r_, item.pos, item.path, *label)) continue;
      if (!seen.insert(*label).second) {
        r_->Error(item, "label \"" + *label + "\" is listed twice", "removing one of them");
      } else {
        kpi->by.push_back(*label);
      }
    }
  }

  void ParseThresholds(const Field& f, Kpi* kpi) {
    MapFields fields(r_, f, &kThresholdFields);
    if (const Field* w = fields.Get("warning")) kpi->warning = ParseThreshold(r_, *w);
    if (const Field* c = fields.Get("critical")) kpi->critical = ParseThreshold(r_, *c);
  }

  YamlReader* r_;
  Catalog* catalog_;
};

}  // namespace

void ParseKpis(YamlReader* r, const Field& list, Catalog* catalog) {
  std::optional<std::vector<Field>> items = r->List(list);
  if (!items) return;
  KpiParser parser(r, catalog);
  for (const Field& item : *items) parser.Parse(item);
}

}  // namespace bam::rulesvc::catalog_internal
