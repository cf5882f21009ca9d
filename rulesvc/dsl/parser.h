// Parser and unparser of the `when` language (see ast.h and ../shared/specs/rule-catalog.md).
//
// Keywords are case-insensitive (`AND`, `and`, `Duration(30MIN)`); KPI ids and label names are
// case-sensitive. Stateless; thread-safe.
#ifndef BAM_RULESVC_DSL_PARSER_H_
#define BAM_RULESVC_DSL_PARSER_H_

#include <string>
#include <string_view>
#include <vector>

#include "rulesvc/dsl/ast.h"

namespace bam::rulesvc::dsl {

struct ParseError {
  Span span;            // where the problem is (length 0 at end of text)
  std::string message;  // lower case, no trailing period: `expected a comparison after "dau"`
  std::string hint;     // optional, without the leading "Try": `"dau drops more than 30% vs 7d"`
};

// Parses a `when` text. Returns true and fills *out, or returns false and appends at least one
// error to *errors (the first syntax error; later independent errors when the parser can resync).
// Never throws, for any input bytes.
bool Parse(std::string_view text, When* out, std::vector<ParseError>* errors);

// Canonical spelling: lower-case keywords except AND/OR, single spaces, `for D` for the hold,
// numbers and durations as written. Parse(Unparse(w)) yields an AST whose Unparse is identical.
std::string Unparse(const When& when);
std::string Unparse(const Condition& condition);

}  // namespace bam::rulesvc::dsl

#endif  // BAM_RULESVC_DSL_PARSER_H_
