// Rewrites JSON integers too large for 64 bits as floating-point literals (internal to parsers/).
//
// simdjson's DOM parser rejects the whole document when an integer overflows int64/uint64; a BAM
// line should not be lost because of one oversized ID. Thread-safe: stateless.
#ifndef BAM_EXPORTER_PARSERS_BIG_INTEGERS_H_
#define BAM_EXPORTER_PARSERS_BIG_INTEGERS_H_

#include <cstddef>

namespace bam::exporter {

// Replaces, in place, every integer token outside strings with 19 or more digits by the same value
// written as 17 significant digits and an exponent, padded with spaces to the original length
// (`123456789012345678901` -> `12345678901234567e4 `). Leaves strings and other numbers alone.
// Returns whether anything was rewritten.
bool RewriteBigIntegers(char* json, size_t len);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_PARSERS_BIG_INTEGERS_H_
