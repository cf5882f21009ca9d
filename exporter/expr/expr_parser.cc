#include "exporter/expr/expr_parser.h"

#include <algorithm>
#include <string>
#include <vector>

#include "exporter/expr/expr_lexer.h"

namespace bam::exporter::expr_internal {

namespace {

using NodePtr = std::unique_ptr<AstNode>;

const char kDepthMessage[] = "expression nested too deeply";
const char kDepthHint[] = "a simpler expression (at most 256 levels of nesting)";

bool IsComparison(TokenKind k) {
  switch (k) {
    case TokenKind::kEq:
    case TokenKind::kNe:
    case TokenKind::kLt:
    case TokenKind::kLe:
    case TokenKind::kGt:
    case TokenKind::kGe:
    case TokenKind::kIn:
    case TokenKind::kMatches:
      return true;
    default:
      return false;
  }
}

AstOp BinaryOp(TokenKind k) {
  switch (k) {
    case TokenKind::kOr:
      return AstOp::kOr;
    case TokenKind::kAnd:
      return AstOp::kAnd;
    case TokenKind::kEq:
      return AstOp::kEq;
    case TokenKind::kNe:
      return AstOp::kNe;
    case TokenKind::kLt:
      return AstOp::kLt;
    case TokenKind::kLe:
      return AstOp::kLe;
    case TokenKind::kGt:
      return AstOp::kGt;
    case TokenKind::kGe:
      return AstOp::kGe;
    case TokenKind::kIn:
      return AstOp::kIn;
    case TokenKind::kMatches:
      return AstOp::kMatches;
    case TokenKind::kPlus:
      return AstOp::kAdd;
    case TokenKind::kMinus:
      return AstOp::kSub;
    case TokenKind::kStar:
      return AstOp::kMul;
    case TokenKind::kSlash:
      return AstOp::kDiv;
    default:
      return AstOp::kNone;
  }
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, ExprError* error) : tokens_(std::move(tokens)), error_(error) {}

  NodePtr Run() {
    NodePtr root = ParseOr();
    if (!root) return nullptr;
    const Token& t = Peek();
    if (t.kind == TokenKind::kEnd) return root;
    if (t.kind == TokenKind::kRParen) return Fail(t.offset, "unmatched \")\"");
    return Fail(t.offset, "unexpected " + DescribeToken(t) + " after a complete expression",
                "and / or to combine conditions");
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }

  NodePtr Fail(size_t offset, std::string message, std::string hint = "") {
    if (!failed_) {
      failed_ = true;
      error_->offset = offset;
      error_->message = std::move(message);
      error_->hint = std::move(hint);
    }
    return nullptr;
  }

  // Guards one level of recursion; false (with the error set) past the limit.
  bool Enter(size_t offset) {
    if (++depth_ > kMaxExprDepth) {
      Fail(offset, kDepthMessage, kDepthHint);
      return false;
    }
    return true;
  }

  NodePtr Make(AstKind kind, AstOp op, size_t offset) {
    auto n = std::make_unique<AstNode>();
    n->kind = kind;
    n->op = op;
    n->offset = offset;
    return n;
  }

  // Adds children and keeps the tree depth under the limit (left-deep chains like a+b+c+... grow
  // the tree without recursing in the parser).
  NodePtr Finish(NodePtr node) {
    int d = 0;
    for (const auto& c : node->children) d = std::max(d, c->depth);
    node->depth = d + 1;
    if (node->depth > kMaxExprDepth) return Fail(node->offset, kDepthMessage, kDepthHint);
    return node;
  }

  NodePtr Binary(const Token& op, NodePtr left, NodePtr right) {
    NodePtr n = Make(AstKind::kBinary, BinaryOp(op.kind), op.offset);
    n->children.push_back(std::move(left));
    n->children.push_back(std::move(right));
    return Finish(std::move(n));
  }

  NodePtr ParseOr() {
    NodePtr left = ParseAnd();
    while (left && Peek().kind == TokenKind::kOr) {
      const Token& op = Take();
      NodePtr right = ParseAnd();
      if (!right) return nullptr;
      left = Binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr ParseAnd() {
    NodePtr left = ParseNot();
    while (left && Peek().kind == TokenKind::kAnd) {
      const Token& op = Take();
      NodePtr right = ParseNot();
      if (!right) return nullptr;
      left = Binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr ParseNot() {
    if (Peek().kind != TokenKind::kNot) return ParseCompare();
    const Token& op = Take();
    if (!Enter(op.offset)) return nullptr;
    NodePtr operand = ParseNot();
    --depth_;
    if (!operand) return nullptr;
    NodePtr n = Make(AstKind::kUnary, AstOp::kNot, op.offset);
    n->children.push_back(std::move(operand));
    return Finish(std::move(n));
  }

  NodePtr ParseCompare() {
    NodePtr left = ParseSum();
    if (!left || !IsComparison(Peek().kind)) return left;
    const Token& op = Take();
    NodePtr right = ParseSum();
    if (!right) return nullptr;
    if (IsComparison(Peek().kind)) {
      return Fail(Peek().offset, "comparisons cannot be chained",
                  "and to combine them: a < b and b < c");
    }
    return Binary(op, std::move(left), std::move(right));
  }

  NodePtr ParseSum() {
    NodePtr left = ParseProduct();
    while (left && (Peek().kind == TokenKind::kPlus || Peek().kind == TokenKind::kMinus)) {
      const Token& op = Take();
      NodePtr right = ParseProduct();
      if (!right) return nullptr;
      left = Binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr ParseProduct() {
    NodePtr left = ParseUnary();
    while (left && (Peek().kind == TokenKind::kStar || Peek().kind == TokenKind::kSlash)) {
      const Token& op = Take();
      NodePtr right = ParseUnary();
      if (!right) return nullptr;
      left = Binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  NodePtr ParseUnary() {
    if (Peek().kind != TokenKind::kMinus) return ParsePrimary();
    const Token& op = Take();
    if (!Enter(op.offset)) return nullptr;
    NodePtr operand = ParseUnary();
    --depth_;
    if (!operand) return nullptr;
    NodePtr n = Make(AstKind::kUnary, AstOp::kNeg, op.offset);
    n->children.push_back(std::move(operand));
    return Finish(std::move(n));
  }

  // Parses `or ("," or)*` up to `close` (already past the opening token) into node->children.
  bool ParseSequence(AstNode* node, TokenKind close, const char* close_text, const char* what) {
    if (Peek().kind == close) {
      Take();
      return true;
    }
    while (true) {
      NodePtr element = ParseOr();
      if (!element) return false;
      node->children.push_back(std::move(element));
      const Token& t = Take();
      if (t.kind == close) return true;
      if (t.kind != TokenKind::kComma) {
        Fail(t.offset, std::string("expected \",\" or \"") + close_text + "\" in " + what +
                           ", found " + DescribeToken(t));
        return false;
      }
    }
  }

  NodePtr ParsePrimary() {
    const Token& t = Take();
    switch (t.kind) {
      case TokenKind::kNumber: {
        NodePtr n = Make(AstKind::kNumber, AstOp::kNone, t.offset);
        n->number = t.number;
        return n;
      }
      case TokenKind::kString: {
        NodePtr n = Make(AstKind::kString, AstOp::kNone, t.offset);
        n->text = t.text;
        return n;
      }
      case TokenKind::kTrue:
      case TokenKind::kFalse: {
        NodePtr n = Make(AstKind::kBool, AstOp::kNone, t.offset);
        n->boolean = t.kind == TokenKind::kTrue;
        return n;
      }
      case TokenKind::kNull:
        return Make(AstKind::kNull, AstOp::kNone, t.offset);
      case TokenKind::kPath: {
        if (Peek().kind != TokenKind::kLParen) {
          NodePtr n = Make(AstKind::kField, AstOp::kNone, t.offset);
          n->text = t.text;
          return n;
        }
        Take();
        if (!Enter(t.offset)) return nullptr;
        NodePtr n = Make(AstKind::kCall, AstOp::kNone, t.offset);
        n->text = t.text;
        bool ok = ParseSequence(n.get(), TokenKind::kRParen, ")", "the arguments");
        --depth_;
        if (!ok) return nullptr;
        return Finish(std::move(n));
      }
      case TokenKind::kLParen: {
        if (!Enter(t.offset)) return nullptr;
        NodePtr inner = ParseOr();
        --depth_;
        if (!inner) return nullptr;
        const Token& close = Take();
        if (close.kind != TokenKind::kRParen) {
          return Fail(close.offset, "expected \")\", found " + DescribeToken(close),
                      "close the \"(\" at offset " + std::to_string(t.offset));
        }
        return inner;
      }
      case TokenKind::kLBracket: {
        if (!Enter(t.offset)) return nullptr;
        NodePtr n = Make(AstKind::kList, AstOp::kNone, t.offset);
        bool ok = ParseSequence(n.get(), TokenKind::kRBracket, "]", "the list");
        --depth_;
        if (!ok) return nullptr;
        return Finish(std::move(n));
      }
      default:
        return Fail(t.offset, "expected a value, found " + DescribeToken(t));
    }
  }

  std::vector<Token> tokens_;
  ExprError* error_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<AstNode> ParseExpr(std::string_view text, ExprError* error) {
  std::vector<Token> tokens;
  if (!Lex(text, &tokens, error)) return nullptr;
  return Parser(std::move(tokens), error).Run();
}

}  // namespace bam::exporter::expr_internal
