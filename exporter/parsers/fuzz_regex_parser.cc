// libFuzzer target: NewRegexParser() with the Apache combined pattern on arbitrary lines.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/parsers/fuzz_record_walker.h"
#include "exporter/parsers/parser.h"

namespace {

constexpr char kCombined[] =
    R"re(^(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+)[^"]*" )re"
    R"re((?P<status>\d{3}) (?P<bytes>\d+|-)(?: "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")?)re";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bam::exporter::Parser* parser = [] {
    std::string error;
    auto p = bam::exporter::NewRegexParser(kCombined, &error);
    if (p == nullptr) std::abort();
    return p.release();
  }();
  static const auto* keys = new std::vector<bam::exporter::FieldPath>{
      bam::exporter::fuzz::KeyPath("ip"),    bam::exporter::fuzz::KeyPath("user"),
      bam::exporter::fuzz::KeyPath("time"),  bam::exporter::fuzz::KeyPath("method"),
      bam::exporter::fuzz::KeyPath("path"),  bam::exporter::fuzz::KeyPath("status"),
      bam::exporter::fuzz::KeyPath("bytes"), bam::exporter::fuzz::KeyPath("referer"),
      bam::exporter::fuzz::KeyPath("agent"), bam::exporter::fuzz::KeyPath("missing")};
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const bam::exporter::Record* record = parser->Parse(line);
  if (record == nullptr) return 0;
  bam::exporter::fuzz::RecordWalker(*record, *keys).Walk();
  return 0;
}
