#include "rulesvc/channels/notification.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace bam::rulesvc::channels {
namespace {

constexpr const char* kNarrowNbsp = "\u202F";
constexpr const char* kNbsp = "\u00A0";

// Inserts `sep` every three digits from the right of an all-digit string.
std::string Group(const std::string& digits, const char* sep) {
  std::string out;
  size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += sep;
    out += digits[i];
  }
  return out;
}

const char* CurrencySymbol(const std::string& code) {
  if (code == "EUR") return "€";
  if (code == "USD") return "$";
  if (code == "GBP") return "£";
  return nullptr;
}

}  // namespace

bool ParseLocale(const std::string& text, Locale* locale) {
  if (text == "fr-FR") {
    *locale = Locale::kFrFr;
    return true;
  }
  if (text == "en-US") {
    *locale = Locale::kEnUs;
    return true;
  }
  return false;
}

std::string FormatNumber(double value, int decimals, Locale locale) {
  if (!std::isfinite(value)) return "—";
  if (decimals < 0) decimals = 0;
  if (decimals > 6) decimals = 6;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(value));
  std::string text = buf;
  std::string int_part = text.substr(0, text.find('.'));
  std::string frac = decimals > 0 ? text.substr(text.find('.') + 1) : "";
  bool negative = value < 0 && text.find_first_not_of("0.") != std::string::npos;
  std::string out = negative ? "-" : "";
  if (locale == Locale::kFrFr) {
    out += Group(int_part, kNarrowNbsp);
    if (!frac.empty()) out += "," + frac;
  } else {
    out += Group(int_part, ",");
    if (!frac.empty()) out += "." + frac;
  }
  return out;
}

std::string FormatCount(int64_t value, Locale locale) {
  return FormatNumber(static_cast<double>(value), 0, locale);
}

std::string FormatMoney(double value, const std::string& currency, Locale locale) {
  std::string amount = FormatNumber(value, 0, locale);
  const char* symbol = CurrencySymbol(currency);
  if (locale == Locale::kFrFr) return amount + kNbsp + (symbol ? symbol : currency);
  if (symbol == nullptr) return currency + " " + amount;
  if (!amount.empty() && amount[0] == '-') return "-" + std::string(symbol) + amount.substr(1);
  return symbol + amount;
}

std::string AsciiSpaces(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, kNarrowNbsp) == 0) {
      out += ' ';
      i += 3;
    } else if (text.compare(i, 2, kNbsp) == 0) {
      out += ' ';
      i += 2;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::string FormatTimestamp(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace bam::rulesvc::channels
