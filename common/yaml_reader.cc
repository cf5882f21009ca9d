// Typed, located reads over a yaml-cpp tree (see yaml_reader.h).
#include "common/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

#include "common/yaml_scalar.h"

namespace bam {
namespace {

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
// reported as a syntax error. Returns false after reporting one. Throws YAML::Exception.
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

}  // namespace

YamlReader::YamlReader(std::string file, std::string_view text, DiagnosticList* diags)
    : file_(std::move(file)), text_(text), diags_(diags) {
  std::string_view rest = text_;
  if (rest.starts_with("\xEF\xBB\xBF")) rest.remove_prefix(3);  // yaml-cpp skips the BOM too
  while (true) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines_.push_back(line);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
}

void YamlReader::Error(Position pos, std::string path, std::string message, std::string hint) {
  diags_->Add(file_, pos, std::move(path), std::move(message), std::move(hint));
}

std::optional<YAML::Node> YamlReader::LoadDocument() {
  try {
    std::vector<YAML::Mark> starts;
    if (!ScanDocuments(text_, this, &starts)) return std::nullopt;
    if (starts.size() > 1) {
      Error(Position{starts[1].line + 1, starts[1].column + 1}, "",
            "only one YAML document is allowed",
            "removing the \"---\" separator and what follows it");
    }
    return starts.empty() ? YAML::Node() : YAML::Load(text_);
  } catch (const YAML::Exception& e) {
    Position pos;
    if (!e.mark.is_null()) pos = Position{e.mark.line + 1, e.mark.column + 1};
    Error(pos, "", "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
}

Position YamlReader::PosOf(const YAML::Node& node, Position fallback) {
  if (!node.IsDefined() || node.IsNull()) return fallback;
  const YAML::Mark m = node.Mark();
  if (m.is_null()) return fallback;
  return Position{m.line + 1, m.column + 1};
}

Field YamlReader::Root(const YAML::Node& node) {
  Position pos = PosOf(node, Position{1, 1});
  return Field{node, pos, pos, ""};
}

Field YamlReader::Item(const Field& list, const YAML::Node& node, size_t i) {
  Position pos = PosOf(node, list.pos);
  return Field{node, pos, pos, list.path + "[" + std::to_string(i) + "]"};
}

Position YamlReader::TextPos(const Field& f) const {
  char indicator = 0;
  return TextStart(f, &indicator);
}

Position YamlReader::TextStart(const Field& f, char* indicator) const {
  Position pos = f.pos;
  if (pos.line < 1 || static_cast<size_t>(pos.line) > lines_.size()) return pos;
  std::string_view line = lines_[pos.line - 1];
  size_t col = static_cast<size_t>(pos.column - 1);
  // Skip node properties: `!tag` and `&anchor`, each followed by blanks.
  while (col < line.size() && (line[col] == '!' || line[col] == '&')) {
    while (col < line.size() && line[col] != ' ' && line[col] != '\t') ++col;
    while (col < line.size() && (line[col] == ' ' || line[col] == '\t')) ++col;
  }
  if (col >= line.size()) return pos;
  if (line[col] == '\'' || line[col] == '"') {
    *indicator = line[col];
    return Position{pos.line, static_cast<int>(col) + 2};
  }
  if (line[col] == '|' || line[col] == '>') {
    // Block scalar: the text starts on the first non-blank line below the indicator.
    for (size_t l = static_cast<size_t>(pos.line); l < lines_.size(); ++l) {
      size_t first = lines_[l].find_first_not_of(" \t");
      if (first != std::string_view::npos) {
        *indicator = line[col];
        return Position{static_cast<int>(l) + 1, static_cast<int>(first) + 1};
      }
    }
    return pos;
  }
  return Position{pos.line, static_cast<int>(col) + 1};
}

Position ScalarText::At(size_t offset) const {
  offset = std::min(offset, text.size());
  Position base = pos;
  size_t base_offset = 0;
  for (size_t i = 0; i < offsets.size() && i < starts.size() && offsets[i] <= offset; ++i) {
    base = starts[i];
    base_offset = offsets[i];
  }
  return Position{base.line, base.column + static_cast<int>(offset - base_offset)};
}

ScalarText YamlReader::Locate(const Field& f) const {
  using yaml_internal::ScalarStyle;
  char indicator = 0;
  ScalarText s{f.node.Scalar(), TextStart(f, &indicator), {}, {}};
  ScalarStyle style = indicator == '"'    ? ScalarStyle::kDoubleQuoted
                      : indicator == '\'' ? ScalarStyle::kSingleQuoted
                      : indicator == '|'  ? ScalarStyle::kLiteral
                      : indicator == '>'  ? ScalarStyle::kFolded
                                          : ScalarStyle::kPlain;
  if (!yaml_internal::LocateScalar(lines_, style, s.pos, s.text, &s.offsets, &s.starts)) {
    s.offsets.clear();
    s.starts.clear();
  }
  return s;
}

std::string YamlReader::Describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "\"" + node.Scalar() + "\"";
}

std::optional<std::string> YamlReader::String(const Field& f, bool allow_empty) {
  if (!f.node.IsScalar()) {
    Error(f, "expected a string, found " + Describe(f.node));
    return std::nullopt;
  }
  if (!allow_empty && f.node.Scalar().empty()) {
    Error(f, "must not be empty");
    return std::nullopt;
  }
  return f.node.Scalar();
}

std::optional<ScalarText> YamlReader::Expr(const Field& f) {
  if (!f.node.IsScalar()) {
    Error(f, "expected an expression, found " + Describe(f.node));
    return std::nullopt;
  }
  if (f.node.Scalar().find_first_not_of(" \t\r\n") == std::string::npos) {
    Error(f, "expression is empty");
    return std::nullopt;
  }
  return Locate(f);
}

std::optional<uint64_t> YamlReader::PositiveInt(const Field& f) { return Unsigned(f, false); }

std::optional<uint64_t> YamlReader::NonNegativeInt(const Field& f) { return Unsigned(f, true); }

std::optional<uint64_t> YamlReader::Unsigned(const Field& f, bool allow_zero) {
  const std::string what = allow_zero ? "an integer >= 0" : "a positive integer";
  if (!f.node.IsScalar()) {
    Error(f, "expected " + what + ", found " + Describe(f.node));
    return std::nullopt;
  }
  const std::string& s = f.node.Scalar();
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || s[0] == '-' || s[0] == '+' || end != s.data() + s.size() ||
      (ec == std::errc() && v == 0 && !allow_zero)) {
    Error(f, "expected " + what + ", found " + Describe(f.node));
    return std::nullopt;
  }
  if (ec != std::errc()) {
    Error(f, "number too large: " + s);
    return std::nullopt;
  }
  return v;
}

std::optional<double> YamlReader::Number(const Field& f) {
  if (f.node.IsScalar()) {
    const std::string& s = f.node.Scalar();
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size() && std::isfinite(v)) {
      return v;
    }
  }
  Error(f, "expected a number, found " + Describe(f.node));
  return std::nullopt;
}

std::optional<bool> YamlReader::Bool(const Field& f) {
  if (f.node.IsScalar()) {
    const std::string& s = f.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
  }
  Error(f, "expected true or false, found " + Describe(f.node), "true or false");
  return std::nullopt;
}

std::optional<int64_t> YamlReader::PositiveDuration(const Field& f) {
  static const char* kHint = "a duration such as 250ms, 30s, 5m, 1h30m, 24h or 7d";
  if (!f.node.IsScalar()) {
    Error(f, "expected a duration, found " + Describe(f.node), kHint);
    return std::nullopt;
  }
  int64_t ms = 0;
  if (!ParseDuration(f.node.Scalar(), &ms)) {
    Error(f, "invalid duration " + Describe(f.node), kHint);
    return std::nullopt;
  }
  if (ms <= 0) {
    Error(f, "duration must be greater than 0", kHint);
    return std::nullopt;
  }
  return ms;
}

std::optional<size_t> YamlReader::Enum(const Field& f, std::string_view what,
                                       const std::vector<std::string>& allowed) {
  std::string hint = "one of: " + JoinNames(allowed);
  if (!f.node.IsScalar()) {
    Error(f, "expected a " + std::string(what) + ", found " + Describe(f.node), hint);
    return std::nullopt;
  }
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (f.node.Scalar() == allowed[i]) return i;
  }
  Error(f, "unknown " + std::string(what) + " " + Describe(f.node), hint);
  return std::nullopt;
}

std::optional<std::vector<Field>> YamlReader::List(const Field& f) {
  if (!f.node.IsSequence()) {
    std::string hint;
    if (f.node.IsScalar()) {
      std::string key = f.path.substr(f.path.find_last_of('.') + 1);  // npos + 1 == 0
      hint = key.substr(0, key.find('[')) + ": [" + f.node.Scalar() + "]";
    }
    Error(f, "expected a list, found " + Describe(f.node), hint);
    return std::nullopt;
  }
  std::vector<Field> items;
  size_t i = 0;
  for (const YAML::Node& n : f.node) items.push_back(Item(f, n, i++));
  return items;
}

MapFields::MapFields(YamlReader* reader, const Field& map,
                     const std::vector<std::string>* allowed) {
  if (!map.node.IsDefined() || map.node.IsNull()) return;  // `stdin:` reads as `stdin: {}`
  if (!map.node.IsMap()) {
    reader->Error(map, "expected a mapping, found " + YamlReader::Describe(map.node));
    ok_ = false;
    return;
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : map.node) {
    Position key_pos = YamlReader::PosOf(kv.first, map.pos);
    std::string prefix = map.path.empty() ? "" : map.path + ".";
    if (!kv.first.IsScalar()) {
      reader->Error(key_pos, map.path,
                    "expected a field name, found " + YamlReader::Describe(kv.first));
      continue;
    }
    const std::string& key = kv.first.Scalar();
    Field value{kv.second, YamlReader::PosOf(kv.second, key_pos), key_pos, prefix + key};
    if (!seen.insert(key).second) {
      reader->Error(key_pos, value.path, "duplicate field \"" + key + "\"",
                    "removing one of them; only one is allowed");
      continue;
    }
    if (allowed != nullptr && std::find(allowed->begin(), allowed->end(), key) == allowed->end()) {
      reader->Error(key_pos, value.path, "unknown field \"" + key + "\"",
                    DidYouMean(key, *allowed));
      continue;
    }
    fields_.emplace_back(key, std::move(value));
  }
}

const Field* MapFields::Get(std::string_view name) const {
  for (const auto& [key, field] : fields_) {
    if (key == name) return &field;
  }
  return nullptr;
}

bool IsSimpleName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best = SuggestClosest(word, candidates);
  if (!best.empty()) return "\"" + best + "\"";
  if (candidates.empty()) return "";
  return "one of: " + JoinNames(candidates);
}

}  // namespace bam
