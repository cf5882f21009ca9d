// The property the fuzz_when_parser target checks, shared with the corpus regression test so that
// every input the fuzzer found runs in the ordinary test suite too.
//
// For any bytes `text`:
//   - Parse either succeeds with no error, or fails with at least one error, each with a span
//     inside the text (the end included), a non-empty message and message and hint in valid UTF-8;
//   - a successful parse has every span inside the text, a non-null condition, and its Unparse
//     parses again and unparses to the same text (and then to itself).
// Thread-safe.
#ifndef BAM_RULESVC_DSL_TESTING_WHEN_FUZZ_CHECK_H_
#define BAM_RULESVC_DSL_TESTING_WHEN_FUZZ_CHECK_H_

#include <string>
#include <string_view>

namespace bam::rulesvc::dsl::testing {

// Returns "" when the property holds, else what went wrong.
std::string CheckWhenProperty(std::string_view text);

}  // namespace bam::rulesvc::dsl::testing

#endif  // BAM_RULESVC_DSL_TESTING_WHEN_FUZZ_CHECK_H_
