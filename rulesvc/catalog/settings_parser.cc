// `settings:` — catalog-wide settings; the first file that sets one decides it.
#include <string>
#include <vector>

#include "rulesvc/catalog/catalog_parts.h"

namespace bam::rulesvc::catalog_internal {
namespace {

const std::vector<std::string> kSettingsFields = {"scrape_interval", "evaluation_interval",
                                                  "dashboard_url",   "logs_url",
                                                  "runbook_url",     "currency_symbol"};

// Stores `value` into *out unless an earlier file set the setting; a different value there is
// reported.
template <typename T>
void Set(YamlReader* r, const Field& f, const std::string& name, const T& value, T* out,
         Settings* settings) {
  auto [it, inserted] = settings->set_at.emplace(name, Where(r->file(), f.pos));
  if (inserted) {
    *out = value;
  } else if (*out != value) {
    r->Error(f, name + " is already set to a different value at " + it->second,
             "setting it in one catalog file only");
  }
}

}  // namespace

void ParseSettings(YamlReader* r, const Field& map, Catalog* catalog) {
  Settings* s = &catalog->settings;
  MapFields fields(r, map, &kSettingsFields);
  for (const auto& [name, f] : fields.all()) {
    if (name == "scrape_interval" || name == "evaluation_interval") {
      std::optional<int64_t> ms = r->PositiveDuration(f);
      if (!ms) continue;
      Set(r, f, name, *ms,
          name == "scrape_interval" ? &s->scrape_interval_ms : &s->evaluation_interval_ms, s);
      continue;
    }
    std::optional<std::string> v = r->String(f, /*allow_empty=*/name != "currency_symbol");
    if (!v) continue;
    std::string* out = name == "dashboard_url" ? &s->dashboard_url
                       : name == "logs_url"    ? &s->logs_url
                       : name == "runbook_url" ? &s->runbook_url
                                               : &s->currency_symbol;
    Set(r, f, name, *v, out, s);
  }
}

}  // namespace bam::rulesvc::catalog_internal
