// `lookups:` — CSV tables for lookup("name", key), keyed by table name in file order.
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "exporter/config/config_parts.h"

namespace bam::exporter::config_internal {
namespace {

const std::vector<std::string> kLookupFields = {"csv", "key", "value", "default"};

// A required non-empty string field, or "" after reporting it missing.
std::string Required(YamlReader* r, const MapFields& m, const Field& parent, const char* name,
                     const char* example) {
  const Field* f = m.Get(name);
  if (f == nullptr) {
    r->Error(parent, "missing required field \"" + std::string(name) + "\"", example);
    return "";
  }
  return r->String(*f, /*allow_empty=*/false).value_or("");
}

}  // namespace

std::vector<LookupConfig> ParseLookups(YamlReader* r, const Field& map, const std::string& dir) {
  std::vector<LookupConfig> out;
  MapFields tables(r, map, /*allowed=*/nullptr);
  for (const auto& [name, value] : tables.all()) {
    if (!IsSimpleName(name)) {
      r->Error(value.key_pos, value.path, "invalid lookup name \"" + name + "\"",
               "a name made of a-z, 0-9 and _");
    }
    LookupConfig lookup;
    lookup.name = name;
    lookup.pos = value.key_pos;
    lookup.path = value.path;
    MapFields m(r, value, &kLookupFields);
    if (!m.ok()) continue;
    if (value.node.IsNull()) {
      r->Error(value, "missing required fields \"csv\", \"key\" and \"value\"",
               "{csv: segments.csv, key: customer_id, value: segment}");
      continue;
    }
    lookup.csv_as_written = Required(r, m, value, "csv", "csv: segments.csv");
    if (!lookup.csv_as_written.empty()) {
      lookup.csv = ResolvePath(dir, lookup.csv_as_written);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(lookup.csv, ec)) {
        const Field* csv = m.Get("csv");
        std::string where =
            lookup.csv == lookup.csv_as_written ? "" : " (looked for " + lookup.csv + ")";
        r->Error(*csv, "cannot find CSV file \"" + lookup.csv_as_written + "\"" + where,
                 "a path relative to the config file's directory, or an absolute one");
      }
    }
    lookup.key = Required(r, m, value, "key", "key: customer_id");
    lookup.value = Required(r, m, value, "value", "value: segment");
    if (const Field* def = m.Get("default")) lookup.default_value = r->String(*def).value_or("");
    out.push_back(std::move(lookup));
  }
  return out;
}

}  // namespace bam::exporter::config_internal
