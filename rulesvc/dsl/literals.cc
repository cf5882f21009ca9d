#include "rulesvc/dsl/literals.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "common/diagnostic.h"
#include "rulesvc/dsl/lexer.h"

namespace bam::rulesvc::dsl::internal {
namespace {

struct DurationUnit {
  std::string_view name;
  int64_t ms;
  int rank;  // larger units first: y=6 … ms=0
};

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

constexpr DurationUnit kDurationUnits[] = {
    {"ms", 1, 0},
    {"s", kSecond, 1},
    {"sec", kSecond, 1},
    {"secs", kSecond, 1},
    {"second", kSecond, 1},
    {"seconds", kSecond, 1},
    {"m", kMinute, 2},
    {"min", kMinute, 2},
    {"mins", kMinute, 2},
    {"minute", kMinute, 2},
    {"minutes", kMinute, 2},
    {"h", kHour, 3},
    {"hr", kHour, 3},
    {"hrs", kHour, 3},
    {"hour", kHour, 3},
    {"hours", kHour, 3},
    {"d", kDay, 4},
    {"day", kDay, 4},
    {"days", kDay, 4},
    {"w", 7 * kDay, 5},
    {"week", 7 * kDay, 5},
    {"weeks", 7 * kDay, 5},
    {"y", 365 * kDay, 6},
    {"year", 365 * kDay, 6},
    {"years", 365 * kDay, 6},
};

struct QuantityUnit {
  std::string_view name;
  NumberUnit unit;
};

constexpr QuantityUnit kQuantityUnits[] = {
    {"%", NumberUnit::kPercent},  {"ms", NumberUnit::kMs},       {"s", NumberUnit::kS},
    {"sec", NumberUnit::kS},      {"secs", NumberUnit::kS},      {"second", NumberUnit::kS},
    {"seconds", NumberUnit::kS},  {"min", NumberUnit::kMin},     {"mins", NumberUnit::kMin},
    {"minute", NumberUnit::kMin}, {"minutes", NumberUnit::kMin}, {"h", NumberUnit::kH},
    {"hour", NumberUnit::kH},     {"hours", NumberUnit::kH},     {"\xE2\x82\xAC", NumberUnit::kEur},
    {"eur", NumberUnit::kEur},    {"euro", NumberUnit::kEur},    {"euros", NumberUnit::kEur},
};

const DurationUnit* FindDurationUnit(std::string_view lower) {
  for (const auto& u : kDurationUnits) {
    if (u.name == lower) return &u;
  }
  return nullptr;
}

const QuantityUnit* FindQuantityUnit(std::string_view lower) {
  for (const auto& u : kQuantityUnits) {
    if (u.name == lower) return &u;
  }
  return nullptr;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// The character at token[i], whole when it is a valid UTF-8 sequence.
std::string_view CharAt(std::string_view token, size_t i) {
  size_t n = Utf8SequenceLength(token, i);
  return token.substr(i, n == 0 ? 1 : n);
}

// The literal as written, glued token and separate unit word joined by one space.
std::string Written(std::string_view token, std::string_view unit_word) {
  std::string out(token);
  if (!unit_word.empty()) out += " " + std::string(unit_word);
  return out;
}

}  // namespace

bool TakesSeparateUnit(std::string_view token) {
  if (token.empty()) return false;
  char last = token.back();
  return IsDigit(last) ||
         ((last == 'k' || last == 'K') && token.size() >= 2 && IsDigit(token[token.size() - 2]));
}

bool IsDurationUnit(std::string_view word) { return FindDurationUnit(Lower(word)) != nullptr; }
bool IsQuantityUnit(std::string_view word) { return FindQuantityUnit(Lower(word)) != nullptr; }

bool ParseDurationText(std::string_view token, std::string_view unit_word, int64_t* ms,
                       LiteralError* error) {
  const std::string written = Written(token, unit_word);
  int64_t total = 0;
  int last_rank = 7;
  bool out_of_order = false;
  bool overflow = false;
  size_t i = 0;
  while (i < token.size()) {
    size_t digits_start = i;
    while (i < token.size() && IsDigit(token[i])) ++i;
    if (i == digits_start) {
      error->message = "unexpected " + Quote(CharAt(token, i)) + " in duration " + Quote(written);
      return false;
    }
    std::string_view digits = token.substr(digits_start, i - digits_start);
    if (i < token.size() && token[i] == '.') {
      // `1.5h`: say how to write it whole.
      size_t frac_end = i + 1;
      while (frac_end < token.size() && IsDigit(token[frac_end])) ++frac_end;
      size_t unit_end = frac_end;
      while (unit_end < token.size() && IsAlpha(token[unit_end])) ++unit_end;
      std::string unit_name =
          Lower(unit_end > frac_end ? token.substr(frac_end, unit_end - frac_end) : unit_word);
      error->message = "durations are whole numbers, found " + Quote(written);
      const DurationUnit* u = FindDurationUnit(unit_name);
      double value = 0;
      std::string number(token.substr(digits_start, frac_end - digits_start));
      auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
      if (u != nullptr && ec == std::errc() && p == number.data() + number.size() &&
          value * static_cast<double>(u->ms) < 1e15) {
        double whole = std::round(value * static_cast<double>(u->ms));
        if (std::fabs(whole - value * static_cast<double>(u->ms)) < 1e-6 && whole >= 1) {
          error->fixed = FormatDurationMs(static_cast<int64_t>(whole));
        }
      }
      return false;
    }
    size_t unit_start = i;
    while (i < token.size() && IsAlpha(token[i])) ++i;
    std::string_view unit_text = token.substr(unit_start, i - unit_start);
    bool separate = false;
    if (unit_text.empty()) {
      if (i == token.size() && digits_start == 0 && !unit_word.empty()) {
        unit_text = unit_word;
        separate = true;
      } else if (i == token.size()) {
        error->message =
            "missing unit in duration " + Quote(written) + " (expected s, m, h, d or w)";
        if (digits_start == 0) error->fixed = std::string(digits) + "m";
        return false;
      } else {
        error->message = "unexpected " + Quote(CharAt(token, i)) + " in duration " + Quote(written);
        return false;
      }
    }
    const DurationUnit* unit = FindDurationUnit(Lower(unit_text));
    if (unit == nullptr) {
      error->message = "unknown unit " + Quote(unit_text) + " in duration " + Quote(written) +
                       " (expected ms, s, m, h, d, w or y)";
      // Most likely meaning first: SuggestClosest keeps the first of equally close names.
      std::string lower = Lower(unit_text);
      std::string closest = lower == "mn" ? "min" : "";
      if (lower.size() >= 3 && closest.empty()) {
        closest = SuggestClosest(lower, {"min", "minutes", "hours", "hour", "days", "day", "weeks",
                                         "week", "seconds", "sec", "years"});
      }
      if (!closest.empty() && !separate && i == token.size() && digits_start == 0) {
        error->fixed = std::string(digits) + closest;
      }
      return false;
    }
    if (unit->rank >= last_rank) out_of_order = true;
    last_rank = unit->rank;
    int64_t n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    int64_t part = 0;
    if (ec != std::errc() || __builtin_mul_overflow(n, unit->ms, &part) ||
        __builtin_add_overflow(total, part, &total)) {
      overflow = true;
    }
  }
  if (overflow) {
    error->message = "duration " + Quote(written) + " is too long";
    return false;
  }
  if (out_of_order) {
    error->message =
        "duration units go from largest to smallest, each once, found " + Quote(written);
    error->fixed = FormatDurationMs(total);
    return false;
  }
  *ms = total;
  return true;
}

bool ParseQuantityText(std::string_view token, std::string_view unit_word, double* value,
                       NumberUnit* unit, LiteralError* error) {
  const std::string written = Written(token, unit_word);
  size_t i = 0;
  while (i < token.size() && IsDigit(token[i])) ++i;
  if (i + 1 < token.size() && token[i] == '.' && IsDigit(token[i + 1])) {
    ++i;
    while (i < token.size() && IsDigit(token[i])) ++i;
  }
  std::string_view number = token.substr(0, i);
  double v = 0;
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (number.empty() || ec != std::errc() || p != number.data() + number.size() ||
      !std::isfinite(v) || v > 1e15) {
    error->message = "number " + Quote(written) + " is too large";
    return false;
  }
  std::string_view suffix = token.substr(i);
  if (!suffix.empty() && (suffix[0] == 'k' || suffix[0] == 'K')) {
    v *= 1000;
    suffix.remove_prefix(1);
  }
  if (suffix.empty()) suffix = unit_word;
  NumberUnit u = NumberUnit::kNone;
  if (!suffix.empty()) {
    const QuantityUnit* q = FindQuantityUnit(Lower(suffix));
    if (q == nullptr) {
      error->message = "unknown unit " + Quote(suffix) + " in " + Quote(written) +
                       " (expected %, ms, s, min, h, € or eur)";
      std::string lower = Lower(suffix);
      std::string closest;
      if (lower == "m" || lower == "mn") {
        closest = "min";
      } else {
        closest = SuggestClosest(lower, {"%", "ms", "s", "min", "h", "eur", "euros"});
      }
      if (!closest.empty() && unit_word.empty()) {
        error->fixed = std::string(token.substr(0, token.size() - suffix.size())) + closest;
      }
      return false;
    }
    u = q->unit;
  }
  *value = v;
  *unit = u;
  return true;
}

std::string FormatDurationMs(int64_t ms) {
  struct Step {
    int64_t ms;
    const char* suffix;
  };
  constexpr Step kSteps[] = {{kDay, "d"}, {kHour, "h"}, {kMinute, "m"}, {kSecond, "s"}};
  if (ms == 0) return "0s";
  for (const auto& s : kSteps) {
    if (ms % s.ms == 0) return std::to_string(ms / s.ms) + s.suffix;
  }
  return std::to_string(ms) + "ms";
}

std::string FormatNumber(double value) {
  if (!std::isfinite(value) || value < 0) value = 0;
  char buf[64];
  if (value == std::floor(value) && value < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.6f", value);
  std::string out = buf;
  while (!out.empty() && out.back() == '0') out.pop_back();
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace bam::rulesvc::dsl::internal
