#include "loggen/civil_time.h"

#include <charconv>

#include "common/civil_days.h"

namespace bam::loggen {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

void Put(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::optional<int64_t> ParseRfc3339(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, &y) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &h) || s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kMonthDays[mo - 1] || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t frac_ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 3) frac_ms = frac_ms * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) frac_ms *= 10;
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  int64_t days = DaysFromCivil(y, mo, d);
  return ((days * 24 + h) * 60 + mi - offset_min) * kMinuteMs + sec * kSecondMs + frac_ms;
}

void FormatRfc3339(int64_t ms, char* out) {
  int64_t days = ms / kDayMs;
  int64_t rem = ms % kDayMs;
  int64_t y;
  int mo, d;
  CivilFromDays(days, &y, &mo, &d);
  Put(out, static_cast<int>(y), 4);
  out[4] = '-';
  Put(out + 5, mo, 2);
  out[7] = '-';
  Put(out + 8, d, 2);
  out[10] = 'T';
  Put(out + 11, static_cast<int>(rem / kHourMs), 2);
  out[13] = ':';
  Put(out + 14, static_cast<int>(rem / kMinuteMs % 60), 2);
  out[16] = ':';
  Put(out + 17, static_cast<int>(rem / kSecondMs % 60), 2);
  out[19] = '.';
  Put(out + 20, static_cast<int>(rem % 1000), 3);
  out[23] = 'Z';
}

std::string FormatRfc3339(int64_t ms) {
  std::string s(24, ' ');
  FormatRfc3339(ms, s.data());
  return s;
}

std::optional<int64_t> ParseDuration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t total = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    int64_t n = 0;
    auto [next, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), n);
    if (ec != std::errc() || n < 0) return std::nullopt;
    pos = static_cast<size_t>(next - s.data());
    int64_t unit;
    if (s.substr(pos, 2) == "ms") {
      unit = 1;
      pos += 2;
    } else if (pos < s.size()) {
      switch (s[pos]) {
        case 's':
          unit = kSecondMs;
          break;
        case 'm':
          unit = kMinuteMs;
          break;
        case 'h':
          unit = kHourMs;
          break;
        case 'd':
          unit = kDayMs;
          break;
        case 'w':
          unit = 7 * kDayMs;
          break;
        default:
          return std::nullopt;
      }
      ++pos;
    } else {
      return std::nullopt;
    }
    if (n > (int64_t{1} << 50) / unit) return std::nullopt;
    total += n * unit;
  }
  return total;
}

int DayOfWeek(int64_t ms) {
  int64_t days = ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs;
  return static_cast<int>(((days + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday
}

}  // namespace bam::loggen
