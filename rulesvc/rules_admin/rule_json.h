// The JSON face of a catalog rule for /bam/rules, and the overlay catalog file that holds the rules
// created through the API.
//
// A request body is checked for shape here (types, known fields, every problem with its JSON
// path); what the fields mean (ids, severities, the `when` language, KPIs) is left to the catalog
// loader and the compiler, which see the overlay exactly as a catalog file. The overlay is a
// catalog with only `version` and `rules:`, one rule per line written as a JSON object (JSON is
// YAML), so a diagnostic's line names the rule and its column points into the rule's text.
// Stateless functions; thread-safe.
#ifndef BAM_RULESVC_RULES_ADMIN_RULE_JSON_H_
#define BAM_RULESVC_RULES_ADMIN_RULE_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "rulesvc/catalog/catalog.h"

namespace bam::rulesvc::rules_admin {

// One problem with a request body: `path` is a JSON path ("labels.team", "actions[1]", "" for the
// whole body).
struct FieldError {
  std::string path;
  std::string message;
  std::string hint;  // may be empty
};

// The catalog rule fields accepted in a body: id, name, description, when, severity, labels,
// actions, message, runbook_url, enabled.
const std::vector<std::string>& RuleFields();
// Fields of a GET answer that a client may send back unchanged; they are ignored.
const std::vector<std::string>& ReadOnlyFields();

// Checks `body` (already parsed) for shape and returns the rule as a normalised JSON object with
// only the catalog fields, in RuleFields() order. `when` is a string or an object mapping
// info/warning/critical to strings; labels an object of strings; actions an array of strings;
// enabled a boolean; the others strings. On any problem returns a null json and appends every
// problem to *errors.
nlohmann::json RuleFromJson(const nlohmann::json& body, std::vector<FieldError>* errors);

// A loaded catalog rule as the same JSON object (catalog fields only). A rule with one condition
// is written `when` + `severity`; several become the `when` mapping. `name` is omitted when it
// equals the id (the loader's default), `enabled` when true.
nlohmann::json RuleToJson(const Rule& rule);

// The overlay file's text: a header comment, `version: 1`, `rules:` and one `  - {json}` line per
// rule in order (`rules: []` when there are none).
std::string OverlayText(const std::vector<nlohmann::json>& rules);

// The 1-based line of rules[index] in OverlayText().
int OverlayLine(size_t index);

}  // namespace bam::rulesvc::rules_admin

#endif  // BAM_RULESVC_RULES_ADMIN_RULE_JSON_H_
