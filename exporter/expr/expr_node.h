// Evaluation tree of a compiled expression: Node objects with a virtual Eval, built by
// expr_compile.cc from the checked AST. Internal to exporter/expr.
//
// Nodes are immutable after construction: thread-safe to evaluate concurrently, each thread with
// its own EvalScratch. No node throws or allocates in Eval (strings go to EvalScratch).
#ifndef BAM_EXPORTER_EXPR_EXPR_NODE_H_
#define BAM_EXPORTER_EXPR_EXPR_NODE_H_

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/expr/expr.h"
#include "exporter/parsers/record.h"

namespace bam::exporter::expr_internal {

class Node {
 public:
  virtual ~Node() = default;
  virtual Value Eval(const Record& record, const Value* item, EvalScratch* scratch) const = 0;
  // True only when Eval would give boolean true. Boolean nodes override it to skip the Value.
  virtual bool Test(const Record& record, const Value* item, EvalScratch* scratch) const {
    Value v = Eval(record, item, scratch);
    return v.kind == ValueKind::kBool && v.boolean;
  }
};
using NodePtr = std::unique_ptr<Node>;

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ArithOp { kAdd, kSub, kMul, kDiv };

// `a op b` under the language's rules (see expr.h): null -> false; numbers numerically; strings
// bytewise; number vs numeric string numerically; anything else only `!=` holds.
bool CompareValues(CmpOp op, const Value& a, const Value& b);

// The same operator with its operands swapped (a < b  <=>  b > a).
CmpOp Mirror(CmpOp op);

// A literal (string, number or boolean) with its numeric reading computed once.
struct Constant {
  ValueKind kind = ValueKind::kNull;
  bool boolean = false;
  double number = 0;     // kNumber: the value; kString: its numeric reading when `numeric`
  bool numeric = false;  // kNumber, or a numeric kString
  std::string str;       // kString

  static Constant OfString(std::string s);
  static Constant OfNumber(double d);
  static Constant OfBool(bool b);
  Value ToValue() const;  // views into `str`: valid while this Constant lives unmoved
  // `left op *this` under CompareValues' rules, without converting the constant again.
  bool CompareWith(CmpOp op, const Value& left) const;
};

// The text of a scalar as a label would show it: strings as is, numbers via FormatNumber (into
// buf), booleans "true"/"false". False for null, arrays and objects.
bool ValueText(const Value& v, char (&buf)[32], std::string_view* out);

// Leaves.
NodePtr MakeConstant(Constant c);
NodePtr MakeNull();
NodePtr MakeField(FieldPath path);
NodePtr MakeItem();                     // the `each:` element itself
NodePtr MakeItemField(FieldPath path);  // a path below the element (`item.` stripped)

// Logic and arithmetic.
NodePtr MakeNot(NodePtr operand);
NodePtr MakeAnd(NodePtr left, NodePtr right);
NodePtr MakeOr(NodePtr left, NodePtr right);
NodePtr MakeNeg(NodePtr operand);
NodePtr MakeArith(ArithOp op, NodePtr left, NodePtr right);

// Comparisons.
NodePtr MakeCompare(CmpOp op, NodePtr left, NodePtr right);
NodePtr MakeCompareConstant(CmpOp op, NodePtr left, Constant right);
NodePtr MakeIn(NodePtr left, std::vector<Constant> list);
// `pattern` must have compiled (ok()).
NodePtr MakeMatches(NodePtr left, std::unique_ptr<RE2> pattern);

}  // namespace bam::exporter::expr_internal

#endif  // BAM_EXPORTER_EXPR_EXPR_NODE_H_
