// YamlReader, MapFields: walk a yaml-cpp tree for a config or catalog loader, turning every
// problem into a Diagnostic with the node's FILE:LINE:COL and field path
// (`sources[1].file.paths[0]`).
//
// yaml-cpp Marks are 0-based and point at the token start: the opening quote of a quoted scalar,
// the '|' or '>' of a block scalar, a leading `!tag` or `&anchor`. TextPos() reads the raw line to
// find the first character of the scalar's text instead, which is what expression errors need.
// Columns count bytes, as yaml-cpp does. Nothing here throws.
// Not thread-safe: a reader appends to one DiagnosticList.
#ifndef BAM_COMMON_YAML_READER_H_
#define BAM_COMMON_YAML_READER_H_

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/diagnostic.h"
#include "common/duration.h"

namespace bam {

// A scalar's text with where its pieces are in the file. Byte `offsets[i]` of `text` is at file
// position `starts[i]`; bytes in between advance one column each. `offsets` is empty for text that
// maps column for column from `pos`; otherwise it has an entry where each source line's content
// starts (block scalars, multi-line flow scalars) and where text resumes after an escape sequence
// or a doubled quote.
struct ScalarText {
  std::string text;
  Position pos;  // first character of the text
  std::vector<size_t> offsets;
  std::vector<Position> starts;

  // File position of byte `offset` of `text` (clamped to the end of the text).
  Position At(size_t offset) const;
};

// One value of the tree with where it is and what it is called.
struct Field {
  YAML::Node node;
  Position pos;      // the value's position; the key's position when the value is empty (null)
  Position key_pos;  // the key's position (the value's own position for list items)
  std::string path;  // e.g. "metrics[3].labels.region"
};

class YamlReader {
 public:
  // `text` is the whole file, used to locate scalar text (TextPos). `diags` must outlive the
  // reader.
  YamlReader(std::string file, std::string_view text, DiagnosticList* diags);

  const std::string& file() const { return file_; }
  // Parses the text as a single YAML document. Reports a syntax error and returns nullopt, or
  // reports a second document and returns the first. Empty text gives a null node.
  std::optional<YAML::Node> LoadDocument();
  void Error(Position pos, std::string path, std::string message, std::string hint = "");
  void Error(const Field& f, std::string message, std::string hint = "") {
    Error(f.pos, f.path, std::move(message), std::move(hint));
  }

  // 1-based position of `node`, or `fallback` for an empty node (whose Mark points elsewhere).
  static Position PosOf(const YAML::Node& node, Position fallback);
  // The root of a document as a Field with an empty path.
  static Field Root(const YAML::Node& node);
  // Child `i` of a list field.
  static Field Item(const Field& list, const YAML::Node& node, size_t i);

  // First character of a scalar's text: after a quote, a tag or an anchor; for a block scalar the
  // first non-blank character of its first line.
  Position TextPos(const Field& f) const;

  // "nothing", "a list", "a mapping" or the scalar quoted ("\"5m\"") — for "found ..." messages.
  static std::string Describe(const YAML::Node& node);

  // Typed reads. Each reports a problem at `f` and returns nullopt when the value has the wrong
  // shape. A scalar's text (numbers and booleans too, as written).
  std::optional<std::string> String(const Field& f, bool allow_empty = true);
  // A scalar's text located in the file (see ScalarText); `f` must be a scalar. When the source
  // cannot be matched with the node's value (unusual escapes, tabs in indentation), the result
  // has no offsets and maps columns from the first character.
  ScalarText Locate(const Field& f) const;
  // A non-blank scalar, located, for text that is parsed later (expressions, templates).
  std::optional<ScalarText> Expr(const Field& f);
  // A decimal integer >= 1.
  std::optional<uint64_t> PositiveInt(const Field& f);
  // A decimal integer >= 0.
  std::optional<uint64_t> NonNegativeInt(const Field& f);
  // A finite decimal number ("0.95", "1000", "-2", "1e3").
  std::optional<double> Number(const Field& f);
  // true or false (also True, TRUE, False, FALSE, as YAML 1.2 spells them).
  std::optional<bool> Bool(const Field& f);
  // A duration ("30s", "1h30m") > 0, in milliseconds (see common/duration.h).
  std::optional<int64_t> PositiveDuration(const Field& f);
  // One of `allowed`; returns its index. `what` names the value in messages ("format"); the hint
  // lists the allowed values.
  std::optional<size_t> Enum(const Field& f, std::string_view what,
                             const std::vector<std::string>& allowed);
  // The items of a list. For a single scalar the hint shows it as a one-item list (`paths: [x]`).
  std::optional<std::vector<Field>> List(const Field& f);

 private:
  std::string file_;
  std::string text_;
  std::vector<std::string_view> lines_;  // views into text_, without '\r' or '\n'
  DiagnosticList* diags_;

  std::optional<uint64_t> Unsigned(const Field& f, bool allow_zero);
  // TextPos, and the quote or block indicator before the text ('"', '\'', '|', '>'; 0 if none).
  Position TextStart(const Field& f, char* indicator) const;
};

// The fields of one mapping in file order, after reporting a value that is not a mapping (an empty
// value reads as an empty mapping), non-scalar keys, duplicate keys and — when `allowed` is given —
// unknown keys, with a "did you mean" hint.
class MapFields {
 public:
  MapFields(YamlReader* reader, const Field& map, const std::vector<std::string>* allowed);

  // False when the value was neither a mapping nor empty (already reported).
  bool ok() const { return ok_; }
  // The field named `name`, or nullptr when absent (or unknown).
  const Field* Get(std::string_view name) const;
  // Every accepted field, in file order: (key, value).
  const std::vector<std::pair<std::string, Field>>& all() const { return fields_; }

 private:
  bool ok_ = true;
  std::vector<std::pair<std::string, Field>> fields_;
};

// True for a non-empty name made of [a-z0-9_] (source and lookup names).
bool IsSimpleName(std::string_view name);
// `"closest"` when one is close to `word`, else "one of: a, b, c".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace bam

#endif  // BAM_COMMON_YAML_READER_H_
