// Number and duration literals of the `when` language. Internal to rulesvc/dsl.
//
// A literal is one number token as the lexer cut it (`1h30m`, `1.5k€`, `90%`) plus, when the token
// ends with its digits (or `k`), the unit word written after a space (`30 minutes`, `1250 €`).
// Stateless; thread-safe.
#ifndef BAM_RULESVC_DSL_LITERALS_H_
#define BAM_RULESVC_DSL_LITERALS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "rulesvc/dsl/ast.h"

namespace bam::rulesvc::dsl::internal {

struct LiteralError {
  std::string message;  // lower case, e.g. `unknown unit "m" in "2m" (…)`
  std::string fixed;    // a corrected spelling of the literal, or "" when none is obvious
};

// Durations: Prometheus units (ms s m h d w y, largest first, each at most once: `1h30m`) and the
// spelled-out `sec(s)`, `second(s)`, `min(s)`, `minute(s)`, `hr(s)`, `hour(s)`, `day(s)`,
// `week(s)`, `year(s)`, any case. Whole numbers only. `unit_word` is the separate unit (`30
// minutes`) or "".
bool ParseDurationText(std::string_view token, std::string_view unit_word, int64_t* ms,
                       LiteralError* error);

// Quantities: digits[.digits], an optional `k` (x1000), then an optional unit: % ms s sec(s)
// second(s) min(s) minute(s) h hour(s) € eur euro(s), any case. `unit_word` as above.
bool ParseQuantityText(std::string_view token, std::string_view unit_word, double* value,
                       NumberUnit* unit, LiteralError* error);

// Whether a number token may take a separate unit word: it ends with its digits or with `k`.
bool TakesSeparateUnit(std::string_view token);
// Whether `word` (any case) is a unit of a duration / of a quantity.
bool IsDurationUnit(std::string_view word);
bool IsQuantityUnit(std::string_view word);

// `ms` in the largest whole unit among d h m s ms: 5400000 -> "90m", 0 -> "0s".
std::string FormatDurationMs(int64_t ms);
// A number as the lexer reads it back (no exponent): 1500 -> "1500", 0.25 -> "0.25".
std::string FormatNumber(double value);

}  // namespace bam::rulesvc::dsl::internal

#endif  // BAM_RULESVC_DSL_LITERALS_H_
