// AST of the `when` language: what a business user wrote in a rule's `when:` field, with the byte
// span of every part so the checker can point at it.
//
//   for each payment_method: payment_errors > 15 over 1h AND duration(30min) when traffic > 100
//   over 1h └ for_each              └ condition (a tree of Condition nodes)  └ hold    └ guard
//
// Spans are byte offsets into the text given to Parse(); the catalog maps them to FILE:LINE:COL.
// Value types; an AST is built once by the parser and only read afterwards.
#ifndef BAM_RULESVC_DSL_AST_H_
#define BAM_RULESVC_DSL_AST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bam::rulesvc::dsl {

struct Span {
  size_t offset = 0;  // byte offset of the first character
  size_t length = 0;  // bytes
};

// A name as written: a KPI id (`checkout_success_rate`) or a label name (`platform`).
struct Ident {
  std::string name;
  Span span;
};

// A duration literal: `30min`, `30m`, `1h30m`, `7d`, `1w`, `90s`, `500ms`.
struct DurationLit {
  int64_t ms = 0;
  std::string text;  // as written
  Span span;
};

// The unit suffix of a number. `k` is a multiplier folded into `value` (`1.5k` = 1500), not a unit.
enum class NumberUnit {
  kNone,
  kPercent,  // 90%
  kMs,       // 500ms
  kS,        // 1.5s
  kMin,      // 2min
  kH,        // 1h
  kEur,      // 1250€, 1250 €, 1.2k€, 100eur
};

struct Quantity {
  double value = 0;  // with `k` applied; `%` is NOT divided by 100 (90% -> 90, unit kPercent)
  NumberUnit unit = NumberUnit::kNone;
  std::string text;  // as written, e.g. "1.5k€"
  Span span;
};

enum class Comparator { kLt, kLe, kGt, kGe, kEq, kNe };

// What a relative form compares against.
struct Baseline {
  enum class Kind {
    kAverage,           // `vs 7d`: the average over the last `window`
    kSameTimeLastWeek,  // `vs same time last week`, `vs same hour last week`, `vs last week`
    kYesterday,         // `vs yesterday`, `vs same time yesterday`
  };
  Kind kind = Kind::kAverage;
  DurationLit window;  // kAverage only
  Span span;
};

struct Condition;
using ConditionPtr = std::unique_ptr<Condition>;

// `K < 90`, `K >= 500ms`, `K > 15 over 1h`.
struct Compare {
  Ident kpi;
  Comparator op = Comparator::kLt;
  Quantity value;
  std::optional<DurationLit> over;  // `over 1h`: the total of a count KPI over that window
};

// `K breaches thresholds`: the KPI's own warning and critical thresholds.
struct Breaches {
  Ident kpi;
};

// `K drops more than 30% vs 7d`, `K rises more than 50% vs yesterday`.
struct Change {
  enum class Direction { kDrops, kRises };
  Ident kpi;
  Direction direction = Direction::kDrops;
  Quantity amount;  // a percentage (unit kPercent or kNone: both mean percent here)
  Baseline baseline;
};

// `K < 50% of same hour last week`: the KPI compared with a fraction of its baseline.
struct RatioTo {
  Ident kpi;
  Comparator op = Comparator::kLt;
  Quantity fraction;  // a percentage
  Baseline baseline;
};

// `K is unusual`, `K is unusual low`, `K is unusual high`.
struct Unusual {
  enum class Side { kBoth, kLow, kHigh };
  Ident kpi;
  Side side = Side::kBoth;
};

// `objective K 99.5% over 30d`.
struct Objective {
  Ident kpi;
  Quantity target;  // a percentage
  DurationLit period;
};

// `K will drop below 0 within 4h`, `K will rise above 1000 within 1h`, `K will run out within 4h`
// (= drop below 0; `limit` is then 0 with an empty text).
struct Forecast {
  enum class Direction { kBelow, kAbove };
  Ident kpi;
  Direction direction = Direction::kBelow;
  Quantity limit;
  DurationLit horizon;
  bool run_out = false;  // written as `will run out`
};

// `no K for 10min`.
struct Absence {
  Ident kpi;
  DurationLit window;
};

// `A AND B`, `A OR B`.
struct Binary {
  enum class Op { kAnd, kOr };
  Op op = Op::kAnd;
  ConditionPtr lhs;
  ConditionPtr rhs;
};

struct Condition {
  std::variant<Compare, Breaches, Change, RatioTo, Unusual, Objective, Forecast, Absence, Binary>
      node;
  Span span;                   // the whole condition, parentheses excluded
  bool parenthesized = false;  // written inside ( ); kept so the unparser can round-trip
};

// A whole `when` field.
struct When {
  std::vector<Ident> for_each;  // `for each L:` / `for each L, M:`; empty = none
  ConditionPtr condition;       // never null after a successful parse
  // The rule's `for`: `… AND duration(30min)` or `… for 30m` at the end (of the whole condition,
  // or right after a single condition). At most one per `when`.
  std::optional<DurationLit> hold;
  // `… when traffic > 100 over 1h`: only judge when this condition holds.
  ConditionPtr guard;  // null = none
};

}  // namespace bam::rulesvc::dsl

#endif  // BAM_RULESVC_DSL_AST_H_
