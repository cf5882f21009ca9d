// bam-loggen's command line (see docs/loggen.md and ../shared/specs/loggen.md): parsed and
// validated into everything a run needs. Pure function; thread-safe.
#ifndef BAM_LOGGEN_FLAGS_H_
#define BAM_LOGGEN_FLAGS_H_

#include <optional>
#include <string>

#include "loggen/generator.h"
#include "loggen/output.h"

namespace bam::loggen {

struct RunConfig {
  bool realtime = false;
  GeneratorOptions generator;
  std::string out;    // file path, "-" for stdout, empty when only --http
  std::string truth;  // empty: no truth file
  Rotation rotation = Rotation::kNone;
  uint64_t rotate_bytes = 0;
  std::string http_url;
  uint64_t http_batch_bytes = 1 << 20;
  bool quiet = false;
  bool help = false;
  bool version = false;
};

// Parses argv (`--name=value` or `--name value`). `now_ms` is the default --start of a realtime
// run. On a usage error returns nullopt and sets *error to a message (which may end in a
// tab-indented "Try …" line); the caller exits with status 2.
std::optional<RunConfig> ParseFlags(int argc, char** argv, int64_t now_ms, std::string* error);

std::string Usage();

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_FLAGS_H_
