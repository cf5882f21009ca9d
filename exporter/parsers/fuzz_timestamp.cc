// libFuzzer target: TimestampLayout. Input is `layout\nvalue`; with no newline, the value is tried
// against each built-in layout. Values are tried as strings and, when numeric, as numbers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "exporter/parsers/timestamp.h"

namespace {

void TryValue(const bam::exporter::TimestampLayout& layout, std::string_view value) {
  int64_t millis = 0;
  layout.ToUnixMillis(bam::exporter::Value::String(value), &millis);
  const std::string copy(value);
  char* end = nullptr;
  const double d = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str()) layout.ToUnixMillis(bam::exporter::Value::Number(d), &millis);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  bam::exporter::TimestampLayout layout;
  std::string error;
  const size_t newline = input.find('\n');
  if (newline != std::string_view::npos) {
    if (bam::exporter::TimestampLayout::Parse(input.substr(0, newline), &layout, &error)) {
      TryValue(layout, input.substr(newline + 1));
    }
    return 0;
  }
  for (const char* name : {"rfc3339", "unix", "unix_ms", "%d/%b/%Y:%H:%M:%S %z",
                           "%Y-%m-%d %H:%M:%S.%f", "%b %d %H:%M:%S"}) {
    if (!bam::exporter::TimestampLayout::Parse(name, &layout, &error)) std::abort();
    TryValue(layout, input);
  }
  return 0;
}
