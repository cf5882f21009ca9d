#include "rulesvc/dsl/lexer.h"

#include <cstdio>

namespace bam::rulesvc::dsl::internal {
namespace {

constexpr std::string_view kEuroSign = "\xE2\x82\xAC";  // €
constexpr std::string_view kLeSign = "\xE2\x89\xA4";    // ≤
constexpr std::string_view kGeSign = "\xE2\x89\xA5";    // ≥
constexpr std::string_view kNeSign = "\xE2\x89\xA0";    // ≠

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsWordChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool StartsWith(std::string_view text, size_t i, std::string_view prefix) {
  return text.substr(i, prefix.size()) == prefix;
}

}  // namespace

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  size_t n;
  unsigned min_second = 0x80, max_second = 0xBF;
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) min_second = 0xA0;  // overlong
    if (b == 0xED) max_second = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) min_second = 0x90;  // overlong
    if (b == 0xF4) max_second = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < min_second || byte(i + 1) > max_second) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

std::vector<Token> Lex(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  bool space = false;
  auto emit = [&](TokenKind kind, size_t start, size_t end) {
    tokens.push_back(Token{kind, Span{start, end - start}, text.substr(start, end - start), space});
    space = false;
  };
  while (i < text.size()) {
    char c = text[i];
    size_t start = i;
    if (IsSpace(c)) {
      space = true;
      ++i;
    } else if (IsAlpha(c) || c == '_') {
      while (i < text.size() && IsWordChar(text[i])) ++i;
      emit(TokenKind::kWord, start, i);
    } else if (IsDigit(c)) {
      while (i < text.size() && IsDigit(text[i])) ++i;
      if (i + 1 < text.size() && text[i] == '.' && IsDigit(text[i + 1])) {
        ++i;
        while (i < text.size() && IsDigit(text[i])) ++i;
      }
      while (i < text.size()) {
        if (IsWordChar(text[i]) || text[i] == '%') {
          ++i;
        } else if (StartsWith(text, i, kEuroSign)) {
          i += kEuroSign.size();
        } else {
          break;
        }
      }
      emit(TokenKind::kNumber, start, i);
    } else if (c == '<' || c == '>' || c == '=' || c == '!') {
      bool eq_next = i + 1 < text.size() && text[i + 1] == '=';
      TokenKind kind = TokenKind::kInvalid;
      if (c == '<') kind = eq_next ? TokenKind::kLe : TokenKind::kLt;
      if (c == '>') kind = eq_next ? TokenKind::kGe : TokenKind::kGt;
      if (c == '=') kind = eq_next ? TokenKind::kEq : TokenKind::kAssign;
      if (c == '!') kind = eq_next ? TokenKind::kNe : TokenKind::kInvalid;
      i += eq_next ? 2 : 1;
      emit(kind, start, i);
    } else if (c == '(' || c == ')' || c == ',' || c == ':' || c == '%') {
      TokenKind kind = c == '('   ? TokenKind::kLParen
                       : c == ')' ? TokenKind::kRParen
                       : c == ',' ? TokenKind::kComma
                       : c == ':' ? TokenKind::kColon
                                  : TokenKind::kPercent;
      emit(kind, start, ++i);
    } else if (StartsWith(text, i, kEuroSign)) {
      i += kEuroSign.size();
      emit(TokenKind::kEuro, start, i);
    } else if (StartsWith(text, i, kLeSign) || StartsWith(text, i, kGeSign) ||
               StartsWith(text, i, kNeSign)) {
      TokenKind kind = StartsWith(text, i, kLeSign)   ? TokenKind::kLe
                       : StartsWith(text, i, kGeSign) ? TokenKind::kGe
                                                      : TokenKind::kNe;
      i += 3;
      emit(kind, start, i);
    } else {
      size_t n = Utf8SequenceLength(text, i);
      i += n == 0 ? 1 : n;
      emit(TokenKind::kInvalid, start, i);
    }
  }
  tokens.push_back(Token{TokenKind::kEnd, Span{text.size(), 0}, {}, space});
  return tokens;
}

std::string Describe(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of text";
  const std::string_view t = token.text;
  if (token.kind == TokenKind::kInvalid && Utf8SequenceLength(t, 0) != t.size()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02x", static_cast<unsigned char>(t[0]));
    return buf;
  }
  if (token.kind == TokenKind::kInvalid && static_cast<unsigned char>(t[0]) < 0x20) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "control byte 0x%02x", static_cast<unsigned char>(t[0]));
    return buf;
  }
  // Tokens other than kInvalid are ASCII except for glued or standalone € (valid UTF-8).
  constexpr size_t kMax = 40;
  std::string out = "\"";
  size_t i = 0;
  while (i < t.size() && i < kMax) {
    size_t n = Utf8SequenceLength(t, i);
    if (n == 0) n = 1;
    out.append(t.substr(i, n));
    i += n;
  }
  if (i < t.size()) out += "…";
  out += '"';
  return out;
}

bool IsKeyword(const Token& token, std::string_view keyword) {
  if (token.kind != TokenKind::kWord || token.text.size() != keyword.size()) return false;
  for (size_t i = 0; i < keyword.size(); ++i) {
    char c = token.text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != keyword[i]) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace bam::rulesvc::dsl::internal
