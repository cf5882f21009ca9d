// Lexer of the expression language: text -> tokens with byte offsets.
//
// Field paths (`a`, `geo.country`, `products[0].price`, `item.x`) are single tokens; keywords are
// recognised only as whole words that do not continue into a path. Stateless; thread-safe.
#ifndef BAM_EXPORTER_EXPR_EXPR_LEXER_H_
#define BAM_EXPORTER_EXPR_EXPR_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "exporter/expr/expr.h"

namespace bam::exporter::expr_internal {

enum class TokenKind {
  kEnd,
  kPath,    // text = the path as written
  kString,  // text = the decoded value
  kNumber,  // number = the value
  kTrue,
  kFalse,
  kNull,
  kAnd,
  kOr,
  kNot,
  kIn,
  kMatches,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;  // byte offset of the token's first character
  size_t length = 0;  // bytes of source text
  std::string text;
  double number = 0;
};

// Splits `text` into tokens, the last one kEnd. Returns false and sets *error at the first lexical
// error (unterminated string, stray character, malformed number or path).
bool Lex(std::string_view text, std::vector<Token>* tokens, ExprError* error);

// How a token reads in a message: `"("`, `field "a.b"`, `string "x"`, `number 1.5`, `end of
// expression`.
std::string DescribeToken(const Token& token);

// `s` in double quotes with \" \\ \n \t escaped: the literal's canonical spelling.
std::string QuoteString(std::string_view s);

// Shortest round-trip spelling of a finite, non-negative number literal.
std::string FormatLiteralNumber(double d);

}  // namespace bam::exporter::expr_internal

#endif  // BAM_EXPORTER_EXPR_EXPR_LEXER_H_
