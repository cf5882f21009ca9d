// Syntax tree of an expression, as the parser builds it, and its canonical text (the unparser).
//
// Each node keeps the byte offset of the token that names it (operator, literal, field, function)
// so later checks can point at it. Value type; not thread-safe to mutate, safe to read
// concurrently.
#ifndef BAM_EXPORTER_EXPR_EXPR_AST_H_
#define BAM_EXPORTER_EXPR_EXPR_AST_H_

#include <memory>
#include <string>
#include <vector>

namespace bam::exporter::expr_internal {

enum class AstKind { kField, kString, kNumber, kBool, kNull, kList, kCall, kUnary, kBinary };

enum class AstOp {
  kNone,
  kOr,
  kAnd,
  kNot,
  kNeg,  // unary
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,  // comparisons
  kIn,
  kMatches,
  kAdd,
  kSub,
  kMul,
  kDiv,
};

struct AstNode {
  AstKind kind = AstKind::kNull;
  AstOp op = AstOp::kNone;
  size_t offset = 0;     // byte offset of the node's own token
  std::string text;      // kField: path as written; kString: decoded value; kCall: function name
  double number = 0;     // kNumber
  bool boolean = false;  // kBool
  int depth = 1;         // 1 + deepest child
  std::vector<std::unique_ptr<AstNode>> children;  // operands, list elements, call arguments
};

// Binding strength, higher binds tighter: or 1, and 2, not 3, comparison/in/matches 4, + - 5,
// * / 6, unary minus 7, everything else 8.
int Precedence(const AstNode& node);

// Canonical text: single spaces around binary operators and after commas, parentheses only where
// precedence needs them, literals respelled (numbers shortest round-trip, strings re-escaped).
// Parsing the result gives an identical tree.
std::string Unparse(const AstNode& node);

}  // namespace bam::exporter::expr_internal

#endif  // BAM_EXPORTER_EXPR_EXPR_AST_H_
