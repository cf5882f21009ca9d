// libFuzzer target: NewLogfmtParser() on arbitrary lines, then every field named in the line.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "exporter/parsers/fuzz_record_walker.h"
#include "exporter/parsers/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* parser = bam::exporter::NewLogfmtParser().release();
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const bam::exporter::Record* record = parser->Parse(line);
  if (record == nullptr) return 0;

  // Candidate keys: every space-separated token up to its first '='.
  std::vector<bam::exporter::FieldPath> keys;
  size_t pos = 0;
  while (pos < line.size() && keys.size() < 64) {
    size_t end = line.find(' ', pos);
    if (end == std::string_view::npos) end = line.size();
    const std::string_view token = line.substr(pos, end - pos);
    keys.push_back(bam::exporter::fuzz::KeyPath(token.substr(0, token.find('='))));
    pos = end + 1;
  }
  bam::exporter::fuzz::RecordWalker(*record, keys).Walk();
  return 0;
}
