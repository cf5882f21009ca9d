// ParseCatalog / LoadCatalogs: catalog YAML to a Catalog, every problem as a Diagnostic.
#include "rulesvc/catalog/catalog.h"

#include <exception>
#include <iterator>

#include "common/read_file.h"
#include "rulesvc/catalog/catalog_parts.h"

namespace bam::rulesvc {
namespace {

using catalog_internal::Field;
using catalog_internal::MapFields;
using catalog_internal::YamlReader;

constexpr std::string_view kUnitNames[] = {"percent",  "ratio",      "count",     "users",
                                           "ms",       "s",          "eur",       "eur_per_hour",
                                           "per_hour", "per_minute", "per_second"};

const std::vector<std::string> kTopFields = {"version", "settings", "kpis", "impact", "rules"};

void ParseTree(YamlReader* r, Catalog* catalog) {
  std::optional<YAML::Node> doc = r->LoadDocument();
  if (!doc) return;
  if (!doc->IsDefined() || doc->IsNull()) {
    r->Error(Position{}, "", "the catalog is empty", "starting with \"version: 1\" and \"kpis:\"");
    return;
  }
  Field root = YamlReader::Root(*doc);
  if (!root.node.IsMap()) {
    r->Error(root, "expected a mapping with version, settings, kpis, impact and rules, found " +
                       YamlReader::Describe(root.node));
    return;
  }
  MapFields top(r, root, &kTopFields);
  if (const Field* version = top.Get("version")) {
    if (!version->node.IsScalar() || version->node.Scalar() != "1") {
      r->Error(*version, "unsupported catalog version " + YamlReader::Describe(version->node),
               "version: 1");
    }
  } else {
    r->Error(Position{}, "", "missing required field \"version\"", "version: 1");
  }
  if (const Field* settings = top.Get("settings")) {
    catalog_internal::ParseSettings(r, *settings, catalog);
  }
  if (const Field* kpis = top.Get("kpis")) catalog_internal::ParseKpis(r, *kpis, catalog);
  if (const Field* impact = top.Get("impact")) {
    catalog_internal::ParseImpact(r, *impact, impact->key_pos, catalog);
  }
  if (const Field* rules = top.Get("rules")) catalog_internal::ParseRules(r, *rules, catalog);
}

}  // namespace

std::string_view UnitName(Unit unit) {
  auto i = static_cast<size_t>(unit);
  return i < std::size(kUnitNames) ? kUnitNames[i] : "count";
}

std::vector<std::string> UnitNames() {
  return std::vector<std::string>(std::begin(kUnitNames), std::end(kUnitNames));
}

const Kpi* Catalog::FindKpi(std::string_view id) const {
  for (const Kpi& kpi : kpis) {
    if (kpi.id == id) return &kpi;
  }
  return nullptr;
}

bool ParseCatalog(const std::string& file, std::string_view text, Catalog* catalog,
                  DiagnosticList* diags) {
  DiagnosticList local;
  catalog->files.push_back(file);
  try {
    YamlReader reader(file, text, &local);
    ParseTree(&reader, catalog);
  } catch (const std::exception& e) {
    local.Add(file, Position{}, "", std::string("cannot load the catalog: ") + e.what());
  }
  local.Sort();
  for (const Diagnostic& d : local.items()) diags->Add(d);
  return local.empty();
}

bool LoadCatalogs(const std::vector<std::string>& files, Catalog* catalog, DiagnosticList* diags) {
  bool ok = true;
  for (const std::string& file : files) {
    std::string text, error;
    if (!ReadFile(file, &text, &error)) {
      diags->Add(file, Position{}, "", "cannot read catalog file: " + error);
      ok = false;
      continue;
    }
    // Ids are checked against the files parsed before, so duplicates across files are reported
    // here, at the second definition.
    ok = ParseCatalog(file, text, catalog, diags) && ok;
  }
  return ok;
}

}  // namespace bam::rulesvc
