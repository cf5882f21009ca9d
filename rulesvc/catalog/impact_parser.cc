// `impact:` — which KPIs measure an alert's business impact, and against what baseline.
#include <string>
#include <vector>

#include "rulesvc/catalog/catalog_parts.h"

namespace bam::rulesvc::catalog_internal {
namespace {

const std::vector<std::string> kImpactFields = {"revenue_per_hour", "orders_per_hour",
                                                "customers_affected", "baseline"};
// Indexed by Baseline.
const std::vector<std::string> kBaselines = {"same_time_last_week", "avg_7d_same_hour",
                                             "yesterday"};

// A KPI id; whether the KPI exists is the compiler's business (it may be in another file).
void ReadKpiId(YamlReader* r, const Field& f, TextAt* out) {
  std::optional<TextAt> t = ReadText(r, f, false);
  if (!t) return;
  if (!IsId(t->text, '_')) {
    std::string better = SuggestId(t->text, '_');
    ErrorAt(r, *t, 0, "invalid KPI id \"" + t->text + "\"",
            better.empty() ? "the id of a KPI from \"kpis:\"" : "\"" + better + "\"");
    return;
  }
  *out = std::move(*t);
}

}  // namespace

void ParseImpact(YamlReader* r, const Field& map, Position key_pos, Catalog* catalog) {
  if (catalog->impact) {
    r->Error(key_pos, map.path,
             "impact is already defined at " + Where(catalog->impact->file, catalog->impact->pos),
             "one \"impact:\" section across the catalog files");
    return;
  }
  MapFields fields(r, map, &kImpactFields);
  if (!fields.ok()) return;
  Impact impact;
  impact.file = r->file();
  impact.pos = key_pos;
  if (const Field* f = fields.Get("revenue_per_hour")) {
    ReadKpiId(r, *f, &impact.revenue_per_hour);
  } else {
    r->Error(map, "missing required field \"revenue_per_hour\"",
             "revenue_per_hour: <id of a KPI with unit eur_per_hour>");
  }
  if (const Field* f = fields.Get("orders_per_hour")) ReadKpiId(r, *f, &impact.orders_per_hour);
  if (const Field* f = fields.Get("customers_affected")) {
    ReadKpiId(r, *f, &impact.customers_affected);
  }
  if (const Field* f = fields.Get("baseline")) {
    if (auto b = r->Enum(*f, "baseline", kBaselines)) impact.baseline = static_cast<Baseline>(*b);
  }
  catalog->impact = std::move(impact);
}

}  // namespace bam::rulesvc::catalog_internal
