// LocateScalar (see yaml_scalar.h): block scalars line by line, flow scalars character by
// character with YAML's line folding and escapes.
#include "common/yaml_scalar.h"

#include <cstdint>

namespace bam::yaml_internal {
namespace {

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

size_t FirstNonBlank(std::string_view line) {
  size_t i = line.find_first_not_of(" \t");
  return i == std::string_view::npos ? line.size() : i;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

size_t Utf8Length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

// Length in the source and in the value of the escape sequence starting at line[col] ('\\'), or
// false for an unknown or truncated one.
bool Escape(std::string_view line, size_t col, size_t* source_len, size_t* value_len) {
  if (col + 1 >= line.size()) return false;
  char e = line[col + 1];
  size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
  if (digits > 0) {
    if (col + 2 + digits > line.size()) return false;
    uint32_t cp = 0;
    for (size_t i = 0; i < digits; ++i) {
      int h = Hex(line[col + 2 + i]);
      if (h < 0) return false;
      cp = cp * 16 + static_cast<uint32_t>(h);
    }
    *source_len = 2 + digits;
    *value_len = Utf8Length(cp);
    return true;
  }
  *source_len = 2;
  *value_len = (e == 'N' || e == '_') ? 2 : (e == 'L' || e == 'P') ? 3 : 1;
  return true;
}

class Locator {
 public:
  Locator(const std::vector<std::string_view>& lines, std::string_view value,
          std::vector<size_t>* offsets, std::vector<Position>* starts)
      : lines_(lines), v_(value), offsets_(offsets), starts_(starts) {}

  // Each content line is the source line without its indentation; a line break in the value
  // (literal, or a kept break in a folded scalar) or a space (folded) ends it.
  bool Block(Position start) {
    size_t indent = static_cast<size_t>(start.column - 1);
    size_t line = static_cast<size_t>(start.line - 1);
    for (bool first = true; j_ < v_.size(); first = false, ++line) {
      if (line >= lines_.size()) return false;
      std::string_view l = lines_[line];
      if (!IsBlank(l) && FirstNonBlank(l) < indent) return false;  // the block ended early
      std::string_view content = l.size() > indent ? l.substr(indent) : std::string_view();
      if (!first && !content.empty()) Restart(line, indent);
      if (v_.substr(j_, content.size()) != content) return false;
      j_ += content.size();
      if (j_ < v_.size() && (v_[j_] == '\n' || v_[j_] == ' ')) ++j_;
    }
    return true;
  }

  bool Flow(ScalarStyle style, Position start) {
    size_t line = static_cast<size_t>(start.line - 1);
    size_t col = static_cast<size_t>(start.column - 1);
    while (j_ < v_.size()) {
      if (line >= lines_.size()) return false;
      std::string_view l = lines_[line];
      if (col >= l.size() || IsBlank(l.substr(col))) {
        // A line break with the blanks around it: one space, or one '\n' per empty line.
        size_t next = line + 1, empty = 0;
        while (next < lines_.size() && IsBlank(lines_[next])) ++next, ++empty;
        if (next >= lines_.size()) return false;
        for (size_t k = 0; k < (empty == 0 ? 1 : empty); ++k) {
          if (j_ >= v_.size() || v_[j_] != (empty == 0 ? ' ' : '\n')) return false;
          ++j_;
        }
        line = next;
        col = FirstNonBlank(lines_[line]);
        Restart(line, col);
        continue;
      }
      char c = l[col];
      if (style == ScalarStyle::kDoubleQuoted && c == '\\') {
        if (col + 1 == l.size()) {  // escaped line break: the lines join without a space
          if (++line >= lines_.size()) return false;
          col = FirstNonBlank(lines_[line]);
        } else {
          size_t source_len = 0, value_len = 0;
          if (!Escape(l, col, &source_len, &value_len) || j_ + value_len > v_.size()) return false;
          j_ += value_len;
          col += source_len;
        }
        Restart(line, col);
        continue;
      }
      if (style == ScalarStyle::kSingleQuoted && c == '\'') {
        if (col + 1 >= l.size() || l[col + 1] != '\'' || v_[j_] != '\'') return false;
        ++j_;
        col += 2;
        Restart(line, col);
        continue;
      }
      if (c != v_[j_]) return false;
      ++j_;
      ++col;
    }
    return true;
  }

 private:
  void Restart(size_t line, size_t col) {
    offsets_->push_back(j_);
    starts_->push_back(Position{static_cast<int>(line) + 1, static_cast<int>(col) + 1});
  }

  const std::vector<std::string_view>& lines_;
  std::string_view v_;
  std::vector<size_t>* offsets_;
  std::vector<Position>* starts_;
  size_t j_ = 0;
};

}  // namespace

bool LocateScalar(const std::vector<std::string_view>& lines, ScalarStyle style, Position start,
                  std::string_view value, std::vector<size_t>* offsets,
                  std::vector<Position>* starts) {
  if (start.line < 1 || start.column < 1) return false;
  Locator locator(lines, value, offsets, starts);
  if (style == ScalarStyle::kLiteral || style == ScalarStyle::kFolded) {
    return locator.Block(start);
  }
  return locator.Flow(style, start);
}

}  // namespace bam::yaml_internal
