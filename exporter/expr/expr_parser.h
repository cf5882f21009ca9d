// Parser of the expression language: tokens -> AstNode tree.
//
// Grammar, loosest first:
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | compare
//   compare := sum [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "matches") sum]   (no chaining)
//   sum     := product (("+" | "-") product)*
//   product := unary (("*" | "/") unary)*
//   unary   := "-" unary | primary
//   primary := number | string | true | false | null | path | path "(" [or ("," or)*] ")"
//            | "(" or ")" | "[" [or ("," or)*] "]"
// Whether lists, calls and operands make sense is checked later (expr_compile.cc). Nesting is
// capped at kMaxExprDepth, so recursion is bounded. Stateless; thread-safe.
#ifndef BAM_EXPORTER_EXPR_EXPR_PARSER_H_
#define BAM_EXPORTER_EXPR_EXPR_PARSER_H_

#include <memory>
#include <string_view>

#include "exporter/expr/expr.h"
#include "exporter/expr/expr_ast.h"

namespace bam::exporter::expr_internal {

// Parses `text`. Returns nullptr and sets *error at the first syntax error.
std::unique_ptr<AstNode> ParseExpr(std::string_view text, ExprError* error);

}  // namespace bam::exporter::expr_internal

#endif  // BAM_EXPORTER_EXPR_EXPR_PARSER_H_
