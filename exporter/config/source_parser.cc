// `sources:` — one input (file, stdin, http, kafka) and one line format per source.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exporter/config/config_parts.h"

namespace bam::exporter::config_internal {
namespace {

const std::vector<std::string> kSourceFields = {
    "name", "file", "stdin", "http", "kafka", "format", "pattern", "timestamp", "max_line_bytes"};
const std::vector<std::string> kInputs = {"file", "stdin", "http", "kafka"};
const std::vector<std::string> kFormats = {"json", "logfmt", "regex"};
const std::vector<std::string> kFileFields = {"paths", "start_at"};
const std::vector<std::string> kStartAt = {"end", "beginning"};
const std::vector<std::string> kHttpFields = {"path", "max_body_bytes", "bearer_token"};
const std::vector<std::string> kKafkaFields = {"brokers", "topics", "group", "properties"};
const std::vector<std::string> kTimestampFields = {"field", "layout"};
const std::vector<std::string> kNoFields;

// State shared across sources: names and single-use inputs seen so far.
struct Seen {
  std::map<std::string, int> names;               // name -> line of first use
  std::string stdin_source;                       // name of the source reading stdin
  std::map<std::string, std::string> http_paths;  // path -> source name
};

std::string SanitizedName(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out += IsSimpleName(std::string_view(&c, 1)) ? c : '_';
  }
  return out.empty() ? "shop" : out;
}

// A non-empty list of non-empty strings; reports `empty_message` for an empty list.
std::vector<std::string> StringList(YamlReader* r, const Field& f, std::string_view example,
                                    const std::string& empty_message) {
  std::vector<std::string> out;
  auto items = r->List(f);
  if (!items) return out;
  if (items->empty()) r->Error(f, empty_message, std::string(example));
  for (const Field& item : *items) {
    if (auto s = r->String(item, /*allow_empty=*/false)) out.push_back(*s);
  }
  return out;
}

void ParseFile(YamlReader* r, const Field& f, const std::string& dir, FileSourceConfig* out) {
  MapFields m(r, f, &kFileFields);
  if (!m.ok()) return;
  if (const Field* paths = m.Get("paths")) {
    for (const std::string& p :
         StringList(r, *paths, "paths: [/var/log/app.log]", "at least one path is required")) {
      out->paths.push_back(ResolvePath(dir, p));
    }
  } else {
    r->Error(f.pos, f.path, "missing required field \"paths\"", "paths: [/var/log/app.log]");
  }
  if (const Field* start = m.Get("start_at")) {
    if (auto i = r->Enum(*start, "start_at", kStartAt)) {
      out->start_at = *i == 0 ? StartAt::kEnd : StartAt::kBeginning;
    }
  }
}

void ParseHttp(YamlReader* r, const Field& f, const std::string& source, Seen* seen,
               HttpSourceConfig* out) {
  MapFields m(r, f, &kHttpFields);
  if (!m.ok()) return;
  if (const Field* path = m.Get("path")) {
    if (auto p = r->String(*path)) {
      if (p->empty() || (*p)[0] != '/') {
        r->Error(*path, "path must start with \"/\"", "\"/" + *p + "\"");
      } else if (auto [it, inserted] = seen->http_paths.emplace(*p, source); !inserted) {
        r->Error(*path, "path \"" + *p + "\" is already used by source \"" + it->second + "\"");
      } else {
        out->path = *p;
      }
    }
  } else if (auto [it, inserted] = seen->http_paths.emplace(out->path, source); !inserted) {
    r->Error(f.pos, f.path,
             "default path \"" + out->path + "\" is already used by source \"" + it->second + "\"",
             "path: /ingest_" + source);
  }
  if (const Field* max = m.Get("max_body_bytes")) {
    if (auto v = r->PositiveInt(*max)) out->max_body_bytes = *v;
  }
  if (const Field* token = m.Get("bearer_token")) {
    if (auto t = r->String(*token, /*allow_empty=*/false)) out->bearer_token = *t;
  }
}

void ParseKafka(YamlReader* r, const Field& f, KafkaSourceConfig* out) {
  MapFields m(r, f, &kKafkaFields);
  if (!m.ok()) return;
  if (const Field* brokers = m.Get("brokers")) {
    out->brokers =
        StringList(r, *brokers, "brokers: [\"127.0.0.1:9092\"]", "at least one broker is required");
  } else {
    r->Error(f.pos, f.path, "missing required field \"brokers\"", "brokers: [\"127.0.0.1:9092\"]");
  }
  if (const Field* topics = m.Get("topics")) {
    out->topics = StringList(r, *topics, "topics: [orders]", "at least one topic is required");
  } else {
    r->Error(f.pos, f.path, "missing required field \"topics\"", "topics: [orders]");
  }
  if (const Field* group = m.Get("group")) {
    if (auto g = r->String(*group, /*allow_empty=*/false)) out->group = *g;
  }
  if (const Field* props = m.Get("properties")) {
    MapFields pm(r, *props, /*allowed=*/nullptr);
    for (const auto& [key, value] : pm.all()) {
      if (auto v = r->String(value)) out->properties[key] = *v;
    }
  }
}

void ParseTimestamp(YamlReader* r, const Field& f, std::optional<TimestampConfig>* out) {
  MapFields m(r, f, &kTimestampFields);
  if (!m.ok()) return;
  TimestampConfig ts;
  ts.pos = f.pos;
  ts.layout_pos = f.pos;
  bool ok = true;
  if (const Field* field = m.Get("field")) {
    auto s = r->String(*field, /*allow_empty=*/false);
    if (s) ts.field = *s;
    ok = ok && s.has_value();
  } else {
    r->Error(f.pos, f.path, "missing required field \"field\"", "timestamp: {field: ts}");
    ok = false;
  }
  if (const Field* layout = m.Get("layout")) {
    std::string text = layout->node.IsScalar() ? layout->node.Scalar() : "";
    if (!layout->node.IsScalar()) {
      r->String(*layout);  // reports the type error
      ok = false;
    } else if (text != "rfc3339" && text != "unix" && text != "unix_ms" &&
               text.find('%') == std::string::npos) {
      r->Error(*layout, "unknown timestamp layout " + YamlReader::Describe(layout->node),
               "rfc3339, unix, unix_ms or a strftime layout such as \"%d/%b/%Y:%H:%M:%S %z\"");
      ok = false;
    } else {
      ts.layout = text;
      ts.layout_pos = r->TextPos(*layout);
    }
  }
  if (ok) *out = ts;
}

SourceConfig ParseSource(YamlReader* r, const Field& f, const std::string& dir, Seen* seen) {
  SourceConfig src;
  src.pos = f.pos;
  src.path = f.path;
  MapFields m(r, f, &kSourceFields);
  if (!m.ok()) return src;

  if (const Field* name = m.Get("name")) {
    if (auto n = r->String(*name, /*allow_empty=*/false)) {
      src.name = *n;
      if (!IsSimpleName(*n)) {
        r->Error(*name, "invalid source name \"" + *n + "\"",
                 "a name made of a-z, 0-9 and _, such as \"" + SanitizedName(*n) + "\"");
      } else if (auto [it, inserted] = seen->names.emplace(*n, name->pos.line); !inserted) {
        r->Error(
            *name, "duplicate source name \"" + *n + "\"",
            "a unique name; \"" + *n + "\" is already used at line " + std::to_string(it->second));
      }
    }
  } else {
    r->Error(f, "missing required field \"name\"", "name: shop");
  }

  const Field* input = nullptr;
  std::string input_key;
  for (const auto& [key, value] : m.all()) {
    if (std::find(kInputs.begin(), kInputs.end(), key) == kInputs.end()) continue;
    if (input != nullptr) {
      r->Error(value.key_pos, value.path,
               "a source has exactly one input; found \"" + input_key + "\" and \"" + key + "\"",
               "splitting it into two sources");
      continue;
    }
    input = &value;
    input_key = key;
    if (key == "file") {
      src.kind = SourceKind::kFile;
      ParseFile(r, value, dir, &src.file);
    } else if (key == "stdin") {
      src.kind = SourceKind::kStdin;
      MapFields none(r, value, &kNoFields);
      if (!seen->stdin_source.empty()) {
        r->Error(
            value.key_pos, value.path,
            "only one source may read stdin; source \"" + seen->stdin_source + "\" already does");
      } else {
        seen->stdin_source = src.name.empty() ? "?" : src.name;
      }
    } else if (key == "http") {
      src.kind = SourceKind::kHttp;
      ParseHttp(r, value, src.name, seen, &src.http);
    } else {
      src.kind = SourceKind::kKafka;
      ParseKafka(r, value, &src.kafka);
    }
  }
  if (input == nullptr) {
    r->Error(f, "missing input: one of file, stdin, http, kafka",
             "file: {paths: [/var/log/app.log]}");
  }

  std::optional<size_t> format;
  if (const Field* fmt = m.Get("format")) {
    format = r->Enum(*fmt, "format", kFormats);
    if (format) src.format = static_cast<SourceFormat>(*format);
  } else {
    r->Error(f, "missing required field \"format\"", "format: json (or logfmt, regex)");
  }
  const Field* pattern = m.Get("pattern");
  if (pattern != nullptr && format && src.format != SourceFormat::kRegex) {
    r->Error(pattern->key_pos, pattern->path, "\"pattern\" applies only to format: regex",
             "removing it, or format: regex");
  } else if (pattern != nullptr) {
    if (auto e = ReadExpr(r, *pattern)) src.pattern = *e;
  } else if (format && src.format == SourceFormat::kRegex) {
    r->Error(f, "missing required field \"pattern\" (format: regex)",
             "pattern: '^(?P<ip>\\S+) (?P<status>\\d{3})' (RE2 with named groups)");
  }

  if (const Field* ts = m.Get("timestamp")) ParseTimestamp(r, *ts, &src.timestamp);
  if (const Field* max = m.Get("max_line_bytes")) {
    if (auto v = r->PositiveInt(*max)) src.max_line_bytes = *v;
  }
  return src;
}

}  // namespace

std::vector<SourceConfig> ParseSources(YamlReader* r, const Field& list, const std::string& dir) {
  std::vector<SourceConfig> out;
  auto items = r->List(list);
  if (!items) return out;
  if (items->empty()) r->Error(list, "at least one source is required");
  Seen seen;
  for (const Field& item : *items) out.push_back(ParseSource(r, item, dir, &seen));
  return out;
}

}  // namespace bam::exporter::config_internal
