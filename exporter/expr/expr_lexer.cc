#include "exporter/expr/expr_lexer.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace bam::exporter::expr_internal {

namespace {

bool IsWordStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '@' || c == '$';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c); }

struct Keyword {
  std::string_view word;
  TokenKind kind;
};
constexpr Keyword kKeywords[] = {
    {"true", TokenKind::kTrue}, {"false", TokenKind::kFalse},     {"null", TokenKind::kNull},
    {"and", TokenKind::kAnd},   {"or", TokenKind::kOr},           {"not", TokenKind::kNot},
    {"in", TokenKind::kIn},     {"matches", TokenKind::kMatches},
};

// A character as it reads in a message: printable ASCII as is, other bytes as \xNN.
std::string Printable(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string(1, c);
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", u);
  return buf;
}

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Token>* tokens, ExprError* error)
      : text_(text), tokens_(tokens), error_(error) {}

  bool Run() {
    tokens_->clear();
    while (true) {
      while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                     text_[pos_] == '\n' || text_[pos_] == '\r')) {
        ++pos_;
      }
      if (pos_ >= text_.size()) break;
      if (!Next()) return false;
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.offset = text_.size();
    tokens_->push_back(std::move(end));
    return true;
  }

 private:
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  bool Fail(size_t offset, std::string message, std::string hint = "") {
    error_->offset = offset;
    error_->message = std::move(message);
    error_->hint = std::move(hint);
    return false;
  }

  void Add(TokenKind kind, size_t start, std::string text = "", double number = 0) {
    Token t;
    t.kind = kind;
    t.offset = start;
    t.length = pos_ - start;
    t.text = std::move(text);
    t.number = number;
    tokens_->push_back(std::move(t));
  }

  bool Next() {
    size_t start = pos_;
    char c = text_[pos_];
    if (IsWordStart(c)) return Word();
    if (IsDigit(c)) return Number();
    if (c == '"') return String();
    auto op = [&](TokenKind kind, size_t len) {
      pos_ += len;
      Add(kind, start);
      return true;
    };
    switch (c) {
      case '=':
        if (Peek(1) == '=') return op(TokenKind::kEq, 2);
        return Fail(start, "unexpected \"=\"", "== to compare");
      case '!':
        if (Peek(1) == '=') return op(TokenKind::kNe, 2);
        return Fail(start, "unexpected \"!\"", "!= to compare, or not to negate");
      case '<':
        if (Peek(1) == '=') return op(TokenKind::kLe, 2);
        return op(TokenKind::kLt, 1);
      case '>':
        if (Peek(1) == '=') return op(TokenKind::kGe, 2);
        return op(TokenKind::kGt, 1);
      case '&':
        return Fail(start, "unexpected \"&\"", "and");
      case '|':
        return Fail(start, "unexpected \"|\"", "or");
      case '\'':
        return Fail(start, "unexpected \"'\"", "double quotes for strings: \"text\"");
      case '+':
        return op(TokenKind::kPlus, 1);
      case '-':
        return op(TokenKind::kMinus, 1);
      case '*':
        return op(TokenKind::kStar, 1);
      case '/':
        return op(TokenKind::kSlash, 1);
      case '(':
        return op(TokenKind::kLParen, 1);
      case ')':
        return op(TokenKind::kRParen, 1);
      case '[':
        return op(TokenKind::kLBracket, 1);
      case ']':
        return op(TokenKind::kRBracket, 1);
      case ',':
        return op(TokenKind::kComma, 1);
      default:
        return Fail(start, "unexpected character \"" + Printable(c) + "\"");
    }
  }

  bool Word() {
    size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    for (const Keyword& k : kKeywords) {
      if (word == k.word) {
        Add(k.kind, start);
        return true;
      }
    }
    // The rest of a field path: .member and [index], without spaces.
    while (pos_ < text_.size()) {
      if (text_[pos_] == '.') {
        if (!IsWordChar(Peek(1))) {
          return Fail(pos_, "expected a field name after \".\"", "a.b or a.b[0].c");
        }
        ++pos_;
        while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
      } else if (text_[pos_] == '[') {
        size_t j = pos_ + 1;
        while (j < text_.size() && IsDigit(text_[j])) ++j;
        if (j == pos_ + 1 || j >= text_.size() || text_[j] != ']') {
          return Fail(pos_, "an array index must be a number in brackets", "a[0]");
        }
        if (j - pos_ - 1 > 9) return Fail(pos_ + 1, "array index too large");
        pos_ = j + 1;
      } else {
        break;
      }
    }
    Add(TokenKind::kPath, start, std::string(text_.substr(start, pos_ - start)));
    return true;
  }

  bool Number() {
    size_t start = pos_;
    while (IsDigit(Peek())) ++pos_;
    if (Peek() == '.') {
      if (!IsDigit(Peek(1))) return Fail(start, "malformed number", "a digit after \".\": 1.0");
      ++pos_;
      while (IsDigit(Peek())) ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      size_t k = 1;
      if (Peek(k) == '+' || Peek(k) == '-') ++k;
      if (!IsDigit(Peek(k)))
        return Fail(start, "malformed number", "an exponent like 1e3 or 2.5e-3");
      pos_ += k;
      while (IsDigit(Peek())) ++pos_;
    }
    if (IsWordChar(Peek()) || Peek() == '.') {
      return Fail(start, "malformed number", "a space between a number and a name");
    }
    double value = 0;
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
      return Fail(start, "number out of range");
    }
    Add(TokenKind::kNumber, start, "", value);
    return true;
  }

  bool String() {
    size_t start = pos_;
    ++pos_;
    std::string value;
    while (true) {
      if (pos_ >= text_.size()) {
        return Fail(start, "unterminated string", "close it with \"");
      }
      char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c == '\\' && pos_ + 1 < text_.size()) {
        char e = text_[pos_ + 1];
        pos_ += 2;
        switch (e) {
          case '"':
            value += '"';
            break;
          case '\\':
            value += '\\';
            break;
          case 'n':
            value += '\n';
            break;
          case 't':
            value += '\t';
            break;
          default:  // kept as written, so regexes like "\d+" need no doubling
            value += '\\';
            value += e;
        }
        continue;
      }
      value += c;
      ++pos_;
    }
    Add(TokenKind::kString, start, std::move(value));
    return true;
  }

  std::string_view text_;
  std::vector<Token>* tokens_;
  ExprError* error_;
  size_t pos_ = 0;
};

}  // namespace

bool Lex(std::string_view text, std::vector<Token>* tokens, ExprError* error) {
  return Lexer(text, tokens, error).Run();
}

std::string QuoteString(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

std::string FormatLiteralNumber(double d) {
  char buf[32];
  return std::string(FormatNumber(d, buf));
}

std::string DescribeToken(const Token& t) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kPath:
      return "field \"" + t.text + "\"";
    case TokenKind::kString: {
      std::string q = QuoteString(t.text);
      if (q.size() > 40) q = q.substr(0, 36) + "...\"";
      return "string " + q;
    }
    case TokenKind::kNumber:
      return "number " + FormatLiteralNumber(t.number);
    case TokenKind::kTrue:
      return "\"true\"";
    case TokenKind::kFalse:
      return "\"false\"";
    case TokenKind::kNull:
      return "\"null\"";
    case TokenKind::kAnd:
      return "\"and\"";
    case TokenKind::kOr:
      return "\"or\"";
    case TokenKind::kNot:
      return "\"not\"";
    case TokenKind::kIn:
      return "\"in\"";
    case TokenKind::kMatches:
      return "\"matches\"";
    case TokenKind::kEq:
      return "\"==\"";
    case TokenKind::kNe:
      return "\"!=\"";
    case TokenKind::kLt:
      return "\"<\"";
    case TokenKind::kLe:
      return "\"<=\"";
    case TokenKind::kGt:
      return "\">\"";
    case TokenKind::kGe:
      return "\">=\"";
    case TokenKind::kPlus:
      return "\"+\"";
    case TokenKind::kMinus:
      return "\"-\"";
    case TokenKind::kStar:
      return "\"*\"";
    case TokenKind::kSlash:
      return "\"/\"";
    case TokenKind::kLParen:
      return "\"(\"";
    case TokenKind::kRParen:
      return "\")\"";
    case TokenKind::kLBracket:
      return "\"[\"";
    case TokenKind::kRBracket:
      return "\"]\"";
    case TokenKind::kComma:
      return "\",\"";
  }
  return "token";
}

}  // namespace bam::exporter::expr_internal
