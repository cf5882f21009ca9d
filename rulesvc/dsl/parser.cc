#include "rulesvc/dsl/parser.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "common/diagnostic.h"
#include "rulesvc/dsl/lexer.h"
#include "rulesvc/dsl/literals.h"

namespace bam::rulesvc::dsl {
namespace {

using internal::Describe;
using internal::IsKeyword;
using internal::Lower;
using internal::Token;
using internal::TokenKind;

// Nesting and size caps: the AST, its destructor and the unparser recurse, so no input may build
// a deep tree. Both are far beyond what a person writes in one `when`.
constexpr int kMaxParenDepth = 32;
constexpr int kMaxConditions = 100;

constexpr std::string_view kVerbs[] = {"breaches", "drops", "rises", "is", "will"};

// Words people write for a verb of the language, and the one they mean.
struct Synonym {
  std::string_view word;
  std::string_view meant;
};
constexpr Synonym kVerbSynonyms[] = {
    {"down", "drops"},     {"drop", "drops"},      {"dropped", "drops"},    {"fall", "drops"},
    {"falls", "drops"},    {"fell", "drops"},      {"decreases", "drops"},  {"decrease", "drops"},
    {"declines", "drops"}, {"up", "rises"},        {"rise", "rises"},       {"rose", "rises"},
    {"grows", "rises"},    {"increases", "rises"}, {"increase", "rises"},   {"climbs", "rises"},
    {"jumps", "rises"},    {"breach", "breaches"}, {"crosses", "breaches"}, {"below", "<"},
    {"under", "<"},        {"less", "<"},          {"above", ">"},          {"exceeds", ">"},
    {"greater", ">"},      {"more", ">"},          {"over", ">"},           {"higher", ">"},
    {"lower", "<"},        {"equals", "=="},       {"are", "is"},           {"was", "is"},
    {"becomes", "is"},
};

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

size_t End(const Span& s) { return s.offset + s.length; }

Span Cover(size_t begin, size_t end) { return Span{begin, end - begin}; }

bool IsComparator(TokenKind k) {
  return k == TokenKind::kLt || k == TokenKind::kLe || k == TokenKind::kGt || k == TokenKind::kGe ||
         k == TokenKind::kEq || k == TokenKind::kAssign || k == TokenKind::kNe;
}

Comparator ToComparator(TokenKind k) {
  switch (k) {
    case TokenKind::kLt:
      return Comparator::kLt;
    case TokenKind::kLe:
      return Comparator::kLe;
    case TokenKind::kGt:
      return Comparator::kGt;
    case TokenKind::kGe:
      return Comparator::kGe;
    case TokenKind::kNe:
      return Comparator::kNe;
    default:
      return Comparator::kEq;
  }
}

bool IsValidName(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsVerb(const Token& t) {
  return std::any_of(std::begin(kVerbs), std::end(kVerbs),
                     [&](std::string_view v) { return IsKeyword(t, v); });
}

// The comparator that reads the same with its operands swapped.
std::string_view Flipped(TokenKind k) {
  switch (k) {
    case TokenKind::kLt:
      return ">";
    case TokenKind::kLe:
      return ">=";
    case TokenKind::kGt:
      return "<";
    case TokenKind::kGe:
      return "<=";
    case TokenKind::kNe:
      return "!=";
    default:
      return "==";
  }
}

// Words that join or end conditions; never a KPI id where a condition starts.
bool IsConnective(const Token& t) {
  return IsKeyword(t, "and") || IsKeyword(t, "or") || IsKeyword(t, "when") || IsKeyword(t, "for");
}

bool IsPercentLike(const Quantity& q) {
  return q.unit == NumberUnit::kPercent || q.unit == NumberUnit::kNone;
}

// Whitespace runs become one space, ends trimmed: hints are shown on one line.
std::string OneLine(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// The leaf condition (a form, not AND/OR) whose span contains `offset`, or null.
const Condition* FindLeaf(const Condition* c, size_t offset) {
  if (c == nullptr) return nullptr;
  if (const auto* b = std::get_if<Binary>(&c->node)) {
    const Condition* found = FindLeaf(b->lhs.get(), offset);
    return found != nullptr ? found : FindLeaf(b->rhs.get(), offset);
  }
  return offset >= c->span.offset && offset < End(c->span) ? c : nullptr;
}

// A parsed condition and its extent including any parentheses around it.
struct Parsed {
  ConditionPtr cond;
  Span outer;
};

class Parser {
 public:
  Parser(std::string_view text, bool with_hints)
      : text_(text), tokens_(internal::Lex(text)), with_hints_(with_hints) {}

  bool ParseWhen(When* out);
  // REQUIRES: ParseWhen returned false (every failing path records an error; the fallback only
  // guards against a path that forgot to).
  ParseError TakeError() {
    return error_ ? std::move(*error_) : ParseError{Span{0, 0}, "invalid condition", ""};
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  // The last consumed token; only meaningful after a Next().
  const Token& Prev() const { return tokens_[pos_ == 0 ? 0 : pos_ - 1]; }
  bool Failed() const { return error_.has_value(); }
  bool Fail(Span span, std::string message, std::string hint = "") {
    if (!error_) error_ = ParseError{span, std::move(message), std::move(hint)};
    return false;
  }
  // ` after "X"` naming the last consumed token, or "" at the start.
  std::string After() const { return pos_ == 0 ? "" : " after " + Quote(Prev().text); }

  // Hints: apply a fix to the text and parse it again; when that succeeds, show the fixed
  // condition (the form containing the fix, else the whole text). "" when the fix does not parse.
  std::string Repair(size_t offset, size_t erase, std::string_view insert) const;
  std::string RepairReplace(Span span, std::string_view with) const {
    return Repair(span.offset, span.length, with);
  }
  // Inserts `words` at `offset`, adding the spaces needed to keep words apart.
  std::string RepairInsert(size_t offset, std::string_view words) const;

  bool ParseForEach(When* out);
  bool ReadName(const Token& t, std::string_view what, Ident* out);
  bool ReadKpiAfterKeyword(Ident* out);
  Parsed ParseOr();
  Parsed ParseAnd();
  Parsed Join(Binary::Op op, Parsed lhs, Parsed rhs);
  Parsed ParsePrimaryAndHold();
  Parsed ParsePrimary();
  bool ParseHold();
  Parsed ParseForm();
  bool ParseComparison(const Ident& kpi, Condition* c);
  bool ParseChange(const Ident& kpi, Condition* c);
  bool ParseUnusual(const Ident& kpi, Condition* c);
  bool ParseForecast(const Ident& kpi, Condition* c);
  bool ParseObjective(Condition* c);
  bool ParseAbsence(Condition* c);
  bool FailVerb(const Ident& kpi);
  bool FailTrailing();
  bool ExpectKeyword(std::string_view keyword,
                     std::initializer_list<std::string_view> synonyms = {});
  bool ParseQuantity(Quantity* out);
  bool ParseDuration(std::string_view sample, DurationLit* out);
  bool ParseBaseline(Baseline* out);
  bool RequirePercent(const Quantity& q, std::string_view where);

  std::string_view text_;
  std::vector<Token> tokens_;
  bool with_hints_;
  size_t pos_ = 0;
  int depth_ = 0;
  int conditions_ = 0;
  bool in_guard_ = false;
  std::optional<DurationLit> hold_;
  std::optional<ParseError> error_;
};

std::string Parser::Repair(size_t offset, size_t erase, std::string_view insert) const {
  if (!with_hints_ || offset > text_.size()) return "";
  std::string fixed(text_.substr(0, offset));
  fixed += insert;
  fixed += text_.substr(std::min(text_.size(), offset + erase));
  Parser again(fixed, /*with_hints=*/false);
  When when;
  if (!again.ParseWhen(&when)) return "";
  const Condition* leaf = FindLeaf(when.condition.get(), offset);
  if (leaf == nullptr) leaf = FindLeaf(when.guard.get(), offset);
  std::string_view shown = fixed;
  if (leaf != nullptr) shown = std::string_view(fixed).substr(leaf->span.offset, leaf->span.length);
  return Quote(OneLine(shown));
}

std::string Parser::RepairInsert(size_t offset, std::string_view words) const {
  if (offset > text_.size()) return "";
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::string insert;
  if (offset > 0 && !is_space(text_[offset - 1])) insert += ' ';
  insert += words;
  if (offset < text_.size() && !is_space(text_[offset])) insert += ' ';
  return Repair(offset, 0, insert);
}

bool Parser::ParseWhen(When* out) {
  if (IsKeyword(Peek(), "for") && IsKeyword(Peek(1), "each")) {
    Next();
    Next();
    if (!ParseForEach(out)) return false;
  } else if (IsKeyword(Peek(), "for") && Peek(1).kind == TokenKind::kWord &&
             (Peek(2).kind == TokenKind::kColon || Peek(2).kind == TokenKind::kComma)) {
    const Token& label = Peek(1);
    return Fail(label.span, "expected \"each\" after \"for\", found " + Describe(label),
                RepairInsert(label.span.offset, "each"));
  }
  Parsed cond = ParseOr();
  if (Failed()) return false;
  out->condition = std::move(cond.cond);
  if (IsKeyword(Peek(), "when")) {
    Next();
    in_guard_ = true;
    Parsed guard = ParseOr();
    if (Failed()) return false;
    out->guard = std::move(guard.cond);
  }
  if (Peek().kind != TokenKind::kEnd) return FailTrailing();
  out->hold = hold_;
  return true;
}

bool Parser::ParseForEach(When* out) {
  for (;;) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kWord || IsConnective(t)) {
      return Fail(t.span, "expected a label name" + After() + ", found " + Describe(t),
                  t.kind == TokenKind::kColon ? "\"for each payment_method: …\"" : "");
    }
    Ident label;
    if (!ReadName(t, "label names", &label)) return false;
    Next();
    for (const Ident& seen : out->for_each) {
      if (seen.name == label.name) {
        return Fail(label.span, "label " + Quote(label.name) + " appears twice in \"for each\"");
      }
    }
    out->for_each.push_back(label);
    if (Peek().kind == TokenKind::kComma) {
      Next();
      continue;
    }
    if (Peek().kind == TokenKind::kColon) {
      Next();
      return true;
    }
    return Fail(Peek().span,
                "expected \":\" or \",\" after the label " + Quote(label.name) + ", found " +
                    Describe(Peek()),
                Repair(End(label.span), 0, ":"));
  }
}

bool Parser::ReadName(const Token& t, std::string_view what, Ident* out) {
  if (!IsValidName(t.text)) {
    std::string lower = Lower(t.text);
    if (IsValidName(lower)) {
      return Fail(t.span, std::string(what) + " are written in lower case, found " + Describe(t),
                  RepairReplace(t.span, lower));
    }
    return Fail(t.span, std::string(what) +
                            " start with a letter a-z and use a-z, 0-9 and \"_\", found " +
                            Describe(t));
  }
  out->name = std::string(t.text);
  out->span = t.span;
  return true;
}

bool Parser::ReadKpiAfterKeyword(Ident* out) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kWord || IsConnective(t)) {
    return Fail(t.span, "expected a kpi id" + After() + ", found " + Describe(t));
  }
  return ReadName(t, "kpi ids", out);
}

// `lhs OP rhs` as one node spanning both.
Parsed Parser::Join(Binary::Op op, Parsed lhs, Parsed rhs) {
  auto c = std::make_unique<Condition>();
  c->span = Cover(lhs.outer.offset, End(rhs.outer));
  c->node = Binary{op, std::move(lhs.cond), std::move(rhs.cond)};
  Span outer = c->span;
  return Parsed{std::move(c), outer};
}

Parsed Parser::ParseOr() {
  Parsed lhs = ParseAnd();
  while (!Failed() && IsKeyword(Peek(), "or")) {
    Next();
    Parsed rhs = ParseAnd();
    if (Failed()) break;
    lhs = Join(Binary::Op::kOr, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

Parsed Parser::ParseAnd() {
  Parsed lhs = ParsePrimaryAndHold();
  while (!Failed() && IsKeyword(Peek(), "and")) {
    Next();
    Parsed rhs = ParsePrimaryAndHold();
    if (Failed()) break;
    lhs = Join(Binary::Op::kAnd, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

// A hold may follow any condition (`K breaches thresholds for 5m AND …`), outside parentheses.
Parsed Parser::ParsePrimaryAndHold() {
  Parsed p = ParsePrimary();
  while (!Failed()) {
    bool hold =
        IsKeyword(Peek(), "for") || (IsKeyword(Peek(), "and") && IsKeyword(Peek(1), "duration") &&
                                     Peek(2).kind == TokenKind::kLParen);
    if (!hold || !ParseHold()) break;
  }
  return p;
}

bool Parser::ParseHold() {
  const Token& first = Next();
  DurationLit d;
  if (IsKeyword(first, "for")) {
    if (IsKeyword(Peek(), "each")) {
      return Fail(Peek().span, "expected a duration after \"for\", found \"each\"",
                  "\"for each …:\" at the start of the rule");
    }
    if (!ParseDuration("30m", &d)) return false;
  } else {
    Next();  // duration
    Next();  // (
    if (!ParseDuration("30min", &d)) return false;
    if (Peek().kind != TokenKind::kRParen) {
      return Fail(
          Peek().span,
          "expected \")\" after the duration " + Quote(d.text) + ", found " + Describe(Peek()),
          Repair(End(d.span), 0, ")"));
    }
    Next();
  }
  Span span = Cover(first.span.offset, End(Prev().span));
  std::string written = OneLine(text_.substr(span.offset, span.length));
  if (depth_ > 0) {
    return Fail(span, "the hold " + Quote(written) +
                          " applies to the whole rule: write it after the closing parenthesis");
  }
  if (hold_) {
    return Fail(span, "a rule has one hold duration, found a second one " + Quote(written) +
                          " after \"for " + hold_->text + "\"");
  }
  hold_ = d;
  return true;
}

Parsed Parser::ParsePrimary() {
  const Token& open = Peek();
  if (open.kind != TokenKind::kLParen) return ParseForm();
  if (depth_ >= kMaxParenDepth) {
    Fail(open.span,
         "too many nested parentheses (more than " + std::to_string(kMaxParenDepth) + ")");
    return {};
  }
  Next();
  ++depth_;
  Parsed inner = ParseOr();
  if (Failed()) return {};
  const Token& close = Peek();
  if (close.kind != TokenKind::kRParen) {
    Fail(close.span, "expected \")\" to close the \"(\", found " + Describe(close),
         Repair(End(Prev().span), 0, ")"));
    return {};
  }
  Next();
  --depth_;
  inner.cond->parenthesized = true;
  return Parsed{std::move(inner.cond), Cover(open.span.offset, End(close.span))};
}

Parsed Parser::ParseForm() {
  const Token& t = Peek();
  auto c = std::make_unique<Condition>();
  if (++conditions_ > kMaxConditions) {
    Fail(t.span,
         "too many conditions in one rule (more than " + std::to_string(kMaxConditions) + ")");
    return {};
  }
  if (t.kind != TokenKind::kWord || IsConnective(t)) {
    std::string hint;
    if (t.kind == TokenKind::kNumber && IsComparator(Peek(1).kind) &&
        Peek(2).kind == TokenKind::kWord) {  // `90 > dau`: the KPI comes first
      hint = Repair(t.span.offset, End(Peek(2).span) - t.span.offset,
                    std::string(Peek(2).text) + " " + std::string(Flipped(Peek(1).kind)) + " " +
                        std::string(t.text));
    }
    Fail(t.span, "expected a condition" + After() + ", found " + Describe(t), hint);
    return {};
  }
  bool ok;
  // `objective` and `no` start their forms unless a verb follows: then they are KPI ids.
  bool verb_next = IsComparator(Peek(1).kind) || IsVerb(Peek(1));
  if (IsKeyword(t, "objective") && Peek(1).kind == TokenKind::kWord && !verb_next) {
    ok = ParseObjective(c.get());
  } else if (IsKeyword(t, "no") && !verb_next) {
    ok = ParseAbsence(c.get());
  } else if (IsKeyword(t, "duration") && Peek(1).kind == TokenKind::kLParen) {
    ok = Fail(Cover(t.span.offset, End(Peek(1).span)),
              "expected a condition" + After() + ", found the hold \"duration(\"",
              "\"… AND duration(30min)\" at the end of the condition");
  } else {
    Ident kpi;
    ok = ReadName(t, "kpi ids", &kpi);
    if (ok) {
      Next();
      const Token& v = Peek();
      if (IsComparator(v.kind)) {
        ok = ParseComparison(kpi, c.get());
      } else if (IsKeyword(v, "breaches")) {
        Next();
        ok = ExpectKeyword("thresholds", {"threshold", "limits"});
        c->node = Breaches{kpi};
      } else if (IsKeyword(v, "drops") || IsKeyword(v, "rises")) {
        ok = ParseChange(kpi, c.get());
      } else if (IsKeyword(v, "is")) {
        ok = ParseUnusual(kpi, c.get());
      } else if (IsKeyword(v, "will")) {
        ok = ParseForecast(kpi, c.get());
      } else {
        ok = FailVerb(kpi);
      }
    }
  }
  if (!ok) return {};
  c->span = Cover(t.span.offset, End(Prev().span));
  Span outer = c->span;
  return Parsed{std::move(c), outer};
}

bool Parser::ParseComparison(const Ident& kpi, Condition* c) {
  Comparator op = ToComparator(Next().kind);
  Quantity value;
  if (!ParseQuantity(&value)) return false;
  if (IsKeyword(Peek(), "of")) {
    Next();
    RatioTo r{kpi, op, value, {}};
    if (!RequirePercent(value, "before \"of\"") || !ParseBaseline(&r.baseline)) return false;
    c->node = std::move(r);
    return true;
  }
  Compare cmp{kpi, op, value, std::nullopt};
  if (IsKeyword(Peek(), "over")) {
    Next();
    DurationLit over;
    if (!ParseDuration("1h", &over)) return false;
    cmp.over = over;
  }
  c->node = std::move(cmp);
  return true;
}

bool Parser::ParseChange(const Ident& kpi, Condition* c) {
  const Token& verb = Next();
  Change change;
  change.kpi = kpi;
  change.direction =
      IsKeyword(verb, "drops") ? Change::Direction::kDrops : Change::Direction::kRises;
  if (!IsKeyword(Peek(), "more")) {
    const Token& f = Peek();
    std::string hint;
    if (f.kind == TokenKind::kNumber) {
      hint = RepairInsert(f.span.offset, "more than");
    } else if (IsKeyword(f, "by") || IsKeyword(f, "over") || IsKeyword(f, "of") ||
               IsKeyword(f, "than")) {
      hint = RepairReplace(f.span, "more than");
    }
    return Fail(f.span,
                "expected \"more than\" after " + Quote(verb.text) + ", found " + Describe(f),
                hint);
  }
  Next();
  if (!ExpectKeyword("than", {"then"})) return false;
  if (!ParseQuantity(&change.amount) || !RequirePercent(change.amount, "after \"than\"")) {
    return false;
  }
  if (!ExpectKeyword("vs", {"versus", "against", "compared"})) return false;
  if (!ParseBaseline(&change.baseline)) return false;
  c->node = std::move(change);
  return true;
}

bool Parser::ParseUnusual(const Ident& kpi, Condition* c) {
  Next();  // is
  if (!IsKeyword(Peek(), "unusually") && !ExpectKeyword("unusual", {"abnormal", "anomalous"})) {
    return false;
  }
  if (IsKeyword(Peek(), "unusually")) Next();
  Unusual u{kpi, Unusual::Side::kBoth};
  if (IsKeyword(Peek(), "low")) {
    Next();
    u.side = Unusual::Side::kLow;
  } else if (IsKeyword(Peek(), "high")) {
    Next();
    u.side = Unusual::Side::kHigh;
  }
  c->node = std::move(u);
  return true;
}

bool Parser::ParseForecast(const Ident& kpi, Condition* c) {
  Next();  // will
  Forecast f;
  f.kpi = kpi;
  const Token& how = Peek();
  if (IsKeyword(how, "drop") || IsKeyword(how, "rise")) {
    Next();
    bool drop = IsKeyword(how, "drop");
    f.direction = drop ? Forecast::Direction::kBelow : Forecast::Direction::kAbove;
    if (!ExpectKeyword(drop ? "below" : "above", {"under", "over", "to"})) return false;
    if (!ParseQuantity(&f.limit)) return false;
  } else if (IsKeyword(how, "run")) {
    Next();
    if (!ExpectKeyword("out")) return false;
    f.run_out = true;
    f.limit.span = Cover(how.span.offset, End(Prev().span));
  } else {
    std::string hint;
    if (how.kind == TokenKind::kWord) {
      std::string lower = Lower(how.text);
      std::string closest = SuggestClosest(lower, {"drop", "rise", "run", "drops", "rises"});
      if (closest == "drops" || closest == "rises") closest.pop_back();
      if (!closest.empty()) hint = RepairReplace(how.span, closest);
    }
    return Fail(how.span,
                "expected \"drop below\", \"rise above\" or \"run out\" after \"will\", found " +
                    Describe(how),
                hint);
  }
  if (!ExpectKeyword("within", {"in", "before"})) return false;
  if (!ParseDuration("4h", &f.horizon)) return false;
  c->node = std::move(f);
  return true;
}

bool Parser::ParseObjective(Condition* c) {
  Next();  // objective
  Objective o;
  if (!ReadKpiAfterKeyword(&o.kpi)) return false;
  Next();
  if (!ParseQuantity(&o.target) || !RequirePercent(o.target, "after " + Quote(o.kpi.name))) {
    return false;
  }
  if (!ExpectKeyword("over", {"in", "during", "for"})) return false;
  if (!ParseDuration("30d", &o.period)) return false;
  c->node = std::move(o);
  return true;
}

bool Parser::ParseAbsence(Condition* c) {
  Next();  // no
  Absence a;
  if (!ReadKpiAfterKeyword(&a.kpi)) return false;
  Next();
  if (!ExpectKeyword("for", {"in", "during", "since", "over"})) return false;
  if (!ParseDuration("10min", &a.window)) return false;
  c->node = std::move(a);
  return true;
}

bool Parser::FailVerb(const Ident& kpi) {
  const Token& v = Peek();
  std::string message =
      "expected a comparison, \"breaches\", \"drops\", \"rises\", \"is\" or "
      "\"will\" after " +
      Quote(kpi.name) + ", found " + Describe(v);
  if (v.kind == TokenKind::kLParen) {
    std::string lower = Lower(kpi.name);
    if (SuggestClosest(lower, {"duration"}) == "duration") {
      return Fail(kpi.span, "expected \"duration\" before \"(\", found " + Quote(kpi.name),
                  RepairReplace(kpi.span, "duration"));
    }
  }
  std::string hint;
  if (v.kind == TokenKind::kInvalid && v.text == "-" && !Peek(1).space_before &&
      Peek(1).kind == TokenKind::kWord) {  // `conversion-rate`: ids use "_"
    hint = Repair(kpi.span.offset, End(Peek(1).span) - kpi.span.offset,
                  kpi.name + "_" + std::string(Peek(1).text));
  } else if (v.kind == TokenKind::kNumber) {
    hint = Quote(kpi.name + " < " + std::string(v.text)) + " or " +
           Quote(kpi.name + " > " + std::string(v.text));
  } else if (v.kind == TokenKind::kWord) {
    std::string lower = Lower(v.text);
    std::string meant;
    for (const Synonym& s : kVerbSynonyms) {
      if (s.word == lower) meant = s.meant;
    }
    if (meant.empty()) {
      meant = SuggestClosest(lower, std::vector<std::string>(std::begin(kVerbs), std::end(kVerbs)));
    }
    if (!meant.empty()) {
      hint = RepairReplace(v.span, meant);
      if (hint.empty() && (meant == "drops" || meant == "rises") && IsKeyword(Peek(1), "by")) {
        hint = Repair(v.span.offset, End(Peek(1).span) - v.span.offset, meant + " more than");
      }
      if (hint.empty() && (meant == "drops" || meant == "rises") && !IsKeyword(Peek(1), "more")) {
        hint = RepairReplace(v.span, meant + " more than");
      }
      if (hint.empty() && (meant == "<" || meant == ">") && IsKeyword(Peek(1), "than")) {
        hint = Repair(v.span.offset, End(Peek(1).span) - v.span.offset, meant);
      }
      if (hint.empty()) hint = Quote(kpi.name + " " + meant + " …");
    }
  }
  return Fail(v.span, message, hint);
}

bool Parser::FailTrailing() {
  const Token& f = Peek();
  if (f.kind == TokenKind::kRParen) {
    return Fail(f.span, "unexpected \")\" without a matching \"(\"", RepairReplace(f.span, ""));
  }
  std::string message = in_guard_ ? "expected AND, OR, \"for\" or the end after the guard, found "
                                  : "expected AND, OR, \"for\", \"when\" or the end after the "
                                    "condition, found ";
  std::string hint;
  if (f.kind == TokenKind::kWord) {
    std::string closest = SuggestClosest(Lower(f.text), {"and", "or", "for", "when"});
    if (closest == "and") closest = "AND";
    if (closest == "or") closest = "OR";
    if (!closest.empty()) hint = RepairReplace(f.span, closest);
    if (hint.empty()) hint = RepairInsert(f.span.offset, "AND");
  }
  return Fail(f.span, message + Describe(f), hint);
}

bool Parser::ExpectKeyword(std::string_view keyword,
                           std::initializer_list<std::string_view> synonyms) {
  const Token& f = Peek();
  if (IsKeyword(f, keyword)) {
    Next();
    return true;
  }
  std::string hint;
  if (f.kind == TokenKind::kWord) {
    std::string lower = Lower(f.text);
    bool synonym = std::find(synonyms.begin(), synonyms.end(), lower) != synonyms.end();
    if (synonym || SuggestClosest(lower, {std::string(keyword)}) == keyword) {
      hint = RepairReplace(f.span, keyword);
    }
  }
  if (hint.empty()) hint = RepairInsert(f.span.offset, keyword);
  return Fail(f.span, "expected " + Quote(keyword) + After() + ", found " + Describe(f), hint);
}

bool Parser::ParseQuantity(Quantity* out) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kNumber) {
    return Fail(t.span, "expected a number" + After() + ", found " + Describe(t));
  }
  Next();
  std::string_view unit_word;
  Span span = t.span;
  const Token& u = Peek();
  if (internal::TakesSeparateUnit(t.text) && u.space_before &&
      (u.kind == TokenKind::kPercent || u.kind == TokenKind::kEuro ||
       (u.kind == TokenKind::kWord && internal::IsQuantityUnit(u.text)))) {
    Next();
    unit_word = u.text;
    span = Cover(t.span.offset, End(u.span));
  }
  internal::LiteralError error;
  if (!internal::ParseQuantityText(t.text, unit_word, &out->value, &out->unit, &error)) {
    std::string hint;
    if (!error.fixed.empty()) {
      hint = RepairReplace(span, error.fixed);
      if (hint.empty()) hint = Quote(error.fixed);
    }
    return Fail(span, error.message, hint);
  }
  out->text = std::string(t.text);
  if (!unit_word.empty()) out->text += " " + std::string(unit_word);
  out->span = span;
  return true;
}

bool Parser::RequirePercent(const Quantity& q, std::string_view where) {
  if (IsPercentLike(q)) return true;
  return Fail(q.span, "expected a percentage " + std::string(where) + ", found " + Quote(q.text));
}

bool Parser::ParseDuration(std::string_view sample, DurationLit* out) {
  const Token& t = Peek();
  if (t.kind != TokenKind::kNumber) {
    std::string hint;
    if (t.kind == TokenKind::kEnd || t.kind == TokenKind::kRParen || IsConnective(t)) {
      hint = RepairInsert(t.span.offset, sample);
    } else if (t.kind == TokenKind::kWord && internal::IsDurationUnit(t.text)) {
      hint = RepairInsert(t.span.offset, "1");  // `over hour`
    }
    if (hint.empty()) hint = "a duration such as \"30m\", \"1h\" or \"7d\"";
    return Fail(t.span, "expected a duration" + After() + ", found " + Describe(t), hint);
  }
  Next();
  std::string_view unit_word;
  Span span = t.span;
  const Token& u = Peek();
  if (u.space_before && u.kind == TokenKind::kWord && internal::IsDurationUnit(u.text) &&
      std::all_of(t.text.begin(), t.text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    Next();
    unit_word = u.text;
    span = Cover(t.span.offset, End(u.span));
  }
  bool digits_only =
      std::all_of(t.text.begin(), t.text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (unit_word.empty() && digits_only && u.space_before && u.kind == TokenKind::kWord &&
      u.text.size() >= 3 && !IsConnective(u)) {  // `30 minuts`
    std::string closest = SuggestClosest(
        Lower(u.text), {"minutes", "hours", "days", "weeks", "seconds", "mins", "years"});
    if (!closest.empty() && closest[0] == Lower(u.text)[0]) {
      return Fail(Cover(t.span.offset, End(u.span)),
                  "unknown unit " + Quote(u.text) + " in duration " +
                      Quote(std::string(t.text) + " " + std::string(u.text)) +
                      " (expected ms, s, m, h, d, w or y)",
                  RepairReplace(u.span, closest));
    }
  }
  internal::LiteralError error;
  if (!internal::ParseDurationText(t.text, unit_word, &out->ms, &error)) {
    std::string hint;
    if (!error.fixed.empty()) {
      hint = RepairReplace(span, error.fixed);
      if (hint.empty()) hint = Quote(error.fixed);
    }
    return Fail(span, error.message, hint);
  }
  out->text = std::string(t.text);
  if (!unit_word.empty()) out->text += " " + std::string(unit_word);
  out->span = span;
  return true;
}

bool Parser::ParseBaseline(Baseline* out) {
  const Token& first = Peek();
  if (first.kind == TokenKind::kNumber) {
    out->kind = Baseline::Kind::kAverage;
    if (!ParseDuration("7d", &out->window)) return false;
  } else if (IsKeyword(first, "same")) {
    Next();
    if (!IsKeyword(Peek(), "time") && !IsKeyword(Peek(), "hour")) {
      return Fail(Peek().span,
                  "expected \"time\" or \"hour\" after \"same\", found " + Describe(Peek()),
                  RepairInsert(Peek().span.offset, "time"));
    }
    Next();
    if (IsKeyword(Peek(), "yesterday")) {
      Next();
      out->kind = Baseline::Kind::kYesterday;
    } else {
      if (!ExpectKeyword("last") || !ExpectKeyword("week", {"weeks"})) return false;
      out->kind = Baseline::Kind::kSameTimeLastWeek;
    }
  } else if (IsKeyword(first, "last")) {
    Next();
    if (Peek().kind == TokenKind::kNumber) {  // `vs last 7 days`: the average over them
      out->kind = Baseline::Kind::kAverage;
      if (!ParseDuration("7d", &out->window)) return false;
    } else {
      if (!ExpectKeyword("week", {"weeks"})) return false;
      out->kind = Baseline::Kind::kSameTimeLastWeek;
    }
  } else if (IsKeyword(first, "yesterday")) {
    Next();
    out->kind = Baseline::Kind::kYesterday;
  } else {
    std::string hint;
    if (first.kind == TokenKind::kWord &&
        SuggestClosest(Lower(first.text), {"yesterday"}) == "yesterday") {
      hint = RepairReplace(first.span, "yesterday");
    }
    if (hint.empty()) {
      hint = "a baseline such as \"7d\", \"same time last week\", \"last week\" or \"yesterday\"";
    }
    return Fail(first.span, "expected a baseline" + After() + ", found " + Describe(first), hint);
  }
  out->span = Cover(first.span.offset, End(Prev().span));
  return true;
}

}  // namespace

bool Parse(std::string_view text, When* out, std::vector<ParseError>* errors) {
  Parser parser(text, /*with_hints=*/true);
  When when;
  if (!parser.ParseWhen(&when)) {
    if (errors != nullptr) errors->push_back(parser.TakeError());
    return false;
  }
  if (out != nullptr) *out = std::move(when);
  return true;
}

}  // namespace bam::rulesvc::dsl
