// TextAt::At and the small helpers shared by the catalog's section parsers.
#include <prometheus/check_names.h>

#include <algorithm>
#include <string>

#include "rulesvc/catalog/catalog.h"
#include "rulesvc/catalog/catalog_parts.h"

namespace bam::rulesvc {

Position TextAt::At(size_t offset) const {
  offset = std::min(offset, text.size());
  Position base = pos;
  size_t base_offset = 0;
  size_t newline = 0;  // offset just after the i-th '\n', for entries without line_offsets
  for (size_t i = 0; i < line_starts.size(); ++i) {
    size_t start;
    if (i < line_offsets.size()) {
      start = line_offsets[i];
    } else {
      size_t nl = text.find('\n', newline);
      if (nl == std::string::npos) break;
      start = newline = nl + 1;
    }
    if (start > offset) break;
    base = line_starts[i];
    base_offset = start;
  }
  return Position{base.line, base.column + static_cast<int>(offset - base_offset)};
}

namespace catalog_internal {

std::optional<TextAt> ReadText(YamlReader* r, const Field& f, bool allow_empty) {
  std::optional<ScalarText> s;
  if (allow_empty) {
    if (!r->String(f)) return std::nullopt;
    s = r->Locate(f);
  } else {
    s = r->Expr(f);
    if (!s) return std::nullopt;
  }
  return TextAt{std::move(s->text),   r->file(), s->pos, f.path, std::move(s->starts),
                std::move(s->offsets)};
}

void ErrorAt(YamlReader* r, const TextAt& text, size_t offset, std::string message,
             std::string hint) {
  r->Error(text.At(offset), text.path, std::move(message), std::move(hint));
}

std::string Where(const std::string& file, Position pos) {
  return file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

bool IsId(std::string_view id, char sep) {
  if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [sep](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == sep;
  });
}

std::optional<std::string> ReadId(
    YamlReader* r, const Field& item, const Field* f, const IdKind& kind,
    const std::function<std::optional<std::string>(const std::string&)>& first) {
  const std::string example = std::string("id: ") + kind.example;
  if (f == nullptr) {
    r->Error(item, "missing required field \"id\"", example);
    return std::nullopt;
  }
  std::optional<std::string> id = r->String(*f, false);
  if (!id) return std::nullopt;
  if (!IsId(*id, kind.sep)) {
    std::string better = SuggestId(*id, kind.sep);
    r->Error(*f,
             std::string("invalid ") + kind.what + " id \"" + *id + "\": use a-z, 0-9 and '" +
                 kind.sep + "', starting with a letter",
             better.empty() ? example : "id: " + better);
    return std::nullopt;
  }
  if (std::optional<std::string> where = first(*id)) {
    r->Error(
        *f,
        std::string("duplicate ") + kind.what + " id \"" + *id + "\", first defined at " + *where,
        std::string("another id, or removing one of the two ") + kind.what + "s");
    return std::nullopt;
  }
  return id;
}

bool CheckLabel(YamlReader* r, Position pos, const std::string& path, const std::string& name) {
  if (prometheus::CheckLabelName(name)) return true;
  std::string better = SuggestId(name, '_');
  r->Error(
      pos, path, "invalid label name \"" + name + "\"",
      better.empty() ? "letters, digits and '_', not starting with a digit" : "\"" + better + "\"");
  return false;
}

std::string SuggestId(std::string_view text, char sep) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (ok) {
      out += c;
    } else if (!out.empty() && out.back() != sep) {
      out += sep;
    }
  }
  while (!out.empty() && out.back() == sep) out.pop_back();
  size_t first = out.find_first_of("abcdefghijklmnopqrstuvwxyz");
  if (first == std::string::npos) return "";
  out.erase(0, first);
  return out;
}

}  // namespace catalog_internal
}  // namespace bam::rulesvc
