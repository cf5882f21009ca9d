// Conversions shared by the evaluator and its callers (declared in expr.h and expr_node.h), and the
// CompiledExpr helpers built on them.
#include <charconv>
#include <cmath>
#include <cstring>

#include "exporter/expr/expr.h"
#include "exporter/expr/expr_node.h"

namespace bam::exporter {

bool ValueToNumber(const Value& v, double* out) {
  if (v.kind == ValueKind::kNumber) {
    *out = v.number;
    return true;
  }
  if (v.kind != ValueKind::kString) return false;
  const char* p = v.str.data();
  const char* end = p + v.str.size();
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  while (end > p && (end[-1] == ' ' || end[-1] == '\t')) --end;
  const char* digits = p;
  if (p < end && *p == '+') {
    digits = ++p;  // from_chars takes '-' but not '+'
  } else if (p < end && *p == '-') {
    digits = p + 1;
  }
  // Only digits or '.' may start the number: keeps out "inf", "nan" and a second sign.
  if (digits >= end || !((*digits >= '0' && *digits <= '9') || *digits == '.')) return false;
  double d = 0;
  auto [ptr, ec] = std::from_chars(p, end, d);
  if (ec != std::errc() || ptr != end || !std::isfinite(d)) return false;
  *out = d;
  return true;
}

std::string_view FormatNumber(double d, char (&buf)[32]) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return "0";  // also -0
  std::to_chars_result r;
  if (std::trunc(d) == d && std::fabs(d) < 1e21) {
    r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);  // 1000000, not 1e+06
  } else {
    r = std::to_chars(buf, buf + sizeof buf, d);  // shortest round-trip: 0.5, 1e-07, 1e+21
  }
  if (r.ec != std::errc()) return "NaN";  // cannot happen: 32 bytes hold any double
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

std::string* EvalScratch::NewString() {
  if (used_ == buffers_.size()) buffers_.emplace_back();
  std::string* s = &buffers_[used_++];
  s->clear();
  return s;
}

bool CompiledExpr::EvalBool(const Record& record, const Value* item, EvalScratch* scratch) const {
  Value v = Eval(record, item, scratch);
  return v.kind == ValueKind::kBool && v.boolean;
}

bool CompiledExpr::EvalNumber(const Record& record, const Value* item, EvalScratch* scratch,
                              double* out) const {
  double d = 0;
  if (!ValueToNumber(Eval(record, item, scratch), &d) || !std::isfinite(d)) return false;
  *out = d;
  return true;
}

bool CompiledExpr::EvalLabel(const Record& record, const Value* item, EvalScratch* scratch,
                             std::string_view* out) const {
  Value v = Eval(record, item, scratch);
  char buf[32];
  std::string_view text;
  if (!expr_internal::ValueText(v, buf, &text)) return false;
  if (v.kind == ValueKind::kNumber) {  // text lives in buf: copy it out
    std::string* s = scratch->NewString();
    s->assign(text);
    text = *s;
  }
  *out = text;
  return true;
}

namespace expr_internal {

bool ValueText(const Value& v, char (&buf)[32], std::string_view* out) {
  switch (v.kind) {
    case ValueKind::kString:
      *out = v.str;
      return true;
    case ValueKind::kNumber:
      *out = FormatNumber(v.number, buf);
      return true;
    case ValueKind::kBool:
      *out = v.boolean ? "true" : "false";
      return true;
    default:
      return false;
  }
}

}  // namespace expr_internal

}  // namespace bam::exporter
