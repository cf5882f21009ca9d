// Record: one parsed log line, as the mapping stage sees it.
//
// A parser turns a line (LogLine) into a Record; expressions read fields from it through FieldPath
// values compiled at config time. Every string_view handed out (in Value::str) points into the
// line, the parser's buffers or the record's scratch space and stays valid until the parser parses
// the next line. Records are reused line after line: nothing here allocates once buffers have
// grown.
//
// Object/array handles (Value::handle) are likewise valid only until the next Parse(): a handle
// from an earlier line may name a different node of the current one. Handing out an object or
// array (from Member or Element) may append to the record's per-line node table, hence the
// `const` methods are still not safe to call concurrently.
//
// Not thread-safe: one parser (and so one Record) per thread.
#ifndef BAM_EXPORTER_PARSERS_RECORD_H_
#define BAM_EXPORTER_PARSERS_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bam::exporter {

enum class ValueKind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

// A dynamically typed value. Arrays and objects are opaque handles that only the Record that
// produced them can open (Record::Member, Record::ArrayLength, Record::Element).
struct Value {
  ValueKind kind = ValueKind::kNull;
  bool boolean = false;
  double number = 0;
  std::string_view str;  // kString only
  uint32_t handle = 0;   // kArray / kObject only: index into the producing record's node table

  static Value Null() { return Value{}; }
  static Value Bool(bool b) {
    Value v;
    v.kind = ValueKind::kBool;
    v.boolean = b;
    return v;
  }
  static Value Number(double d) {
    Value v;
    v.kind = ValueKind::kNumber;
    v.number = d;
    return v;
  }
  static Value String(std::string_view s) {
    Value v;
    v.kind = ValueKind::kString;
    v.str = s;
    return v;
  }
  static Value Node(ValueKind k, uint32_t h) {
    Value v;
    v.kind = k;
    v.handle = h;
    return v;
  }

  bool is_null() const { return kind == ValueKind::kNull; }
};

// A field reference compiled once: `geo.country_iso_code` -> {"geo", "country_iso_code"};
// `products[0].price` -> {"products", 0, "price"}.
struct PathSegment {
  std::string key;   // object member name; empty when is_index
  size_t index = 0;  // array index when is_index
  bool is_index = false;
};

struct FieldPath {
  std::vector<PathSegment> segments;
  std::string text;  // as written, e.g. "geo.country_iso_code"; flat formats look this up whole

  // Parses `a.b[2].c`. Returns false (and leaves *out unspecified) on a malformed path.
  static bool Parse(std::string_view text, FieldPath* out);
};

class Record {
 public:
  virtual ~Record() = default;

  // The whole line as an object (handle of the root node).
  virtual Value Root() const = 0;

  // Follows `path` from `base` (an object or array Value from this record). Missing, a key
  // applied to a non-object, an index applied to a non-array, or a `base` that is not an
  // object/array -> Null. In JSON records an empty path returns `base` itself.
  // Flat formats (logfmt, regex) return Null unless `base` is Root(), and look up path.text.
  virtual Value Member(const Value& base, const FieldPath& path) const = 0;

  // Length of an array value from this record; 0 for anything else.
  virtual size_t ArrayLength(const Value& array) const = 0;

  // Element `i` of an array value from this record; Null when out of range or not an array.
  // Walking i = 0, 1, 2, ... is linear overall (JSON keeps an iterator for the last array).
  virtual Value Element(const Value& array, size_t i) const = 0;

  // Convenience: Member(Root(), path).
  Value Get(const FieldPath& path) const { return Member(Root(), path); }
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_PARSERS_RECORD_H_
