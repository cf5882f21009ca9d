// The config loader's sections, each parsed on its own (internal to exporter/config).
//
// Every function reports all problems of its section through the reader and returns what it could
// read; the caller discards the Config when any error was reported.
#ifndef BAM_EXPORTER_CONFIG_CONFIG_PARTS_H_
#define BAM_EXPORTER_CONFIG_CONFIG_PARTS_H_

#include <optional>
#include <string>
#include <vector>

#include "common/yaml_reader.h"
#include "exporter/config/config.h"

namespace bam::exporter::config_internal {

using ::bam::DidYouMean;
using ::bam::Field;
using ::bam::IsSimpleName;
using ::bam::MapFields;
using ::bam::YamlReader;

// A non-blank scalar as an expression for the mapping stage (YamlReader::Expr, with the path).
std::optional<ExprText> ReadExpr(YamlReader* r, const Field& f);

// `sources:` — a list of sources. `dir` is the config file's directory for relative paths.
std::vector<SourceConfig> ParseSources(YamlReader* r, const Field& list, const std::string& dir);

// `lookups:` — a mapping from table name to its CSV file.
std::vector<LookupConfig> ParseLookups(YamlReader* r, const Field& map, const std::string& dir);

// `metrics:` — a list of metrics; `sources` are the parsed sources, for `metrics[].sources`.
std::vector<MetricConfig> ParseMetrics(YamlReader* r, const Field& list,
                                       const std::vector<SourceConfig>& sources);

// `path` resolved against `dir` (absolute paths stay as they are), lexically normalised.
std::string ResolvePath(const std::string& dir, const std::string& path);

}  // namespace bam::exporter::config_internal

#endif  // BAM_EXPORTER_CONFIG_CONFIG_PARTS_H_
