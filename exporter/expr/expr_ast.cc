#include "exporter/expr/expr_ast.h"

#include "exporter/expr/expr_lexer.h"

namespace bam::exporter::expr_internal {

namespace {

constexpr int kComparisonPrecedence = 4;

const char* OpText(AstOp op) {
  switch (op) {
    case AstOp::kOr:
      return "or";
    case AstOp::kAnd:
      return "and";
    case AstOp::kNot:
      return "not";
    case AstOp::kNeg:
      return "-";
    case AstOp::kEq:
      return "==";
    case AstOp::kNe:
      return "!=";
    case AstOp::kLt:
      return "<";
    case AstOp::kLe:
      return "<=";
    case AstOp::kGt:
      return ">";
    case AstOp::kGe:
      return ">=";
    case AstOp::kIn:
      return "in";
    case AstOp::kMatches:
      return "matches";
    case AstOp::kAdd:
      return "+";
    case AstOp::kSub:
      return "-";
    case AstOp::kMul:
      return "*";
    case AstOp::kDiv:
      return "/";
    case AstOp::kNone:
      break;
  }
  return "?";
}

void Write(const AstNode& node, std::string* out);

// Writes `child`, in parentheses when it binds less tightly than `min_precedence`.
void WriteOperand(const AstNode& child, int min_precedence, std::string* out) {
  bool parens = Precedence(child) < min_precedence;
  if (parens) *out += '(';
  Write(child, out);
  if (parens) *out += ')';
}

void WriteList(const AstNode& node, std::string* out) {
  for (size_t i = 0; i < node.children.size(); ++i) {
    if (i > 0) *out += ", ";
    Write(*node.children[i], out);
  }
}

void Write(const AstNode& node, std::string* out) {
  switch (node.kind) {
    case AstKind::kField:
      *out += node.text;
      return;
    case AstKind::kString:
      *out += QuoteString(node.text);
      return;
    case AstKind::kNumber:
      *out += FormatLiteralNumber(node.number);
      return;
    case AstKind::kBool:
      *out += node.boolean ? "true" : "false";
      return;
    case AstKind::kNull:
      *out += "null";
      return;
    case AstKind::kList:
      *out += '[';
      WriteList(node, out);
      *out += ']';
      return;
    case AstKind::kCall:
      *out += node.text;
      *out += '(';
      WriteList(node, out);
      *out += ')';
      return;
    case AstKind::kUnary: {
      int p = Precedence(node);
      *out += OpText(node.op);
      if (node.op == AstOp::kNot) *out += ' ';
      WriteOperand(*node.children[0], p, out);
      return;
    }
    case AstKind::kBinary: {
      int p = Precedence(node);
      // Left-associative, except comparisons, which do not chain.
      WriteOperand(*node.children[0], p == kComparisonPrecedence ? p + 1 : p, out);
      *out += ' ';
      *out += OpText(node.op);
      *out += ' ';
      WriteOperand(*node.children[1], p + 1, out);
      return;
    }
  }
}

}  // namespace

int Precedence(const AstNode& node) {
  switch (node.op) {
    case AstOp::kOr:
      return 1;
    case AstOp::kAnd:
      return 2;
    case AstOp::kNot:
      return 3;
    case AstOp::kEq:
    case AstOp::kNe:
    case AstOp::kLt:
    case AstOp::kLe:
    case AstOp::kGt:
    case AstOp::kGe:
    case AstOp::kIn:
    case AstOp::kMatches:
      return kComparisonPrecedence;
    case AstOp::kAdd:
    case AstOp::kSub:
      return 5;
    case AstOp::kMul:
    case AstOp::kDiv:
      return 6;
    case AstOp::kNeg:
      return 7;
    case AstOp::kNone:
      break;
  }
  return 8;
}

std::string Unparse(const AstNode& node) {
  std::string out;
  Write(node, &out);
  return out;
}

}  // namespace bam::exporter::expr_internal
