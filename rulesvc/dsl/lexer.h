// Lexer of the `when` language: text -> tokens with byte spans. Internal to rulesvc/dsl.
//
// Words (`dau`, `AND`, `Duration`) are one kind: whether a word is a keyword depends on where it
// stands, so the parser decides. A number token runs on into the letters, digits, `%` and `€`
// glued to it (`1h30m`, `1.5k€`, `90%`): the parser reads it as a quantity or a duration.
// Never fails: a byte that starts no token becomes a kInvalid token. Stateless; thread-safe.
#ifndef BAM_RULESVC_DSL_LEXER_H_
#define BAM_RULESVC_DSL_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "rulesvc/dsl/ast.h"

namespace bam::rulesvc::dsl::internal {

enum class TokenKind {
  kWord,     // [A-Za-z_][A-Za-z0-9_]*
  kNumber,   // [0-9]+(\.[0-9]+)? followed by glued [A-Za-z0-9_%€]*
  kLt,       // <
  kLe,       // <=  ≤
  kGt,       // >
  kGe,       // >=  ≥
  kEq,       // ==
  kAssign,   // =  (read as ==)
  kNe,       // !=  ≠
  kLParen,   // (
  kRParen,   // )
  kComma,    // ,
  kColon,    // :
  kPercent,  // % standing alone (`90 %`)
  kEuro,     // € standing alone (`1250 €`)
  kInvalid,  // one character (a whole UTF-8 sequence when valid) that starts no token
  kEnd,      // end of text; span.offset == text size, length 0
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  Span span;
  std::string_view text;      // the token's bytes in the source
  bool space_before = false;  // whitespace directly precedes it
};

// Splits `text` into tokens; the last one is kEnd. `text` must outlive the tokens.
std::vector<Token> Lex(std::string_view text);

// How a token reads in a message: `"drops"`, `"30%"`, `"("`, `end of text`, `byte 0xff`.
// Always valid UTF-8, at most ~40 bytes of the token.
std::string Describe(const Token& token);

// True when `token` is a word equal to `keyword` (lower case) ignoring ASCII case.
bool IsKeyword(const Token& token, std::string_view keyword);

// ASCII lower case of `s`.
std::string Lower(std::string_view s);

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace bam::rulesvc::dsl::internal

#endif  // BAM_RULESVC_DSL_LEXER_H_
