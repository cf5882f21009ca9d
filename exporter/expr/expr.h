// Expressions of the exporter's config (`when`, `value`, label values, `each`, `key`, `start`, `end`).
//
// Compiled once at load time into an immutable tree; evaluated per line against a Record.
// Language (see docs/configuration.md):
//   fields by name, nested with dots (geo.country_iso_code), array elements with [i];
//   inside `each:`, `item` is the current element (item.price);
//   literals "string" (with \" \\ \n \t escapes), numbers, true, false, null;
//   == != < <= > >=, and or not, in ["a", "b"], matches "regex" (RE2, compiled once), + - * /, ( );
//   functions lookup(table, key), lower(x), upper(x), exists(field), coalesce(a, b, ...), number(x),
//   string(x).
// Semantics: a missing field is null; any comparison with a null operand is false (also !=);
// a numeric string compares and computes as a number; arithmetic on a non-number gives null;
// division by zero gives null; `and`/`or` short-circuit and treat only `true` as true.
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
  std::string message;   // e.g. `unknown function "lookpu"`
  std::string hint;      // e.g. `lookup(table, key)`; may be empty
};

struct ExprOptions {
  // Resolves a lookup table name (the first argument of lookup(), which must be a string literal)
  // at compile time. Returns nullptr for an unknown table. May be empty: then lookup() is an error.
  std::function<const LookupTable*(std::string_view)> find_table;
  // Whether `item` may be used (inside a metric with `each:`).
  bool allow_item = false;
};

// Per-thread scratch space for strings an expression creates (lower(), string(), ...). Call Reset()
// once per line; views returned by Eval stay valid until then. Reuses its buffers: no allocation in
// steady state.
class EvalScratch {
 public:
  void Reset() { used_ = 0; }
  // Returns a buffer to build a string in; it stays valid until Reset().
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
// `item` outside `each:`.
std::unique_ptr<CompiledExpr> CompileExpr(std::string_view text, const ExprOptions& options,
                                          std::vector<ExprError>* errors);

// Shared conversions used by the evaluator and by callers.
// A string is numeric when it parses entirely (after trimming spaces) as a decimal or exponent number.
bool ValueToNumber(const Value& v, double* out);
// Formats a number as a label value (shortest round-trip; integers without a fraction) into buf.
std::string_view FormatNumber(double d, char (&buf)[32]);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_EXPR_EXPR_H_
