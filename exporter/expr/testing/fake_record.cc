#include "exporter/expr/testing/fake_record.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace bam::exporter::testing {

namespace {

[[noreturn]] void Broken(std::string_view at) {
  std::fprintf(stderr, "FakeRecord: malformed JSON at: %.*s\n", static_cast<int>(at.size()),
               at.data());
  std::abort();
}

void SkipSpace(std::string_view* in) {
  while (!in->empty() && (in->front() == ' ' || in->front() == '\n' || in->front() == '\t' ||
                          in->front() == '\r')) {
    in->remove_prefix(1);
  }
}

void Expect(std::string_view* in, char c) {
  SkipSpace(in);
  if (in->empty() || in->front() != c) Broken(*in);
  in->remove_prefix(1);
}

std::string ParseString(std::string_view* in) {
  Expect(in, '"');
  std::string out;
  while (true) {
    if (in->empty()) Broken(*in);
    char c = in->front();
    in->remove_prefix(1);
    if (c == '"') return out;
    if (c == '\\') {
      if (in->empty()) Broken(*in);
      char e = in->front();
      in->remove_prefix(1);
      out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      continue;
    }
    out += c;
  }
}

}  // namespace

FakeRecord::FakeRecord(std::string_view json) {
  SkipSpace(&json);
  if (json.empty() || json.front() != '{') Broken(json);
  Value root = ParseValue(&json);
  SkipSpace(&json);
  if (!json.empty() || root.handle != 0) Broken(json);
}

Value FakeRecord::ParseValue(std::string_view* in) {
  SkipSpace(in);
  if (in->empty()) Broken(*in);
  char c = in->front();
  if (c == '{' || c == '[') {
    bool object = c == '{';
    char close = object ? '}' : ']';
    uint32_t handle = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
    in->remove_prefix(1);
    SkipSpace(in);
    if (!in->empty() && in->front() == close) {
      in->remove_prefix(1);
    } else {
      while (true) {
        if (object) {
          std::string key = ParseString(in);
          Expect(in, ':');
          Value v = ParseValue(in);
          nodes_[handle].members.emplace_back(std::move(key), v);
        } else {
          Value v = ParseValue(in);
          nodes_[handle].elements.push_back(v);
        }
        SkipSpace(in);
        if (in->empty()) Broken(*in);
        char next = in->front();
        in->remove_prefix(1);
        if (next == close) break;
        if (next != ',') Broken(*in);
      }
    }
    return Value::Node(object ? ValueKind::kObject : ValueKind::kArray, handle);
  }
  if (c == '"') {
    strings_.push_back(ParseString(in));
    return Value::String(strings_.back());
  }
  for (auto [word, value] : {std::pair<std::string_view, Value>{"true", Value::Bool(true)},
                             {"false", Value::Bool(false)},
                             {"null", Value::Null()}}) {
    if (in->substr(0, word.size()) == word) {
      in->remove_prefix(word.size());
      return value;
    }
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(in->data(), in->data() + in->size(), d);
  if (ec != std::errc()) Broken(*in);
  in->remove_prefix(static_cast<size_t>(ptr - in->data()));
  return Value::Number(d);
}

const FakeRecord::Node* FakeRecord::Open(const Value& v, ValueKind kind) const {
  if (v.kind != kind || v.handle >= nodes_.size()) return nullptr;
  return &nodes_[v.handle];
}

Value FakeRecord::Member(const Value& base, const FieldPath& path) const {
  Value v = base;
  for (const PathSegment& seg : path.segments) {
    if (seg.is_index) {
      const Node* n = Open(v, ValueKind::kArray);
      if (n == nullptr || seg.index >= n->elements.size()) return Value::Null();
      v = n->elements[seg.index];
    } else {
      const Node* n = Open(v, ValueKind::kObject);
      if (n == nullptr) return Value::Null();
      const Value* found = nullptr;
      for (const auto& [key, member] : n->members) {
        if (key == seg.key) found = &member;  // last duplicate wins, as in most JSON readers
      }
      if (found == nullptr) return Value::Null();
      v = *found;
    }
  }
  return v;
}

size_t FakeRecord::ArrayLength(const Value& array) const {
  const Node* n = Open(array, ValueKind::kArray);
  return n == nullptr ? 0 : n->elements.size();
}

Value FakeRecord::Element(const Value& array, size_t i) const {
  const Node* n = Open(array, ValueKind::kArray);
  if (n == nullptr || i >= n->elements.size()) return Value::Null();
  return n->elements[i];
}

}  // namespace bam::exporter::testing
