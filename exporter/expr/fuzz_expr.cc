// libFuzzer target: compiles arbitrary text as an expression and, when it compiles, evaluates it
// and checks that its canonical text round-trips (see testing/expr_fuzz_check.h).
// Seed corpus: tests/fuzz/corpus/fuzz_expr/.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "exporter/expr/testing/expr_fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string failure = bam::exporter::testing::CheckExprProperty(text);
  if (!failure.empty()) {
    std::fprintf(stderr, "fuzz_expr: %s\n", failure.c_str());
    std::abort();
  }
  return 0;
}
