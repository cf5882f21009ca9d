#include "exporter/parsers/timestamp.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/parsers/civil_time.h"

namespace bam::exporter {
namespace {

constexpr int64_t kMillisPerDay = 86'400'000;
// Years 0000 to 9999: anything outside is a garbled field, and the bounds keep the arithmetic
// far from int64 overflow.
constexpr int64_t kMinMillis = civil::DaysFromCivil(0, 1, 1) * kMillisPerDay;
constexpr int64_t kMaxMillis = civil::DaysFromCivil(10000, 1, 1) * kMillisPerDay - 1;

constexpr std::string_view kSupported = "%Y %m %d %H %M %S %b %z %f %%";
constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::string_view kMonthRest[] = {"uary", "ruary", "ch",     "il",   "",      "e",
                                           "y",    "ust",   "tember", "ober", "ember", "ember"};

// Broken-down time as read from the input; fields absent from a layout keep these defaults.
struct Civil {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int millis = 0;          // fraction of the second, truncated to milliseconds
  int offset_seconds = 0;  // local time minus UTC
};

bool ToMillis(const Civil& c, int64_t* out) {
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > civil::DaysInMonth(c.year, c.month) ||
      c.hour > 23 || c.minute > 59 || c.second > 59) {
    return false;
  }
  const int64_t seconds = civil::DaysFromCivil(c.year, c.month, c.day) * 86'400 +
                          int64_t{c.hour} * 3600 + int64_t{c.minute} * 60 + c.second -
                          c.offset_seconds;
  const int64_t millis = seconds * 1000 + c.millis;
  if (millis < kMinMillis || millis > kMaxMillis) return false;
  *out = millis;
  return true;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads the input left to right; every method returns false (leaving the position unspecified)
// when the text does not match.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool AtEnd() const { return pos_ == s_.size(); }

  bool Char(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Between min and max digits (greedy).
  template <typename Int>
  bool Digits(size_t min, size_t max, Int* out) {
    Int v = 0;
    size_t n = 0;
    while (n < max && pos_ < s_.size() && IsDigit(s_[pos_])) {
      v = static_cast<Int>(v * 10 + (s_[pos_++] - '0'));
      ++n;
    }
    *out = v;
    return n >= min;
  }

  // strptime-style 1-2 digit field: leading blanks are skipped ("Mar  5").
  bool Field(int* out) {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
    return Digits(1, 2, out);
  }

  // One or more digits after the decimal point, truncated to milliseconds.
  bool Fraction(int* millis) {
    int v = 0;
    size_t n = 0;
    while (pos_ < s_.size() && IsDigit(s_[pos_])) {
      if (n < 3) v = v * 10 + (s_[pos_] - '0');
      ++n;
      ++pos_;
    }
    for (size_t i = n; i < 3; ++i) v *= 10;
    *millis = v;
    return n > 0;
  }

  // Z, +hh:mm, -hh:mm, +hhmm or -hhmm.
  bool Offset(int* seconds) {
    if (Char('Z') || Char('z')) {
      *seconds = 0;
      return true;
    }
    int sign = 1;
    if (Char('-')) {
      sign = -1;
    } else if (!Char('+')) {
      return false;
    }
    int hours = 0, minutes = 0;
    if (!Digits(2, 2, &hours)) return false;
    Char(':');
    if (!Digits(2, 2, &minutes) || hours > 23 || minutes > 59) return false;
    *seconds = sign * (hours * 3600 + minutes * 60);
    return true;
  }

  // English month abbreviation, any case; the full name is accepted too.
  bool Month(int* month) {
    if (s_.size() - pos_ < 3) return false;
    for (int m = 0; m < 12; ++m) {
      const std::string_view abbrev = kMonths[m];
      if (Lower(s_[pos_]) != abbrev[0] || Lower(s_[pos_ + 1]) != abbrev[1] ||
          Lower(s_[pos_ + 2]) != abbrev[2]) {
        continue;
      }
      pos_ += 3;
      const std::string_view rest = kMonthRest[m];
      if (!rest.empty() && s_.size() - pos_ >= rest.size()) {
        size_t i = 0;
        while (i < rest.size() && Lower(s_[pos_ + i]) == rest[i]) ++i;
        if (i == rest.size()) pos_ += i;
      }
      *month = m + 1;
      return true;
    }
    return false;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// 2026-11-01T10:42:00.123Z; 't' or ' ' may separate date and time; offsets with or without ':'.
bool ParseRfc3339(std::string_view s, int64_t* out) {
  Cursor in(s);
  Civil c;
  if (!in.Digits(4, 4, &c.year) || !in.Char('-') || !in.Digits(2, 2, &c.month) || !in.Char('-') ||
      !in.Digits(2, 2, &c.day)) {
    return false;
  }
  if (!in.Char('T') && !in.Char('t') && !in.Char(' ')) return false;
  if (!in.Digits(2, 2, &c.hour) || !in.Char(':') || !in.Digits(2, 2, &c.minute) || !in.Char(':') ||
      !in.Digits(2, 2, &c.second)) {
    return false;
  }
  if (in.Char('.') && !in.Fraction(&c.millis)) return false;
  if (!in.Offset(&c.offset_seconds) || !in.AtEnd()) return false;
  return ToMillis(c, out);
}

// `[-]digits[.digits]` scaled by 10^scale (3 for seconds, 0 for milliseconds), truncated.
bool ParseDecimal(std::string_view s, int scale, int64_t* out) {
  Cursor in(s);
  const bool negative = in.Char('-');
  int64_t whole = 0;
  if (!in.Digits(1, 15, &whole)) return false;
  int millis = 0;
  if (in.Char('.') && !in.Fraction(&millis)) return false;
  if (!in.AtEnd()) return false;
  int64_t v = whole;
  if (scale == 3) v = whole * 1000 + millis;
  if (negative) v = -v;
  if (v < kMinMillis || v > kMaxMillis) return false;
  *out = v;
  return true;
}

bool FromNumber(double d, double scale, int64_t* out) {
  const double millis = std::round(d * scale);
  if (!std::isfinite(millis) || millis < static_cast<double>(kMinMillis) ||
      millis > static_cast<double>(kMaxMillis)) {
    return false;
  }
  *out = static_cast<int64_t>(millis);
  return true;
}

bool ParseStrftime(std::string_view pattern, std::string_view s, int64_t* out) {
  Cursor in(s);
  Civil c;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      if (!in.Char(pattern[i])) return false;
      continue;
    }
    bool ok = false;
    switch (pattern[++i]) {  // Parse() guarantees a directive follows every '%'
      case 'Y':
        ok = in.Digits(4, 4, &c.year);
        break;
      case 'm':
        ok = in.Field(&c.month);
        break;
      case 'd':
        ok = in.Field(&c.day);
        break;
      case 'H':
        ok = in.Field(&c.hour);
        break;
      case 'M':
        ok = in.Field(&c.minute);
        break;
      case 'S':
        ok = in.Field(&c.second);
        break;
      case 'b':
        ok = in.Month(&c.month);
        break;
      case 'z':
        ok = in.Offset(&c.offset_seconds);
        break;
      case 'f':
        ok = in.Fraction(&c.millis);
        break;
      case '%':
        ok = in.Char('%');
        break;
    }
    if (!ok) return false;
  }
  return in.AtEnd() && ToMillis(c, out);
}

}  // namespace

bool TimestampLayout::Parse(std::string_view layout, TimestampLayout* out, std::string* error) {
  out->pattern_.clear();
  if (layout == "rfc3339") {
    out->kind_ = Kind::kRfc3339;
    return true;
  }
  if (layout == "unix") {
    out->kind_ = Kind::kUnix;
    return true;
  }
  if (layout == "unix_ms") {
    out->kind_ = Kind::kUnixMs;
    return true;
  }
  if (layout.find('%') == std::string_view::npos) {
    *error =
        "unknown timestamp layout \"" + std::string(layout) +
        "\"; use rfc3339, unix, unix_ms or a strftime pattern such as \"%d/%b/%Y:%H:%M:%S %z\"";
    return false;
  }
  for (size_t i = 0; i < layout.size(); ++i) {
    if (layout[i] != '%') continue;
    if (i + 1 == layout.size()) {
      *error = "timestamp layout \"" + std::string(layout) +
               "\" ends with a lone '%'; write %% for a literal '%'";
      return false;
    }
    const char d = layout[++i];
    if (d == '%' || (d != ' ' && kSupported.find(d) != std::string_view::npos)) continue;
    *error = "unsupported directive %" + std::string(1, d) + " in timestamp layout \"" +
             std::string(layout) + "\"; supported: " + std::string(kSupported);
    return false;
  }
  out->kind_ = Kind::kStrftime;
  out->pattern_ = std::string(layout);
  return true;
}

bool TimestampLayout::ToUnixMillis(const Value& v, int64_t* millis) const {
  switch (kind_) {
    case Kind::kRfc3339:
      return v.kind == ValueKind::kString && ParseRfc3339(v.str, millis);
    case Kind::kUnix:
    case Kind::kUnixMs: {
      const bool seconds = kind_ == Kind::kUnix;
      if (v.kind == ValueKind::kNumber) return FromNumber(v.number, seconds ? 1000 : 1, millis);
      return v.kind == ValueKind::kString && ParseDecimal(v.str, seconds ? 3 : 0, millis);
    }
    case Kind::kStrftime:
      return v.kind == ValueKind::kString && ParseStrftime(pattern_, v.str, millis);
  }
  return false;
}

}  // namespace bam::exporter
