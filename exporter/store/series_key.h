// The key a label set is found by in a metric's series table: each label value length-prefixed
// (4 bytes) and concatenated, so {"ab","c"} and {"a","bc"} differ. Shared by every metric kind of
// the store.
#ifndef BAM_EXPORTER_STORE_SERIES_KEY_H_
#define BAM_EXPORTER_STORE_SERIES_KEY_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace bam::exporter {

// Replaces *out with the key of `label_values`. Reuses out's capacity: no allocation once grown.
inline void EncodeSeriesKey(std::span<const std::string_view> label_values, std::string* out) {
  out->clear();
  for (std::string_view v : label_values) {
    uint32_t n = static_cast<uint32_t>(v.size());
    out->append(reinterpret_cast<const char*>(&n), sizeof(n));
    out->append(v);
  }
}

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_STORE_SERIES_KEY_H_
