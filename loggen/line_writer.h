// LineWriter: formats Events as JSON lines (the default) or logfmt, appending to a caller-owned
// buffer.
//
// Formatting is manual (std::to_chars, integer cents and tenths) so the output is byte-identical
// everywhere and fast enough for millions of lines per second. Field order is fixed: ts, log_type,
// event, the type's fields, platform, region. In logfmt, `indicators` is a comma-separated string.
// Stateless apart from its format; thread-compatible.
#ifndef BAM_LOGGEN_LINE_WRITER_H_
#define BAM_LOGGEN_LINE_WRITER_H_

#include <string>

#include "loggen/event.h"

namespace bam::loggen {

enum class LineFormat { kJson, kLogfmt };

class LineWriter {
 public:
  explicit LineWriter(LineFormat format) : format_(format) {}

  // Appends one line, terminated by '\n', to *out. REQUIRES: event.shadow == Shadow::kNone.
  void Append(const Event& event, std::string* out) const;

 private:
  LineFormat format_;
};

}  // namespace bam::loggen

#endif  // BAM_LOGGEN_LINE_WRITER_H_
