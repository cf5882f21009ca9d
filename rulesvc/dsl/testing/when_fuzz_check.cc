#include "rulesvc/dsl/testing/when_fuzz_check.h"

#include <vector>

#include "rulesvc/dsl/lexer.h"
#include "rulesvc/dsl/parser.h"

namespace bam::rulesvc::dsl::testing {
namespace {

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = internal::Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool Inside(const Span& span, size_t size) {
  return span.offset <= size && span.length <= size - span.offset;
}

// Every span of the tree inside the text; "" or what is wrong.
std::string CheckSpans(const Condition& c, size_t size) {
  if (!Inside(c.span, size)) return "condition span outside the text";
  struct Visitor {
    size_t size;
    std::string operator()(const Binary& b) const {
      if (b.lhs == nullptr || b.rhs == nullptr) return "binary with a null operand";
      std::string l = CheckSpans(*b.lhs, size);
      return l.empty() ? CheckSpans(*b.rhs, size) : l;
    }
    std::string operator()(const Compare& f) const {
      bool ok = Inside(f.kpi.span, size) && Inside(f.value.span, size) &&
                (!f.over || Inside(f.over->span, size));
      return ok ? "" : "compare span outside the text";
    }
    std::string operator()(const Change& f) const {
      bool ok =
          Inside(f.kpi.span, size) && Inside(f.amount.span, size) && Inside(f.baseline.span, size);
      return ok ? "" : "change span outside the text";
    }
    std::string operator()(const RatioTo& f) const {
      bool ok = Inside(f.kpi.span, size) && Inside(f.fraction.span, size) &&
                Inside(f.baseline.span, size);
      return ok ? "" : "ratio span outside the text";
    }
    std::string operator()(const Objective& f) const {
      bool ok =
          Inside(f.kpi.span, size) && Inside(f.target.span, size) && Inside(f.period.span, size);
      return ok ? "" : "objective span outside the text";
    }
    std::string operator()(const Forecast& f) const {
      bool ok =
          Inside(f.kpi.span, size) && Inside(f.limit.span, size) && Inside(f.horizon.span, size);
      return ok ? "" : "forecast span outside the text";
    }
    std::string operator()(const Absence& f) const {
      return Inside(f.kpi.span, size) && Inside(f.window.span, size) ? "" : "absence span outside";
    }
    std::string operator()(const Breaches& f) const {
      return Inside(f.kpi.span, size) ? "" : "breaches span outside the text";
    }
    std::string operator()(const Unusual& f) const {
      return Inside(f.kpi.span, size) ? "" : "unusual span outside the text";
    }
  };
  return std::visit(Visitor{size}, c.node);
}

}  // namespace

std::string CheckWhenProperty(std::string_view text) {
  When when;
  std::vector<ParseError> errors;
  if (!Parse(text, &when, &errors)) {
    if (errors.empty()) return "parse failed without an error";
    for (const ParseError& e : errors) {
      if (!Inside(e.span, text.size())) return "error span outside the text: " + e.message;
      if (e.message.empty()) return "error without a message";
      if (!ValidUtf8(e.message) || !ValidUtf8(e.hint)) return "error text is not valid UTF-8";
    }
    return "";
  }
  if (!errors.empty()) return "parse succeeded with errors";
  if (when.condition == nullptr) return "parse succeeded without a condition";
  std::string spans = CheckSpans(*when.condition, text.size());
  if (spans.empty() && when.guard != nullptr) spans = CheckSpans(*when.guard, text.size());
  if (!spans.empty()) return spans;
  for (const Ident& label : when.for_each) {
    if (!Inside(label.span, text.size())) return "label span outside the text";
  }
  if (when.hold && !Inside(when.hold->span, text.size())) return "hold span outside the text";

  std::string first = Unparse(when);
  When again;
  std::vector<ParseError> again_errors;
  if (!Parse(first, &again, &again_errors)) {
    return "unparsed text does not parse: \"" + first + "\": " + again_errors[0].message;
  }
  std::string second = Unparse(again);
  if (second != first) return "round trip differs: \"" + first + "\" then \"" + second + "\"";
  return "";
}

}  // namespace bam::rulesvc::dsl::testing
