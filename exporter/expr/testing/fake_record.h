// FakeRecord: an in-memory Record for tests and fuzzing of expressions, built from a small JSON
// document, so expression tests do not depend on the real parsers.
//
// Supports objects, arrays, strings (with \" \\ \n \t escapes), numbers, true, false, null.
// Not thread-safe to build; immutable afterwards, so concurrent reads are safe.
#ifndef BAM_EXPORTER_EXPR_TESTING_FAKE_RECORD_H_
#define BAM_EXPORTER_EXPR_TESTING_FAKE_RECORD_H_

#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/parsers/record.h"

namespace bam::exporter::testing {

class FakeRecord final : public Record {
 public:
  // REQUIRES: `json` is a well-formed document whose top level is an object (aborts otherwise:
  // a broken fixture is a bug in the test).
  explicit FakeRecord(std::string_view json);

  Value Root() const override { return Value::Node(ValueKind::kObject, 0); }
  Value Member(const Value& base, const FieldPath& path) const override;
  size_t ArrayLength(const Value& array) const override;
  Value Element(const Value& array, size_t i) const override;

 private:
  struct Node {
    std::vector<std::pair<std::string, Value>> members;  // objects
    std::vector<Value> elements;                         // arrays
  };
  Value ParseValue(std::string_view* in);
  const Node* Open(const Value& v, ValueKind kind) const;

  std::vector<Node> nodes_;
  std::deque<std::string> strings_;  // deque: views into its elements stay valid as it grows
};

}  // namespace bam::exporter::testing

#endif  // BAM_EXPORTER_EXPR_TESTING_FAKE_RECORD_H_
