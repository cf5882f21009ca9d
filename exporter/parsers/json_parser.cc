// JSON lines via the simdjson DOM API.
//
// The line is copied into a padded buffer we own so that simdjson never allocates its own padded
// copy; the parser's tape and string buffer are reused line after line. Objects and arrays reached
// through Member()/Element() are stored in a per-line node table and handed out as handles into it.
// Integers beyond 64 bits, which simdjson rejects, are rewritten as doubles and the line re-parsed.
#include <simdjson.h>

#include <cstring>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "exporter/parsers/big_integers.h"
#include "exporter/parsers/parser.h"
#include "exporter/parsers/record.h"

namespace bam::exporter {
namespace {

namespace dom = simdjson::dom;

class JsonRecord final : public Record {
 public:
  void Reset(dom::element root) {
    nodes_.clear();
    nodes_.push_back(root);
    cached_array_ = kNoHandle;
  }

  Value Root() const override { return Value::Node(ValueKind::kObject, 0); }

  Value Member(const Value& base, const FieldPath& path) const override {
    dom::element current;
    if (!Open(base, &current)) return Value::Null();
    if (Walk(current, path, &current)) return ToValue(current);
    // Dotted keys such as ECS's {"log.level": "info"}: a root lookup that fails nested is retried
    // with the path as written.
    if (base.handle == 0 && path.segments.size() > 1) {
      dom::object root;
      dom::element found;
      if (nodes_[0].get_object().get(root) == simdjson::SUCCESS &&
          root.at_key(path.text).get(found) == simdjson::SUCCESS) {
        return ToValue(found);
      }
    }
    return Value::Null();
  }

  size_t ArrayLength(const Value& array) const override {
    dom::array a;
    if (!OpenArray(array, &a)) return 0;
    return a.size();
  }

  Value Element(const Value& array, size_t i) const override {
    dom::array a;
    if (!OpenArray(array, &a)) return Value::Null();
    // `each:` walks 0, 1, 2, ...: keep an iterator so that the walk is linear, not quadratic.
    if (cached_array_ != array.handle || cached_index_ > i) {
      cached_array_ = array.handle;
      cached_index_ = 0;
      cached_it_ = a.begin();
    }
    const dom::array::iterator end = a.end();
    while (cached_index_ < i && cached_it_ != end) {
      ++cached_it_;
      ++cached_index_;
    }
    if (cached_it_ == end) return Value::Null();
    return ToValue(*cached_it_);
  }

 private:
  static constexpr uint32_t kNoHandle = std::numeric_limits<uint32_t>::max();

  bool Open(const Value& v, dom::element* out) const {
    if (v.kind != ValueKind::kObject && v.kind != ValueKind::kArray) return false;
    if (v.handle >= nodes_.size()) return false;
    *out = nodes_[v.handle];
    return true;
  }

  bool OpenArray(const Value& v, dom::array* out) const {
    dom::element e;
    if (v.kind != ValueKind::kArray || !Open(v, &e)) return false;
    return e.get_array().get(*out) == simdjson::SUCCESS;
  }

  static bool Walk(dom::element current, const FieldPath& path, dom::element* out) {
    for (const PathSegment& seg : path.segments) {
      if (seg.is_index) {
        dom::array a;
        if (current.get_array().get(a) != simdjson::SUCCESS) return false;
        if (a.at(seg.index).get(current) != simdjson::SUCCESS) return false;
      } else {
        dom::object o;
        if (current.get_object().get(o) != simdjson::SUCCESS) return false;
        if (o.at_key(seg.key).get(current) != simdjson::SUCCESS) return false;
      }
    }
    *out = current;
    return true;
  }

  Value ToValue(dom::element e) const {
    switch (e.type()) {
      case dom::element_type::OBJECT:
        return AddNode(ValueKind::kObject, e);
      case dom::element_type::ARRAY:
        return AddNode(ValueKind::kArray, e);
      case dom::element_type::INT64: {
        int64_t i = 0;
        if (e.get_int64().get(i) != simdjson::SUCCESS) return Value::Null();
        return Value::Number(static_cast<double>(i));
      }
      case dom::element_type::UINT64: {
        uint64_t u = 0;
        if (e.get_uint64().get(u) != simdjson::SUCCESS) return Value::Null();
        return Value::Number(static_cast<double>(u));
      }
      case dom::element_type::DOUBLE: {
        double d = 0;
        if (e.get_double().get(d) != simdjson::SUCCESS) return Value::Null();
        return Value::Number(d);
      }
      case dom::element_type::STRING: {
        std::string_view s;
        if (e.get_string().get(s) != simdjson::SUCCESS) return Value::Null();
        return Value::String(s);
      }
      case dom::element_type::BOOL: {
        bool b = false;
        if (e.get_bool().get(b) != simdjson::SUCCESS) return Value::Null();
        return Value::Bool(b);
      }
      case dom::element_type::NULL_VALUE:
        return Value::Null();
    }
    return Value::Null();
  }

  Value AddNode(ValueKind kind, dom::element e) const {
    if (nodes_.size() >= kNoHandle) return Value::Null();
    nodes_.push_back(e);
    return Value::Node(kind, static_cast<uint32_t>(nodes_.size() - 1));
  }

  // Grows with the number of objects/arrays handed out for one line; cleared, not freed, per line.
  mutable std::vector<dom::element> nodes_;
  mutable uint32_t cached_array_ = kNoHandle;
  mutable size_t cached_index_ = 0;
  mutable dom::array::iterator cached_it_;
};

class JsonParser final : public Parser {
 public:
  const Record* Parse(std::string_view line) override {
    const size_t needed = line.size() + simdjson::SIMDJSON_PADDING;
    if (buffer_.size() < needed) buffer_.resize(needed);  // zero-filled, so the padding is defined
    if (!line.empty()) std::memcpy(buffer_.data(), line.data(), line.size());
    dom::element root;
    simdjson::error_code error =
        parser_.parse(buffer_.data(), line.size(), /*realloc_if_needed=*/false).get(root);
    if (error == simdjson::NUMBER_ERROR && RewriteBigIntegers(buffer_.data(), line.size())) {
      error = parser_.parse(buffer_.data(), line.size(), /*realloc_if_needed=*/false).get(root);
    }
    if (error != simdjson::SUCCESS) return nullptr;
    if (root.type() != dom::element_type::OBJECT) return nullptr;
    record_.Reset(root);
    return &record_;
  }

 private:
  dom::parser parser_;
  std::vector<char> buffer_;  // line copy + SIMDJSON_PADDING bytes
  JsonRecord record_;
};

}  // namespace

std::unique_ptr<Parser> NewJsonParser() { return std::make_unique<JsonParser>(); }

}  // namespace bam::exporter
