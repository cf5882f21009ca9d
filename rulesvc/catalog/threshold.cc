// ParseThreshold: "< 95", ">= 500ms", "> 1.5k", "< 90%" -> Threshold.
#include <charconv>
#include <string>
#include <string_view>

#include "rulesvc/catalog/catalog_parts.h"

namespace bam::rulesvc::catalog_internal {
namespace {

constexpr const char* kThresholdHint = "a comparison and a number, e.g. \"< 95\" or \"> 500ms\"";

struct OpSpelling {
  std::string_view text;
  Threshold::Op op;
};
// Longest first so "<=" wins over "<".
constexpr OpSpelling kOps[] = {{"<=", Threshold::Op::kLe},
                               {">=", Threshold::Op::kGe},
                               {"<", Threshold::Op::kLt},
                               {">", Threshold::Op::kGt}};

// Accepted unit suffixes and the spelling kept in Threshold::suffix; longest first.
constexpr std::pair<std::string_view, std::string_view> kSuffixes[] = {
    {"eur", "€"}, {"EUR", "€"}, {"ms", "ms"}, {"€", "€"}, {"%", "%"}, {"s", "s"}};

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

}  // namespace

std::optional<Threshold> ParseThreshold(YamlReader* r, const Field& f) {
  if (!f.node.IsScalar()) {
    r->Error(f, "expected a threshold, found " + YamlReader::Describe(f.node), kThresholdHint);
    return std::nullopt;
  }
  std::optional<TextAt> text = ReadText(r, f, false);
  if (!text) return std::nullopt;
  Threshold t;
  std::string_view s = text->text;
  size_t i = SkipSpace(s, 0);
  size_t op_len = 0;
  for (const OpSpelling& o : kOps) {
    if (s.substr(i).starts_with(o.text)) {
      t.op = o.op;
      op_len = o.text.size();
      break;
    }
  }
  if (op_len == 0) {
    std::string_view rest = s.substr(i);
    if (rest.starts_with("=") || rest.starts_with("!=")) {
      size_t n = rest.find_first_not_of("=!");
      ErrorAt(r, *text, i, "unsupported comparison \"" + std::string(rest.substr(0, n)) + "\"",
              "one of: <, <=, >, >=");
    } else {
      std::string number(rest);
      ErrorAt(r, *text, i, "missing the comparison",
              "\"< " + number + "\" or \"> " + number + "\"");
    }
    return std::nullopt;
  }
  i = SkipSpace(s, i + op_len);
  size_t start = i;
  if (i < s.size() && s[i] == '-') ++i;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')) ++i;
  double value = 0;
  auto [end, ec] = std::from_chars(s.data() + start, s.data() + i, value);
  if (start == i || ec != std::errc() || end != s.data() + i) {
    ErrorAt(r, *text, start, "expected a number after the comparison", kThresholdHint);
    return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'k' || s[i] == 'K')) {
    value *= 1000;
    ++i;
  }
  i = SkipSpace(s, i);
  for (const auto& [spelling, kept] : kSuffixes) {
    if (s.substr(i).starts_with(spelling)) {
      t.suffix = kept;
      i += spelling.size();
      break;
    }
  }
  i = SkipSpace(s, i);
  if (i < s.size()) {
    ErrorAt(r, *text, i, "unexpected \"" + std::string(s.substr(i)) + "\" in the threshold",
            "a number with an optional %, ms, s, € or k, e.g. \"> 500ms\"");
    return std::nullopt;
  }
  t.value = value;
  t.text = std::move(*text);
  return t;
}

}  // namespace bam::rulesvc::catalog_internal

namespace bam::rulesvc {

std::string_view Threshold::OpText(Op op) {
  switch (op) {
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
  }
  return "<";
}

}  // namespace bam::rulesvc
