// The config loader's sections, each parsed on its own (internal to exporter/config).
//
// Every function reports all problems of its section through the reader and returns what it could
// read; the caller discards the Config when any error was reported.
#ifndef BAM_EXPORTER_CONFIG_CONFIG_PARTS_H_
#define BAM_EXPORTER_CONFIG_CONFIG_PARTS_H_

#include <string>
#include <vector>

#include "exporter/config/config.h"
#include "exporter/config/yaml_reader.h"

namespace bam::exporter::config_internal {

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
