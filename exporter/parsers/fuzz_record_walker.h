// Test-only helper for the parser fuzz targets: reaches every field of a Record it can name.
//
// Record has no key enumeration, so the caller supplies candidate keys (taken from the fuzz input).
// Every string byte reached is read, so that AddressSanitizer sees views that dangle.
// Not thread-safe: keeps a visit budget per walk.
#ifndef BAM_EXPORTER_PARSERS_FUZZ_RECORD_WALKER_H_
#define BAM_EXPORTER_PARSERS_FUZZ_RECORD_WALKER_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "exporter/parsers/record.h"

namespace bam::exporter::fuzz {

// A single-segment path for `key`, valid as a FieldPath even when FieldPath::Parse would reject it.
inline FieldPath KeyPath(std::string_view key) {
  FieldPath p;
  if (FieldPath::Parse(key, &p)) return p;
  p.segments.assign(1, PathSegment{std::string(key), 0, false});
  p.text = std::string(key);
  return p;
}

class RecordWalker {
 public:
  RecordWalker(const Record& record, const std::vector<FieldPath>& keys)
      : record_(record), keys_(keys) {}

  // Returns a checksum of everything read so the compiler cannot drop the reads.
  size_t Walk() {
    Visit(record_.Root(), 0);
    return checksum_;
  }

 private:
  static constexpr int kMaxDepth = 8;
  static constexpr size_t kMaxVisits = 20000;
  static constexpr size_t kMaxElements = 256;

  void Visit(const Value& v, int depth) {
    if (++visits_ > kMaxVisits) return;
    switch (v.kind) {
      case ValueKind::kNull:
        checksum_ += 1;
        return;
      case ValueKind::kBool:
        checksum_ += v.boolean ? 2 : 3;
        return;
      case ValueKind::kNumber:
        checksum_ += v.number > 0 ? 4 : 5;
        return;
      case ValueKind::kString:
        for (char c : v.str) checksum_ += static_cast<unsigned char>(c);
        return;
      case ValueKind::kArray:
      case ValueKind::kObject:
        break;
    }
    if (depth >= kMaxDepth) return;
    for (const FieldPath& key : keys_) Visit(record_.Member(v, key), depth + 1);
    const size_t n = record_.ArrayLength(v);
    checksum_ += n;
    for (size_t i = 0; i < n && i < kMaxElements; ++i) Visit(record_.Element(v, i), depth + 1);
    record_.Element(v, n);  // one past the end
    FieldPath index;
    index.segments.push_back(PathSegment{"", n > 0 ? n - 1 : 0, true});
    Visit(record_.Member(v, index), depth + 1);
  }

  const Record& record_;
  const std::vector<FieldPath>& keys_;
  size_t visits_ = 0;
  size_t checksum_ = 0;
};

}  // namespace bam::exporter::fuzz

#endif  // BAM_EXPORTER_PARSERS_FUZZ_RECORD_WALKER_H_
