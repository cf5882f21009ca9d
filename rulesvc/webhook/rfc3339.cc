#include "rulesvc/webhook/rfc3339.h"

#include <cstdio>

#include "common/civil_days.h"

namespace bam::rulesvc {
namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  // Reads exactly n digits.
  bool Digits(int n, int* out) {
    if (pos_ + static_cast<size_t>(n) > s_.size()) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = s_[pos_ + static_cast<size_t>(i)];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += static_cast<size_t>(n);
    *out = v;
    return true;
  }
  bool Peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool PeekDigit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  bool TakeEither(char a, char b) { return Take(a) || Take(b); }
  bool AtEnd() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

StatusOr<int64_t> ParseRfc3339Millis(std::string_view text) {
  auto fail = [&](const char* why) {
    return Status::InvalidArgument("invalid RFC 3339 time \"" + std::string(text) + "\": " + why);
  };
  Scanner sc(text);
  int year, month, day, hour, minute, second;
  if (!sc.Digits(4, &year) || !sc.Take('-') || !sc.Digits(2, &month) || !sc.Take('-') ||
      !sc.Digits(2, &day)) {
    return fail("want YYYY-MM-DD date");
  }
  if (!sc.TakeEither('T', 't')) return fail("want 'T' after the date");
  if (!sc.Digits(2, &hour) || !sc.Take(':') || !sc.Digits(2, &minute) || !sc.Take(':') ||
      !sc.Digits(2, &second)) {
    return fail("want HH:MM:SS time");
  }
  int millis = 0;
  if (sc.Take('.')) {
    int digits = 0;
    while (sc.PeekDigit()) {
      int d;
      sc.Digits(1, &d);
      if (digits < 3) millis = millis * 10 + d;
      ++digits;
    }
    if (digits == 0) return fail("want digits after '.'");
    if (digits > 9) return fail("more than 9 fraction digits");
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  int offset_minutes = 0;
  if (sc.TakeEither('Z', 'z')) {
    // UTC
  } else if (sc.Peek('+') || sc.Peek('-')) {
    const int sign = sc.Take('+') ? 1 : (sc.Take('-'), -1);
    int oh, om;
    if (!sc.Digits(2, &oh) || !sc.Take(':') || !sc.Digits(2, &om)) {
      return fail("want offset as +HH:MM or -HH:MM");
    }
    if (oh > 23) return fail("offset hour out of range");
    if (om > 59) return fail("offset minute out of range");
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return fail("want 'Z' or an offset after the time");
  }
  if (!sc.AtEnd()) return fail("trailing characters");
  if (month < 1 || month > 12) return fail("month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) return fail("day out of range");
  if (hour > 23) return fail("hour out of range");
  if (minute > 59) return fail("minute out of range");
  if (second > 59) return fail("second out of range");

  const int64_t days = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  const int64_t seconds = days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second -
                          int64_t{offset_minutes} * 60;
  return seconds * 1000 + millis;
}

std::string FormatRfc3339Millis(int64_t millis) {
  int64_t secs = millis / 1000;
  int64_t ms = millis % 1000;
  if (ms < 0) {  // floor toward -inf so the fraction is always positive
    ms += 1000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    days -= 1;
  }
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  (void)std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      static_cast<long long>(y), m, d, static_cast<int>(sod / 3600),
                      static_cast<int>(sod / 60 % 60), static_cast<int>(sod % 60),
                      static_cast<int>(ms));
  return buf;
}

}  // namespace bam::rulesvc
