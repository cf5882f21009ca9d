// Expressions of the exporter's config (`when`, `value`, label values, `each`, `key`, `start`,
// `end`).
//
// Compiled once at load time into an immutable tree; evaluated per line against a Record.
// Language (see docs/configuration.md):
//   fields by name, nested with dots (geo.country_iso_code), array elements with [i];
//   inside `each:`, `item` is the current element (item.price);
//   literals "string" (with \" \\ \n \t escapes), numbers, true, false, null;
//   == != < <= > >=, and or not, in ["a", "b"], matches "regex" (RE2, compiled once), + - * /, ( );
//   functions lookup(table, key), lower(x), upper(x), exists(field), coalesce(a, b, ...),
//   number(x), string(x).
// Semantics (docs/configuration.md repeats them for users):
//   - A missing field is null; a JSON null is indistinguishable from a missing field.
//   - Any comparison (== != < <= > >=) with a null operand is false, `!=` included. Comparing with
//   a
//     literal null is therefore a compile error (use exists()).
//   - number vs number compares numerically; string vs string compares bytewise (lexicographic for
//     < <= > >=, so "10" < "9"); number vs string compares numerically when the string is numeric
//     (see ValueToNumber). Any other pair (e.g. a non-numeric string vs a number, a bool vs a
//     string) is "not comparable": == is false, != is true, < <= > >= are false. Booleans only
//     support == and
//     != between themselves.
//   - + - * / and unary minus convert numeric strings; any other non-number operand gives null, as
//   do
//     division by zero and a non-finite result.
//   - `and`/`or` short-circuit, treat only boolean true as true, and always give a boolean.
//     `not x` gives the negation of a boolean, and null for anything else (so `when: not status`
//     never matches).
//   - `x in [lit, ...]` is true when x == some element (same rules as ==); list elements must be
//     literals. `x matches "re"` is RE2 partial matching (unanchored: use ^...$ to anchor) on a
//     string, or on a number or boolean formatted as a label value; null and others give false. The
//     pattern must be a string literal and is compiled once.
//   - lookup("table", key): the key is a string, or a number/boolean formatted as a label value;
//   the
//     result is the table's value, or the table's default when the key is absent, null, an array or
//     an object. The table name must be a string literal naming a configured table.
//   - lower(x)/upper(x): ASCII case mapping of a string (numbers and booleans are formatted first);
//     null for null, arrays and objects.
//   - exists(field): true when the field (or item / item.x) is not null. The argument must be a
//   field.
//   - coalesce(a, b, ...): the first non-null argument, or null (the empty string is not null).
//   - number(x): x as a number (numeric strings converted), else null; booleans are not numbers.
//   - string(x): x as a string (numbers in shortest round-trip form, booleans "true"/"false"), null
//     for null, arrays and objects.
//   - `item` is the `each:` element passed to Eval (null when none); `item.x` follows the path from
//     it through Record::Member.
// Strings: the escapes \" \\ \n \t are decoded; any other backslash sequence is kept as written, so
// regexes read naturally (`path matches "^/api/\d+$"`). Words `and or not in matches true false
// null` are reserved and cannot start a field path (`a.in` is fine). Nesting (parentheses,
// operators, function calls) is limited to kMaxExprDepth levels so that neither compiling nor
// evaluating can exhaust the stack.
//
// CompiledExpr is immutable and thread-safe to evaluate from several threads, each with its own
// EvalScratch.
#ifndef BAM_EXPORTER_EXPR_EXPR_H_
#define BAM_EXPORTER_EXPR_EXPR_H_

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/expr/lookup_table.h"
#include "exporter/parsers/record.h"

namespace bam::exporter {

// A compile error at byte `offset` of the expression text.
struct ExprError {
  size_t offset = 0;
  std::string message;  // e.g. `unknown function "lookpu"`
  std::string hint;     // e.g. `lookup(table, key)`; may be empty
};

struct ExprOptions {
  // Resolves a lookup table name (the first argument of lookup(), which must be a string literal)
  // at compile time. Returns nullptr for an unknown table. May be empty: then lookup() is an error.
  std::function<const LookupTable*(std::string_view)> find_table;
  // Whether `item` may be used (inside a metric with `each:`).
  bool allow_item = false;
  // Optional: the names of the configured tables, only used for "did you mean" hints.
  std::vector<std::string> table_names;
};

// Deepest nesting CompileExpr accepts (an error beyond it).
inline constexpr int kMaxExprDepth = 256;

// Per-thread scratch space for strings an expression creates (lower(), string(), ...). Call Reset()
// once per line; views returned by Eval stay valid until then. Reuses its buffers: no allocation in
// steady state.
class EvalScratch {
 public:
  void Reset() { used_ = 0; }
  // Returns an empty buffer to build a string in; it stays valid until Reset(). Never null.
  std::string* NewString();

 private:
  std::deque<std::string> buffers_;
  size_t used_ = 0;
};

class CompiledExpr {
 public:
  virtual ~CompiledExpr() = default;

  // Evaluates against `record`. `item` is the current `each:` element (or nullptr).
  // Never throws; never allocates once `scratch` has warmed up.
  virtual Value Eval(const Record& record, const Value* item, EvalScratch* scratch) const = 0;

  // True only when the result is boolean true.
  bool EvalBool(const Record& record, const Value* item, EvalScratch* scratch) const;

  // The result as a number (numeric strings converted, booleans are not numbers).
  // Returns false when it is not a finite number.
  bool EvalNumber(const Record& record, const Value* item, EvalScratch* scratch, double* out) const;

  // Writes the result as a label value into *out: strings as is, numbers in shortest round-trip
  // form (200, 0.5, 1e+21), true/false. Returns false for null (missing), arrays and objects.
  bool EvalLabel(const Record& record, const Value* item, EvalScratch* scratch,
                 std::string_view* out) const;

  // The canonical text of the expression (unparsed from the tree), for messages and tests.
  virtual std::string ToString() const = 0;
};

// Compiles `text`. Returns nullptr and appends to *errors (every error found, with offsets) if the
// expression is invalid: syntax, unknown function, wrong arity, bad regex, unknown lookup table,
// `item` outside `each:`. A syntax error stops parsing, so it is reported alone; the checks after
// parsing report every problem, sorted by offset. Offsets are bytes into `text`.
// The LookupTable pointers returned by options.find_table must outlive the CompiledExpr.
// Thread-safe (no shared state).
std::unique_ptr<CompiledExpr> CompileExpr(std::string_view text, const ExprOptions& options,
                                          std::vector<ExprError>* errors);

// Shared conversions used by the evaluator and by callers.
// Numbers convert as is; a string is numeric when it parses entirely (after trimming spaces and
// tabs, with an optional leading + or -) as a finite decimal or exponent number ("12", "-0.5",
// "1e3", " 7 "); "inf", "nan", hex and "" are not numeric. Booleans, null, arrays and objects are
// not numbers. Returns false (and leaves *out alone) when `v` is not numeric.
bool ValueToNumber(const Value& v, double* out);
// Formats a number as a label value (shortest round-trip; integers without a fraction: 200, 0.5,
// 1e+21, -0 as 0; NaN, +Inf, -Inf as Prometheus spells them) into buf; returns a view into buf.
std::string_view FormatNumber(double d, char (&buf)[32]);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_EXPR_EXPR_H_
