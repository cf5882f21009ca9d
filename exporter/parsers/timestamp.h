// Event timestamps: the `timestamp: {field, layout}` of a source.
//
// Layouts: "rfc3339" (2026-11-01T10:42:00.123Z, offsets allowed, fraction optional), "unix"
// (seconds, fraction allowed, number or numeric string), "unix_ms" (milliseconds), or a
// strftime-style layout such as "%d/%b/%Y:%H:%M:%S %z" (supported: %Y %m %d %H %M %S %b %z %f %%
// and literal characters).
//
// Details: fractions are truncated to milliseconds (numbers given to unix/unix_ms are rounded to
// the nearest millisecond). rfc3339 requires an offset, and also takes 't' or ' ' between date and
// time and +hhmm offsets. %Y is 4 digits; %m %d %H %M %S take 1-2 digits (leading blanks skipped,
// as in strptime); %b takes an English month abbreviation or full name in any case; %z takes Z,
// +hhmm or +hh:mm. Fields missing from a strftime layout default to 1970-01-01T00:00:00 UTC.
// Only years 0000-9999 are accepted; leap seconds (:60) are not.
// Thread-safe: TimestampLayout is immutable after Parse.
#ifndef BAM_EXPORTER_PARSERS_TIMESTAMP_H_
#define BAM_EXPORTER_PARSERS_TIMESTAMP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "exporter/parsers/record.h"

namespace bam::exporter {

class TimestampLayout {
 public:
  enum class Kind { kRfc3339, kUnix, kUnixMs, kStrftime };

  // Compiles a layout name or strftime pattern. Returns false and sets *error (with a hint-worthy
  // message) for an unknown layout or an unsupported % directive.
  static bool Parse(std::string_view layout, TimestampLayout* out, std::string* error);

  // Parses `v` into milliseconds since the Unix epoch (UTC). Returns false when `v` does not fit
  // the layout. Never throws, never allocates.
  bool ToUnixMillis(const Value& v, int64_t* millis) const;

  Kind kind() const { return kind_; }

 private:
  Kind kind_ = Kind::kRfc3339;
  std::string pattern_;  // kStrftime only
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_PARSERS_TIMESTAMP_H_
