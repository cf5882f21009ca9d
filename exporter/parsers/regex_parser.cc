// Regex lines: one RE2 match per line; named groups become string fields.
//
// RE2 is compiled once; submatches land in a preallocated array of StringPieces pointing into the
// line, so the per-line path does not allocate. No literal prefilter: RE2 already skips ahead on a
// literal prefix and rejects anchored mismatches early.
#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporter/parsers/parser.h"
#include "exporter/parsers/record.h"

namespace bam::exporter {
namespace {

struct Group {
  std::string name;
  int index;  // submatch index
};

class RegexRecord final : public Record {
 public:
  RegexRecord(const std::vector<Group>* groups, const std::vector<re2::StringPiece>* submatches)
      : groups_(groups), submatches_(submatches) {}

  Value Root() const override { return Value::Node(ValueKind::kObject, 0); }

  Value Member(const Value& base, const FieldPath& path) const override {
    if (base.kind != ValueKind::kObject || base.handle != 0) return Value::Null();
    for (const Group& g : *groups_) {
      if (g.name != path.text) continue;
      const re2::StringPiece& piece = (*submatches_)[static_cast<size_t>(g.index)];
      if (piece.data() == nullptr) return Value::Null();  // group did not participate
      return Value::String(std::string_view(piece.data(), piece.size()));
    }
    return Value::Null();
  }

  size_t ArrayLength(const Value&) const override { return 0; }
  Value Element(const Value&, size_t) const override { return Value::Null(); }

 private:
  const std::vector<Group>* groups_;
  const std::vector<re2::StringPiece>* submatches_;
};

class RegexParser final : public Parser {
 public:
  RegexParser(std::unique_ptr<RE2> re, std::vector<Group> groups, int nsubmatch)
      : re_(std::move(re)),
        groups_(std::move(groups)),
        submatches_(static_cast<size_t>(nsubmatch)),
        record_(&groups_, &submatches_) {}
  RegexParser(const RegexParser&) = delete;  // record_ points into this object
  RegexParser& operator=(const RegexParser&) = delete;

  const Record* Parse(std::string_view line) override {
    // A null data pointer would make an empty group that did match look like one that did not.
    static constexpr char kEmpty[] = "";
    const re2::StringPiece text(line.empty() ? kEmpty : line.data(), line.size());
    if (!re_->Match(text, 0, text.size(), RE2::UNANCHORED, submatches_.data(),
                    static_cast<int>(submatches_.size()))) {
      return nullptr;
    }
    return &record_;
  }

 private:
  std::unique_ptr<RE2> re_;
  std::vector<Group> groups_;
  std::vector<re2::StringPiece> submatches_;  // [0] is the whole match
  RegexRecord record_;
};

}  // namespace

std::unique_ptr<Parser> NewRegexParser(const std::string& pattern, std::string* error) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) {
    *error = "invalid regex: " + re->error();
    return nullptr;
  }
  std::vector<Group> groups;
  int max_index = 0;
  for (const auto& [name, index] : re->NamedCapturingGroups()) {
    groups.push_back({name, index});
    if (index > max_index) max_index = index;
  }
  if (groups.empty()) {
    *error = "regex has no named group; capture fields with (?P<name>...)";
    return nullptr;
  }
  // Only the named groups are read: asking RE2 for fewer submatches lets it use faster engines.
  return std::make_unique<RegexParser>(std::move(re), std::move(groups), max_index + 1);
}

}  // namespace bam::exporter
