// LoadConfig / ParseConfig: YAML text to a validated Config, or every problem as a Diagnostic.
#include "exporter/config/config.h"

#include <yaml-cpp/yaml.h>

#include <exception>
#include <filesystem>

#include "common/read_file.h"
#include "exporter/config/config_parts.h"

namespace bam::exporter {
namespace {

using config_internal::Field;
using config_internal::MapFields;
using config_internal::YamlReader;

const std::vector<std::string> kTopFields = {"sources", "lookups", "metrics"};

Config ParseTree(YamlReader* r, const std::string& file) {
  Config config;
  config.file = file;
  config.dir = std::filesystem::path(file).parent_path().string();
  if (config.dir.empty()) config.dir = ".";

  std::optional<YAML::Node> loaded = r->LoadDocument();
  if (!loaded) return config;
  const YAML::Node& doc = *loaded;
  if (!doc.IsDefined() || doc.IsNull()) {
    r->Error(Position{}, "", "the config is empty", "starting with \"sources:\" and \"metrics:\"");
    return config;
  }
  Field root = YamlReader::Root(doc);
  if (!root.node.IsMap()) {
    r->Error(root, "expected a mapping with sources, lookups and metrics, found " +
                       YamlReader::Describe(root.node));
    return config;
  }
  MapFields top(r, root, &kTopFields);
  if (const Field* sources = top.Get("sources")) {
    config.sources = config_internal::ParseSources(r, *sources, config.dir);
  } else {
    r->Error(Position{}, "", "missing required field \"sources\"",
             "sources: [{name: app, file: {paths: [app.log]}, format: json}]");
  }
  if (const Field* lookups = top.Get("lookups")) {
    config.lookups = config_internal::ParseLookups(r, *lookups, config.dir);
  }
  if (const Field* metrics = top.Get("metrics")) {
    config.metrics = config_internal::ParseMetrics(r, *metrics, config.sources);
  } else {
    r->Error(Position{}, "", "missing required field \"metrics\"",
             "metrics: [{name: bam_lines_total, type: counter}]");
  }
  return config;
}

}  // namespace

namespace config_internal {

std::optional<ExprText> ReadExpr(YamlReader* r, const Field& f) {
  std::optional<ScalarText> e = r->Expr(f);
  if (!e) return std::nullopt;
  return ExprText{std::move(e->text), e->pos, f.path};
}

std::string ResolvePath(const std::string& dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::path(dir) / p).lexically_normal().string();
}

}  // namespace config_internal

std::optional<Config> ParseConfig(const std::string& text, const std::string& file,
                                  DiagnosticList* diags, Config* partial) {
  DiagnosticList local;
  std::optional<Config> config;
  try {
    YamlReader reader(file, text, &local);
    config = ParseTree(&reader, file);
  } catch (const YAML::Exception& e) {
    Position pos;
    if (!e.mark.is_null()) pos = Position{e.mark.line + 1, e.mark.column + 1};
    local.Add(file, pos, "", "YAML syntax error: " + e.msg);
  } catch (const std::exception& e) {
    local.Add(file, Position{}, "", std::string("cannot load the config: ") + e.what());
  }
  local.Sort();
  for (const Diagnostic& d : local.items()) diags->Add(d);
  if (partial != nullptr && config.has_value()) *partial = *config;
  if (!local.empty()) return std::nullopt;
  return config;
}

std::optional<Config> LoadConfig(const std::string& path, DiagnosticList* diags, Config* partial) {
  std::string text, error;
  if (!ReadFile(path, &text, &error)) {
    diags->Add(path, Position{}, "", "cannot read config file: " + error);
    return std::nullopt;
  }
  return ParseConfig(text, path, diags, partial);
}

}  // namespace bam::exporter
