// The property the fuzz_expr target checks, shared with its regression test so that every input
// the fuzzer found runs in the ordinary test suite too.
//
// For `text`, with and without `item` allowed (a lookup table "segment" is available):
//   - CompileExpr either succeeds with no errors, or fails with at least one error, each with an
//     offset within the text (the end included);
//   - a compiled expression evaluates (Eval, EvalBool, EvalNumber, EvalLabel) against a fixed
//     FakeRecord with nested objects and arrays, with item = null, an object, a string and an
//     array;
//   - ToString() recompiles, unparses to the same text, and evaluates to the same results.
// Thread-safe: uses only function-local immutable fixtures.
#ifndef BAM_EXPORTER_EXPR_TESTING_EXPR_FUZZ_CHECK_H_
#define BAM_EXPORTER_EXPR_TESTING_EXPR_FUZZ_CHECK_H_

#include <string>
#include <string_view>

namespace bam::exporter::testing {

// Returns "" when the property holds, else what went wrong.
std::string CheckExprProperty(std::string_view text);

}  // namespace bam::exporter::testing

#endif  // BAM_EXPORTER_EXPR_TESTING_EXPR_FUZZ_CHECK_H_
