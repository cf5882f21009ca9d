// LoadConfig / ParseConfig: YAML text to a validated Config, or every problem as a Diagnostic.
#include "exporter/config/config.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exporter/config/config_parts.h"
#include "exporter/config/yaml_reader.h"

namespace bam::exporter {
namespace {

using config_internal::Field;
using config_internal::MapFields;
using config_internal::YamlReader;

const std::vector<std::string> kTopFields = {"sources", "lookups", "metrics"};

// Records where each YAML document starts; ignores everything else.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Finds the documents of `text`. yaml-cpp 0.7's LoadAll() never ends on some invalid input (a ','
// where a document should start: it yields empty documents at the same place forever, see
// jbeder/yaml-cpp#1319), so documents are walked here and a parser that stops advancing is
// reported as a syntax error. Returns false after reporting one.
bool ScanDocuments(const std::string& text, YamlReader* r, std::vector<YAML::Mark>* starts) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  while (parser.HandleNextDocument(handler)) {
    const auto& s = handler.starts;
    if (s.size() >= 2 && s[s.size() - 1].pos == s[s.size() - 2].pos) {
      const YAML::Mark& m = s.back();
      std::string what = m.pos >= 0 && static_cast<size_t>(m.pos) < text.size()
                             ? "\"" + text.substr(static_cast<size_t>(m.pos), 1) + "\""
                             : "character";
      r->Error(Position{m.line + 1, m.column + 1}, "", "YAML syntax error: unexpected " + what);
      return false;
    }
    if (s.size() > 2) break;  // "more than one" is all the caller needs to know
  }
  *starts = handler.starts;
  return true;
}

Config ParseTree(const std::string& text, YamlReader* r, const std::string& file) {
  Config config;
  config.file = file;
  config.dir = std::filesystem::path(file).parent_path().string();
  if (config.dir.empty()) config.dir = ".";

  std::vector<YAML::Mark> starts;
  if (!ScanDocuments(text, r, &starts)) return config;
  if (starts.size() > 1) {
    r->Error(Position{starts[1].line + 1, starts[1].column + 1}, "",
             "only one YAML document is allowed",
             "removing the \"---\" separator and what follows it");
  }
  YAML::Node doc = starts.empty() ? YAML::Node() : YAML::Load(text);
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
    config = ParseTree(text, &reader, file);
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
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    diags->Add(path, Position{}, "", "cannot read config file: it is a directory");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags->Add(path, Position{}, "",
               std::string("cannot read config file: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    diags->Add(path, Position{}, "", "cannot read config file: read error");
    return std::nullopt;
  }
  return ParseConfig(text.str(), path, diags, partial);
}

}  // namespace bam::exporter
