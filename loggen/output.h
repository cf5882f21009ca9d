// Outputs: where bam-loggen's lines go — a file (with optional rotation), stdout, an HTTP endpoint,
// or several at once. Every Write receives whole lines. Not thread-safe; one writer thread.
#ifndef BAM_LOGGEN_OUTPUT_H_
#define BAM_LOGGEN_OUTPUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loggen/status.h"

namespace bam::loggen {

class Output {
 public:
  virtual ~Output() = default;
  // Writes `lines` (zero or more complete lines, each ending in '\n'). An error is final.
  virtual Status Write(std::string_view lines) = 0;
  // Flushes and releases resources. Call once, last.
  virtual Status Close() = 0;
};

enum class Rotation { kNone, kRename, kCopyTruncate };

struct FileOutputOptions {
  std::string path;
  Rotation rotation = Rotation::kNone;
  uint64_t rotate_bytes = 0;  // rotate before a write would take the file past this size (0: never)
};

// Writes to options.path (truncated at open). Rotation keeps logrotate's numbering: the current
// file becomes PATH.1, older ones shift to PATH.2, PATH.3 … (rename: the file is renamed and a new
// one opened; copytruncate: the content is copied to PATH.1 and the open file truncated). Lines
// never straddle files. Returns nullptr and sets *error when the file cannot be opened.
std::unique_ptr<Output> OpenFileOutput(const FileOutputOptions& options, std::string* error);

// Writes to file descriptor 1.
std::unique_ptr<Output> OpenStdoutOutput();

struct HttpOutputOptions {
  std::string url;
  uint64_t max_batch_bytes = 1 << 20;  // one POST carries at most this many bytes (whole lines)
  int retries = 3;                     // per batch, on connection errors and 5xx, with backoff
};

// POSTs NDJSON batches (Content-Type: application/x-ndjson) to options.url; any non-2xx reply after
// the retries is an error.
std::unique_ptr<Output> OpenHttpOutput(const HttpOutputOptions& options, std::string* error);

// Writes to every output in turn.
std::unique_ptr<Output> TeeOutputs(std::vector<std::unique_ptr<Output>> outputs);

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_OUTPUT_H_
