// CheckSelector: PromQL instant-vector selector syntax, `name{label op "value", ...}`.
#include <string>
#include <string_view>

#include "rulesvc/catalog/catalog_parts.h"

namespace bam::rulesvc::catalog_internal {
namespace {

constexpr const char* kSelectorHint =
    "a metric name and optional matchers, e.g. "
    "bam_checkouts_total{status=\"completed\"}";

bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}
bool IsLabelStart(char c) { return c != ':' && IsNameStart(c); }
bool IsLabelChar(char c) { return IsLabelStart(c) || (c >= '0' && c <= '9'); }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

class SelectorChecker {
 public:
  SelectorChecker(YamlReader* r, const TextAt& text) : r_(r), t_(text), s_(text.text) {}

  bool Check(bool histogram_base) {
    SkipSpace();
    if (i_ == s_.size()) return Fail(i_, "the selector is empty", kSelectorHint);
    if (!IsNameStart(s_[i_])) {
      return Fail(i_, "expected a metric name, found " + Quote(s_.substr(i_, 1)), kSelectorHint);
    }
    size_t name_start = i_;
    while (i_ < s_.size() && IsNameChar(s_[i_])) ++i_;
    std::string_view name = s_.substr(name_start, i_ - name_start);
    if (i_ < s_.size() && s_[i_] == '(') {
      return Fail(name_start, "expected a metric selector, found a call to " + Quote(name),
                  "a bare selector: the KPI's form and window apply the function, or \"expr:\" "
                  "takes raw PromQL");
    }
    if (histogram_base && !CheckBaseName(name, name_start)) return false;
    SkipSpace();
    if (i_ < s_.size() && s_[i_] == '{' && !Matchers()) return false;
    SkipSpace();
    if (i_ == s_.size()) return true;
    if (s_[i_] == '[') {
      return Fail(i_, "a range \"[...]\" is not part of the selector",
                  "the KPI's \"window:\" field, e.g. window: 5m");
    }
    return Fail(i_, "unexpected " + Quote(s_.substr(i_, 1)) + " after the selector", kSelectorHint);
  }

 private:
  bool Fail(size_t at, std::string message, std::string hint) {
    ErrorAt(r_, t_, at, std::move(message), std::move(hint));
    return false;
  }

  void SkipSpace() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }

  bool CheckBaseName(std::string_view name, size_t start) {
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        return Fail(start + name.size() - suffix.size(),
                    "expected the histogram's base name, without " + Quote(suffix),
                    Quote(name.substr(0, name.size() - suffix.size())));
      }
    }
    return true;
  }

  // After '{': matchers up to and including '}'.
  bool Matchers() {
    size_t open = i_++;
    while (true) {
      SkipSpace();
      if (i_ == s_.size()) return Fail(open, "unclosed \"{\"", "closing the matchers with \"}\"");
      if (s_[i_] == '}') {
        ++i_;
        return true;
      }
      if (!Matcher()) return false;
      SkipSpace();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
      } else if (i_ < s_.size() && s_[i_] != '}') {
        return Fail(i_, "expected \",\" or \"}\", found " + Quote(s_.substr(i_, 1)),
                    "matchers separated by commas: {status=\"completed\", platform=\"web\"}");
      }
    }
  }

  bool Matcher() {
    if (!IsLabelStart(s_[i_])) {
      return Fail(i_, "expected a label name, found " + Quote(s_.substr(i_, 1)), "label=\"value\"");
    }
    size_t label_start = i_;
    while (i_ < s_.size() && IsLabelChar(s_[i_])) ++i_;
    std::string label(s_.substr(label_start, i_ - label_start));
    SkipSpace();
    std::string_view rest = s_.substr(i_);
    size_t op_len = rest.starts_with("!=") || rest.starts_with("=~") || rest.starts_with("!~") ? 2
                    : rest.starts_with("==")                                                   ? 0
                    : rest.starts_with("=")                                                    ? 1
                                                                                               : 0;
    if (op_len == 0) {
      if (rest.starts_with("==")) {
        return Fail(i_, "unknown matcher \"==\"", label + "=\"...\" (a single \"=\" for equality)");
      }
      return Fail(i_, "expected =, !=, =~ or !~ after label " + Quote(label), label + "=\"value\"");
    }
    std::string op(rest.substr(0, op_len));
    i_ += op_len;
    SkipSpace();
    if (i_ == s_.size() || (s_[i_] != '"' && s_[i_] != '\'')) {
      size_t word = i_;
      while (i_ < s_.size() && IsNameChar(s_[i_])) ++i_;
      std::string value(s_.substr(word, i_ - word));
      return Fail(word, "expected a quoted label value",
                  label + op + "\"" + (value.empty() ? "value" : value) + "\"");
    }
    char quote = s_[i_];
    size_t open = i_++;
    while (i_ < s_.size() && s_[i_] != quote) i_ += s_[i_] == '\\' ? 2 : 1;
    if (i_ >= s_.size()) {
      return Fail(open, "unterminated string", "closing it with " + std::string(1, quote));
    }
    ++i_;
    return true;
  }

  YamlReader* r_;
  const TextAt& t_;
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool CheckSelector(YamlReader* r, const TextAt& selector, bool histogram_base) {
  return SelectorChecker(r, selector).Check(histogram_base);
}

}  // namespace bam::rulesvc::catalog_internal
