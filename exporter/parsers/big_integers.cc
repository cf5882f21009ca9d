#include "exporter/parsers/big_integers.h"

#include <cstdio>

namespace bam::exporter {
namespace {

constexpr size_t kMinDigits = 19;   // int64 overflows from 19 digits on
constexpr size_t kMaxDigits = 309;  // beyond, the value is out of double's range anyway
constexpr size_t kKeptDigits = 17;  // enough to round-trip a double

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNumberChar(char c) {
  return IsDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

}  // namespace

bool RewriteBigIntegers(char* json, size_t len) {
  bool rewritten = false;
  bool in_string = false;
  size_t i = 0;
  while (i < len) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      ++i;
      continue;
    }
    if (!IsNumberChar(c)) {
      ++i;
      continue;
    }
    // A whole number token: rewrite it only when it is -?[1-9][0-9]{18,}.
    size_t end = i;
    while (end < len && IsNumberChar(json[end])) ++end;
    const size_t first = json[i] == '-' ? i + 1 : i;
    size_t digits_end = first;
    while (digits_end < end && IsDigit(json[digits_end])) ++digits_end;
    const size_t digits = digits_end - first;
    if (digits_end == end && digits >= kMinDigits && digits <= kMaxDigits && json[first] != '0') {
      char exponent[8];
      const int n = std::snprintf(exponent, sizeof(exponent), "e%zu", digits - kKeptDigits);
      char* out = json + first + kKeptDigits;
      for (int k = 0; k < n; ++k) *out++ = exponent[k];
      while (out < json + end) *out++ = ' ';
      rewritten = true;
    }
    i = end;
  }
  return rewritten;
}

}  // namespace bam::exporter
