// Unparse: the canonical text of an AST (see parser.h). Written text of numbers and durations is
// kept; an AST built by hand with empty texts gets them from the values.
#include <string>

#include "rulesvc/dsl/literals.h"
#include "rulesvc/dsl/parser.h"

namespace bam::rulesvc::dsl {
namespace {

std::string_view ComparatorText(Comparator op) {
  switch (op) {
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
    case Comparator::kEq:
      return "==";
    case Comparator::kNe:
      return "!=";
  }
  return "==";
}

std::string_view UnitText(NumberUnit unit) {
  switch (unit) {
    case NumberUnit::kNone:
      return "";
    case NumberUnit::kPercent:
      return "%";
    case NumberUnit::kMs:
      return "ms";
    case NumberUnit::kS:
      return "s";
    case NumberUnit::kMin:
      return "min";
    case NumberUnit::kH:
      return "h";
    case NumberUnit::kEur:
      return "€";
  }
  return "";
}

std::string Text(const Quantity& q) {
  if (!q.text.empty()) return q.text;
  return internal::FormatNumber(q.value) + std::string(UnitText(q.unit));
}

std::string Text(const DurationLit& d) {
  if (!d.text.empty()) return d.text;
  return internal::FormatDurationMs(d.ms);
}

std::string Text(const Baseline& b) {
  switch (b.kind) {
    case Baseline::Kind::kAverage:
      return Text(b.window);
    case Baseline::Kind::kSameTimeLastWeek:
      return "same time last week";
    case Baseline::Kind::kYesterday:
      return "yesterday";
  }
  return "";
}

struct FormText {
  std::string operator()(const Compare& c) const {
    std::string out = c.kpi.name + " " + std::string(ComparatorText(c.op)) + " " + Text(c.value);
    if (c.over) out += " over " + Text(*c.over);
    return out;
  }
  std::string operator()(const Breaches& b) const { return b.kpi.name + " breaches thresholds"; }
  std::string operator()(const Change& c) const {
    return c.kpi.name + (c.direction == Change::Direction::kDrops ? " drops" : " rises") +
           " more than " + Text(c.amount) + " vs " + Text(c.baseline);
  }
  std::string operator()(const RatioTo& r) const {
    return r.kpi.name + " " + std::string(ComparatorText(r.op)) + " " + Text(r.fraction) + " of " +
           Text(r.baseline);
  }
  std::string operator()(const Unusual& u) const {
    std::string out = u.kpi.name + " is unusual";
    if (u.side == Unusual::Side::kLow) out += " low";
    if (u.side == Unusual::Side::kHigh) out += " high";
    return out;
  }
  std::string operator()(const Objective& o) const {
    return "objective " + o.kpi.name + " " + Text(o.target) + " over " + Text(o.period);
  }
  std::string operator()(const Forecast& f) const {
    std::string out = f.kpi.name + " will ";
    if (f.run_out) {
      out += "run out";
    } else {
      out += f.direction == Forecast::Direction::kBelow ? "drop below " : "rise above ";
      out += Text(f.limit);
    }
    return out + " within " + Text(f.horizon);
  }
  std::string operator()(const Absence& a) const {
    return "no " + a.kpi.name + " for " + Text(a.window);
  }
  std::string operator()(const Binary& b) const;
};

// Parentheses are written where the user wrote them and wherever the tree needs them to parse
// back the same (an OR under an AND; a right operand of its own operator: `A AND (B AND C)`).
std::string Operand(const ConditionPtr& c, Binary::Op parent, bool right) {
  if (c == nullptr) return "()";
  std::string text = Unparse(*c);
  if (c->parenthesized) return text;  // Unparse already wrapped it
  const auto* b = std::get_if<Binary>(&c->node);
  bool needs = b != nullptr && ((parent == Binary::Op::kAnd && b->op == Binary::Op::kOr) ||
                                (right && b->op == parent));
  return needs ? "(" + text + ")" : text;
}

std::string FormText::operator()(const Binary& b) const {
  return Operand(b.lhs, b.op, false) + (b.op == Binary::Op::kAnd ? " AND " : " OR ") +
         Operand(b.rhs, b.op, true);
}

}  // namespace

std::string Unparse(const Condition& condition) {
  std::string text = std::visit(FormText{}, condition.node);
  return condition.parenthesized ? "(" + text + ")" : text;
}

std::string Unparse(const When& when) {
  std::string out;
  if (!when.for_each.empty()) {
    out += "for each ";
    for (size_t i = 0; i < when.for_each.size(); ++i) {
      if (i > 0) out += ", ";
      out += when.for_each[i].name;
    }
    out += ": ";
  }
  out += when.condition != nullptr ? Unparse(*when.condition) : "";
  if (when.hold) out += " for " + Text(*when.hold);
  if (when.guard != nullptr) out += " when " + Unparse(*when.guard);
  return out;
}

}  // namespace bam::rulesvc::dsl
