// logfmt lines: `key=value key="quoted \"value\"" flag`.
//
// Keys and plain values are views into the line. Quoted values with escapes are unescaped into a
// scratch buffer that is sized to the line before any value is written (unescaping never lengthens
// a value), so views into it stay valid for the whole line.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/parsers/parser.h"
#include "exporter/parsers/record.h"

namespace bam::exporter {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads `count` hex digits at in[0..count); false when they are not all hex.
bool ReadHex(std::string_view in, size_t count, uint32_t* out) {
  if (in.size() < count) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < count; ++i) {
    const int d = HexDigit(in[i]);
    if (d < 0) return false;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  *out = v;
  return true;
}

// Writes `cp` as UTF-8 (U+FFFD for surrogates and out-of-range values); returns bytes written.
size_t PutUtf8(uint32_t cp, char* out) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// Unescapes the body of a quoted value (Go strconv.Quote escapes, which logrus and go-kit emit)
// into `out`; returns the length written, never more than in.size(). Unknown escapes are kept
// verbatim.
size_t Unescape(std::string_view in, char* out) {
  size_t n = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\' || i + 1 >= in.size()) {
      out[n++] = in[i];
      continue;
    }
    const char e = in[++i];
    uint32_t cp = 0;
    switch (e) {
      case 'n':
        out[n++] = '\n';
        break;
      case 't':
        out[n++] = '\t';
        break;
      case 'r':
        out[n++] = '\r';
        break;
      case 'a':
        out[n++] = '\a';
        break;
      case 'b':
        out[n++] = '\b';
        break;
      case 'f':
        out[n++] = '\f';
        break;
      case 'v':
        out[n++] = '\v';
        break;
      case '"':
      case '\\':
      case '/':
      case '\'':
        out[n++] = e;
        break;
      case 'x':
        if (ReadHex(in.substr(i + 1), 2, &cp)) {
          out[n++] = static_cast<char>(cp);
          i += 2;
        } else {
          out[n++] = '\\';
          out[n++] = e;
        }
        break;
      case 'u':
      case 'U': {
        const size_t digits = e == 'u' ? 4 : 8;
        if (ReadHex(in.substr(i + 1), digits, &cp)) {
          n += PutUtf8(cp, out + n);
          i += digits;
        } else {
          out[n++] = '\\';
          out[n++] = e;
        }
        break;
      }
      default:
        out[n++] = '\\';
        out[n++] = e;
    }
  }
  return n;
}

struct Field {
  std::string_view key;
  Value value;
};

class LogfmtRecord final : public Record {
 public:
  std::vector<Field>& fields() { return fields_; }

  Value Root() const override { return Value::Node(ValueKind::kObject, 0); }

  Value Member(const Value& base, const FieldPath& path) const override {
    if (base.kind != ValueKind::kObject || base.handle != 0) return Value::Null();
    // Last occurrence wins, as when a logfmt line is decoded into a map.
    for (auto it = fields_.rbegin(); it != fields_.rend(); ++it) {
      if (it->key == path.text) return it->value;
    }
    return Value::Null();
  }

  size_t ArrayLength(const Value&) const override { return 0; }
  Value Element(const Value&, size_t) const override { return Value::Null(); }

 private:
  std::vector<Field> fields_;
};

class LogfmtParser final : public Parser {
 public:
  const Record* Parse(std::string_view line) override {
    std::vector<Field>& fields = record_.fields();
    fields.clear();
    if (scratch_.size() < line.size()) scratch_.resize(line.size());
    size_t used = 0;  // bytes of scratch_ holding unescaped values of this line
    const size_t n = line.size();
    size_t i = 0;
    while (true) {
      while (i < n && IsSpace(line[i])) ++i;
      if (i == n) break;
      const size_t key_start = i;
      while (i < n && !IsSpace(line[i]) && line[i] != '=' && line[i] != '"') ++i;
      if (i == key_start) return nullptr;  // `=value` or a stray quote
      const std::string_view key = line.substr(key_start, i - key_start);
      if (i == n || IsSpace(line[i])) {
        fields.push_back({key, Value::Bool(true)});
        continue;
      }
      if (line[i] == '"') return nullptr;  // quote inside a key
      ++i;                                 // '='
      if (i < n && line[i] == '"') {
        ++i;
        const size_t body_start = i;
        bool escaped = false;
        while (i < n && line[i] != '"') {
          if (line[i] == '\\') {
            escaped = true;
            ++i;
          }
          ++i;
        }
        if (i >= n) return nullptr;  // unterminated quote
        const std::string_view body = line.substr(body_start, i - body_start);
        ++i;                                             // closing quote
        if (i < n && !IsSpace(line[i])) return nullptr;  // `k="a"b`
        if (!escaped) {
          fields.push_back({key, Value::String(body)});
        } else {
          char* out = scratch_.data() + used;
          const size_t len = Unescape(body, out);
          used += len;
          fields.push_back({key, Value::String(std::string_view(out, len))});
        }
        continue;
      }
      const size_t value_start = i;
      while (i < n && !IsSpace(line[i])) {
        if (line[i] == '"') return nullptr;  // `k=a"b`
        ++i;
      }
      fields.push_back({key, Value::String(line.substr(value_start, i - value_start))});
    }
    if (fields.empty()) return nullptr;  // blank line
    return &record_;
  }

 private:
  LogfmtRecord record_;
  std::string scratch_;  // never resized while a line's views into it are live
};

}  // namespace

std::unique_ptr<Parser> NewLogfmtParser() { return std::make_unique<LogfmtParser>(); }

}  // namespace bam::exporter
