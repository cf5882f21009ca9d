// Config: the exporter's configuration file, loaded and validated (see docs/configuration.md).
//
// LoadConfig() reads YAML, checks every field, and returns a Config whose strings still need
// compiling: expressions are kept as text with their position in the file, so the mapping stage can
// compile them and report errors at FILE:LINE:COL. A Config is a plain value; it is immutable once
// loaded and may be read from several threads.
#ifndef BAM_EXPORTER_CONFIG_CONFIG_H_
#define BAM_EXPORTER_CONFIG_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/duration.h"

namespace bam::exporter {

// An expression as written in the config, with where it starts (the first character of the
// expression text itself, after any opening quote, `!tag` or `&anchor`; for a `|`/`>` block
// scalar, the first character of its first line) and its field path for messages. `text` is the
// YAML scalar's value: for a double-quoted scalar with escapes, or a folded multi-line one, offsets
// past the first escape or line break no longer match file columns one to one.
struct ExprText {
  std::string text;
  Position pos;
  std::string path;  // e.g. "metrics[2].labels.status"
  bool empty() const { return text.empty(); }
};

enum class SourceKind { kFile, kStdin, kHttp, kKafka };
enum class SourceFormat { kJson, kLogfmt, kRegex };
enum class StartAt { kEnd, kBeginning };

struct FileSourceConfig {
  std::vector<std::string> paths;    // globs, resolved relative to the config file's directory
  StartAt start_at = StartAt::kEnd;  // default end: only for files never seen before
};

struct HttpSourceConfig {
  std::string path = "/ingest";        // default "/ingest"
  uint64_t max_body_bytes = 10 << 20;  // default 10 MiB
  std::string bearer_token;            // optional; empty = no auth
};

struct KafkaSourceConfig {
  std::vector<std::string> brokers;
  std::vector<std::string> topics;
  std::string group = "bam-exporter";             // default "bam-exporter"
  std::map<std::string, std::string> properties;  // passed to librdkafka as is
};

struct TimestampConfig {
  std::string field;               // field path
  std::string layout = "rfc3339";  // default "rfc3339"; rfc3339 | unix | unix_ms | contains '%'
  Position pos;                    // position of the `timestamp:` value
  Position layout_pos;             // first character of the layout text (pos when not written)
};

struct SourceConfig {
  std::string name;
  Position pos;      // position of the source's mapping
  std::string path;  // "sources[1]", for messages
  SourceKind kind = SourceKind::kFile;
  FileSourceConfig file;
  HttpSourceConfig http;
  KafkaSourceConfig kafka;
  SourceFormat format = SourceFormat::kJson;
  ExprText pattern;  // regex format only (RE2 syntax, named groups)
  std::optional<TimestampConfig> timestamp;
  uint64_t max_line_bytes = 1 << 20;  // default 1 MiB; longer lines: reason="too_long"
};

struct LookupConfig {
  std::string name;
  Position pos;
  std::string path;  // "lookups.<name>"
  std::string csv;   // resolved relative to the config file's directory
  std::string csv_as_written;
  std::string key;            // column holding the key
  std::string value;          // column holding the value
  std::string default_value;  // returned for a missing key; default ""
};

enum class MetricType { kCounter, kGauge, kHistogram, kUnique, kDuration };

struct LabelConfig {
  std::string name;
  Position pos;  // position of the label name
  ExprText expr;
};

struct MetricConfig {
  std::string name;
  Position pos;      // position of the metric's mapping
  std::string path;  // "metrics[3]"
  MetricType type = MetricType::kCounter;
  std::string help;
  std::vector<std::string> sources;  // empty = all sources
  ExprText when;                     // empty = every line
  ExprText value;                    // empty = 1 for counters; required for gauge, histogram
  ExprText each;                     // empty = once per line
  std::vector<LabelConfig> labels;   // in file order
  uint64_t max_series = 0;           // 0 = unlimited
  std::vector<double> buckets;       // histogram, duration; empty = default buckets
  ExprText key;                      // unique, duration
  int64_t window_ms = 0;             // unique
  ExprText start, end;               // duration
  int64_t timeout_ms = 0;            // duration
  int64_t expire_after_ms = 0;       // 0 = never
};

struct Config {
  std::string file;  // path as given on the command line
  std::string dir;   // directory of the config file
  std::vector<SourceConfig> sources;
  std::vector<LookupConfig> lookups;
  std::vector<MetricConfig> metrics;
};

// Loads and validates `path`. On success returns the Config. Every problem found is appended to
// *diags (all of them, not just the first); returns std::nullopt if there was any error.
// Checks: YAML syntax, unknown fields (with a "did you mean" hint), required fields, types and
// ranges, names ([a-z0-9_]+ for sources, prometheus-cpp CheckMetricName/CheckLabelName for metrics
// and labels), duplicates, references (metric.sources -> sources), per-type field rules, durations
// ("30s", "5m", "24h", "7d"), bucket ordering, and that each lookup CSV file exists. Expressions,
// regexes and CSV contents are NOT checked here. Diagnostics are appended sorted by position.
// Never throws.
// If `partial` is not null, it receives everything that could be read even when there were errors,
// so later stages (expression and regex compilation) can still report their own errors in the same
// run; fields with errors are left at their defaults there.
std::optional<Config> LoadConfig(const std::string& path, DiagnosticList* diags,
                                 Config* partial = nullptr);

// Same, from text in memory; `file` is only used in diagnostics and to resolve relative paths.
std::optional<Config> ParseConfig(const std::string& text, const std::string& file,
                                  DiagnosticList* diags, Config* partial = nullptr);

// Durations in the config ("30s", "5m", "7d"), shared with the rule service (common/duration.h).
using ::bam::ParseDuration;

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_CONFIG_CONFIG_H_
