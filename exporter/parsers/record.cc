#include "exporter/parsers/record.h"

#include <cctype>

namespace bam::exporter {

namespace {

bool IsKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '@' ||
         c == '$';
}

}  // namespace

bool FieldPath::Parse(std::string_view text, FieldPath* out) {
  out->segments.clear();
  out->text = std::string(text);
  size_t i = 0;
  bool expect_key = true;
  while (i < text.size()) {
    if (text[i] == '[') {
      if (out->segments.empty() || expect_key) return false;  // "[0]", "a.[0]"
      size_t j = i + 1;
      size_t index = 0;
      if (j >= text.size() || !std::isdigit(static_cast<unsigned char>(text[j]))) return false;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) {
        index = index * 10 + static_cast<size_t>(text[j] - '0');
        if (index > (1u << 30)) return false;
        ++j;
      }
      if (j >= text.size() || text[j] != ']') return false;
      PathSegment seg;
      seg.is_index = true;
      seg.index = index;
      out->segments.push_back(std::move(seg));
      i = j + 1;
      expect_key = false;
      continue;
    }
    if (text[i] == '.') {
      if (expect_key) return false;  // leading dot or ".."
      expect_key = true;
      ++i;
      continue;
    }
    if (!expect_key) return false;  // e.g. "a[0]b"
    size_t j = i;
    while (j < text.size() && IsKeyChar(text[j])) ++j;
    if (j == i) return false;
    PathSegment seg;
    seg.key = std::string(text.substr(i, j - i));
    out->segments.push_back(std::move(seg));
    i = j;
    expect_key = false;
  }
  return !out->segments.empty() && !expect_key;
}

}  // namespace bam::exporter
