// libFuzzer target: NewJsonParser() on arbitrary lines, then every reachable field.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "exporter/parsers/fuzz_record_walker.h"
#include "exporter/parsers/parser.h"

using bam::exporter::FieldPath;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* parser = bam::exporter::NewJsonParser().release();
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const bam::exporter::Record* record = parser->Parse(line);
  if (record == nullptr) return 0;

  // Candidate keys: the text between each pair of quotes, plus dotted paths built from them.
  std::vector<FieldPath> keys;
  size_t open = line.find('"');
  while (open != std::string_view::npos && keys.size() < 32) {
    const size_t close = line.find('"', open + 1);
    if (close == std::string_view::npos) break;
    const std::string_view key = line.substr(open + 1, close - open - 1);
    if (key.size() <= 64) keys.push_back(bam::exporter::fuzz::KeyPath(key));
    open = line.find('"', close + 1);
  }
  if (keys.size() >= 2) {
    FieldPath dotted;
    if (FieldPath::Parse(keys[0].text + "." + keys[1].text, &dotted)) keys.push_back(dotted);
  }
  bam::exporter::fuzz::RecordWalker(*record, keys).Walk();
  return 0;
}
