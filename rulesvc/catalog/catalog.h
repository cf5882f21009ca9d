// Catalog: the business catalog (KPIs, impact, rules) as loaded from one or more YAML files,
// checked for shape but not yet compiled. See ../shared/specs/rule-catalog.md.
//
// The loader reports every problem it finds as a Diagnostic (FILE:LINE:COL, field path, hint) and
// keeps going, so a user sees all errors at once. Semantic checks that need the whole catalog
// (a rule naming an unknown KPI, units, windows) belong to the compiler's checker.
// Value types; not thread-safe to mutate.
#ifndef BAM_RULESVC_CATALOG_CATALOG_H_
#define BAM_RULESVC_CATALOG_CATALOG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.h"

namespace bam::rulesvc {

// A scalar kept as text with where it came from. `pos` is the first character of the text (after
// an opening quote), so a byte offset into `text` maps to a file position with At().
struct TextAt {
  std::string text;
  std::string file;
  Position pos;
  std::string path;  // field path, e.g. "rules[2].when"
  // Per line of `text` after the first, the file position of its first character (block scalars
  // and multi-line flow scalars). Empty for single-line scalars.
  std::vector<Position> line_starts;
  // Byte offset in `text` where each `line_starts` entry applies (same length), filled by the
  // loader: YAML folds the line breaks of `>` and flow scalars into spaces, so a source line does
  // not always start after a '\n' of `text`; the loader also adds an entry where text resumes
  // after an escape sequence ("\t", '') so later columns stay exact. When empty, entry i applies
  // after the (i+1)-th '\n' of `text`.
  std::vector<size_t> line_offsets;

  bool empty() const { return text.empty(); }
  // File position of byte `offset` of `text` (clamped to the end).
  Position At(size_t offset) const;
};

enum class KpiKind { kRatio, kRate, kIncrease, kAverage, kGauge, kQuantile, kExpr };

// What a KPI's value means, for comparisons, message formatting and dashboards.
enum class Unit {
  kPercent,     // 0..100
  kRatio,       // 0..1
  kCount,       // a number of things (orders, errors)
  kUsers,       // a number of people
  kMs,          // milliseconds
  kSeconds,     // seconds
  kEur,         // euros
  kEurPerHour,  // euros per hour
  kPerHour,     // events per hour
  kPerMinute,   // events per minute
  kPerSecond,   // events per second
};

// The unit's spelling in the catalog ("eur_per_hour") and every accepted spelling.
std::string_view UnitName(Unit unit);
std::vector<std::string> UnitNames();

// A threshold as written: "< 95", ">= 500", "> 1.5k". Numbers may carry the same suffixes as the
// `when` language (%, ms, s, €, k): `value` has `k` applied; `suffix` keeps %/ms/s/€ ("" if none)
// for the checker to compare with the KPI's unit.
struct Threshold {
  enum class Op { kLt, kLe, kGt, kGe };
  // "<", "<=", ">" or ">=".
  static std::string_view OpText(Op op);
  Op op = Op::kLt;
  double value = 0;
  std::string suffix;
  TextAt text;
};

struct Kpi {
  std::string id;  // [a-z][a-z0-9_]*, unique across all files
  std::string file;
  Position pos;      // of the KPI's mapping (its `id` key)
  std::string path;  // "kpis[3]"
  std::string name;  // business name; defaults to id
  std::string description;
  Unit unit = Unit::kCount;
  KpiKind kind = KpiKind::kGauge;
  Position kind_pos;  // of the form's key (`ratio:`)

  // Selectors as written (`bam_checkouts_total{status="completed"}`), checked for PromQL selector
  // syntax: a metric name and optional {label="v", label=~"re", ...}.
  TextAt numerator;    // ratio
  TextAt denominator;  // ratio
  TextAt metric;       // rate, increase, average (histogram/summary base name), gauge, quantile
  TextAt expr;         // expr: raw PromQL, not checked here
  std::optional<int64_t> window_ms;  // ratio, rate, increase, average, quantile (required there)
  Position window_pos;
  int64_t per_ms = 1000;  // rate: the result is per this period (`per: 1h`); default per second
  double scale = 1;       // average, quantile: multiply the result (1000: seconds -> ms)
  double q = 0;           // quantile: 0 < q < 1
  std::string aggregate = "sum";  // gauge: sum | max | min | avg across series

  std::vector<std::string> by;  // labels kept; empty = summed over everything
  Position by_pos;
  std::optional<Threshold> warning;
  std::optional<Threshold> critical;
  // ratio: the alert forms judge the ratio only when the denominator counted at least this many
  // events over the KPI's window (no paging at night on 1 failure out of 2). 0 disables.
  int64_t min_events = 10;
  std::string owner;
};

enum class Baseline { kSameTimeLastWeek, kAvg7dSameHour, kYesterday };

struct Impact {
  std::string file;
  Position pos;
  TextAt revenue_per_hour;    // KPI id (unit eur_per_hour); required
  TextAt orders_per_hour;     // optional KPI id
  TextAt customers_affected;  // optional KPI id
  Baseline baseline = Baseline::kSameTimeLastWeek;
};

// One `when` of a rule with the severity it raises. A rule written with `when:` + `severity:` has
// one; a rule written with `when: {warning: "...", critical: "..."}` has one per severity.
struct RuleCondition {
  std::string severity;  // info | warning | critical
  TextAt when;
};

struct Rule {
  std::string id;  // [a-z][a-z0-9-]*, unique across all files
  std::string file;
  Position pos;
  std::string path;  // "rules[2]"
  std::string name;  // defaults to id
  std::string description;
  std::vector<RuleCondition> conditions;      // at least one
  std::map<std::string, std::string> labels;  // label names checked (CheckLabelName); not
                                              // bam_rule_id, bam_kpi, severity
  std::vector<std::string> actions;           // channel names, resolved by the service
  TextAt message;                             // template with {{variables}}; may be empty
  std::string runbook_url;
  bool enabled = true;
};

// Catalog-wide settings (optional `settings:` section; the first file that sets one wins).
struct Settings {
  int64_t scrape_interval_ms = 15000;      // windows shorter than 2 scrapes are rejected
  int64_t evaluation_interval_ms = 30000;  // the generated groups' `interval`
  // URL templates put in annotations; {{kpi}} and {{rule_id}} are replaced.
  std::string dashboard_url;
  std::string logs_url;
  std::string runbook_url;
  std::string currency_symbol = "€";
  // Setting name -> "FILE:LINE:COL" of the value in force, for each setting a file set. A later
  // file may repeat a setting only with the same value.
  std::map<std::string, std::string> set_at;
};

struct Catalog {
  std::vector<std::string> files;
  Settings settings;
  std::vector<Kpi> kpis;
  std::optional<Impact> impact;
  std::vector<Rule> rules;

  const Kpi* FindKpi(std::string_view id) const;
};

// Parses one catalog file's text and appends its KPIs and rules to *catalog. Reports every
// problem to *diags (file name as given). Returns false if anything was reported.
bool ParseCatalog(const std::string& file, std::string_view text, Catalog* catalog,
                  DiagnosticList* diags);

// Reads and parses each file in order (a missing file is a diagnostic), then checks ids are unique
// across files. Returns false if anything was reported.
bool LoadCatalogs(const std::vector<std::string>& files, Catalog* catalog, DiagnosticList* diags);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_CATALOG_CATALOG_H_
