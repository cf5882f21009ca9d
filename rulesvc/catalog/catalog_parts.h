// The catalog loader's sections, each parsed on its own (internal to rulesvc/catalog).
//
// Every function reports all problems of its section through the reader and appends what it could
// read to the Catalog; the caller discards the Catalog when anything was reported.
#ifndef BAM_RULESVC_CATALOG_CATALOG_PARTS_H_
#define BAM_RULESVC_CATALOG_CATALOG_PARTS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/yaml_reader.h"
#include "rulesvc/catalog/catalog.h"

namespace bam::rulesvc::catalog_internal {

using ::bam::Field;
using ::bam::MapFields;
using ::bam::YamlReader;

// A scalar's text located in the file, as a TextAt with the field's path. Reports a value that is
// not a scalar (an empty value too) and, unless `allow_empty`, blank text.
std::optional<TextAt> ReadText(YamlReader* r, const Field& f, bool allow_empty);

// Reports `message` at byte `offset` of `text`.
void ErrorAt(YamlReader* r, const TextAt& text, size_t offset, std::string message,
             std::string hint = "");

// "FILE:LINE:COL", for "first defined at ..." messages.
std::string Where(const std::string& file, Position pos);

// [a-z][a-z0-9<sep>]*: KPI ids use '_', rule ids '-'.
bool IsId(std::string_view id, char sep);
// A valid id close to `text` ("Checkout Rate" -> "checkout_rate"), or "" if there is none.
std::string SuggestId(std::string_view text, char sep);

struct IdKind {
  const char* what;     // "KPI", "rule"
  char sep;             // '_' or '-'
  const char* example;  // a valid id, for hints
};
// The `id` field `f` of the KPI or rule `item`: present, valid and not taken. `first(id)` returns
// where an earlier definition of `id` is ("FILE:LINE:COL"), or nullopt. Reports and returns
// nullopt otherwise.
std::optional<std::string> ReadId(
    YamlReader* r, const Field& item, const Field* f, const IdKind& kind,
    const std::function<std::optional<std::string>(const std::string&)>& first);

// Reports `name` at `pos` unless it is a valid Prometheus label name; returns whether it is.
bool CheckLabel(YamlReader* r, Position pos, const std::string& path, const std::string& name);

// `settings:`; a setting already set by an earlier file keeps its value (a different value here
// is reported).
void ParseSettings(YamlReader* r, const Field& map, Catalog* catalog);
// `kpis:`; ids are checked against the KPIs already in the catalog.
void ParseKpis(YamlReader* r, const Field& list, Catalog* catalog);
// `impact:` (`key_pos` is the position of the `impact` key); at most one across the files.
void ParseImpact(YamlReader* r, const Field& map, Position key_pos, Catalog* catalog);
// `rules:`; ids are checked against the rules already in the catalog.
void ParseRules(YamlReader* r, const Field& list, Catalog* catalog);

// Checks PromQL selector syntax (`name{label op "value", ...}`), reporting the first problem at
// its exact column. With `histogram_base`, a name ending in _bucket, _sum or _count is reported
// too (the form wants the histogram's base name). Returns false if something was reported.
bool CheckSelector(YamlReader* r, const TextAt& selector, bool histogram_base);

// A threshold such as "< 95", ">= 500ms", "> 1.5k" (see Threshold).
std::optional<Threshold> ParseThreshold(YamlReader* r, const Field& f);

}  // namespace bam::rulesvc::catalog_internal

#endif  // BAM_RULESVC_CATALOG_CATALOG_PARTS_H_
