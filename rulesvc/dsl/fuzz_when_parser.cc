// libFuzzer target: parses arbitrary bytes as a `when` text and, when it parses, checks that its
// canonical text round-trips (see testing/when_fuzz_check.h).
// Seed corpus: tests/fuzz/corpus/fuzz_when_parser/.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rulesvc/dsl/testing/when_fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string failure = bam::rulesvc::dsl::testing::CheckWhenProperty(text);
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz_when_parser: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
