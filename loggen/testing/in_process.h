// Test helper: runs a bam-loggen backfill in-process from command-line flags, into a given Output.
// Not thread-safe.
#ifndef BAM_LOGGEN_TESTING_IN_PROCESS_H_
#define BAM_LOGGEN_TESTING_IN_PROCESS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loggen/output.h"

namespace bam::loggen::testing {

// Parses `flags` (without argv[0]; --out is required by the parser but not used: lines go to
// `out`), runs the backfill and returns the truth file's JSON, or a JSON null after a failed gtest
// expectation.
nlohmann::json RunBackfill(std::vector<std::string> flags, Output* out);

}  // namespace bam::loggen::testing

#endif  // BAM_LOGGEN_TESTING_IN_PROCESS_H_
