// LineSplitter: cuts a byte stream into log lines.
//
// A line ends at '\n'; a '\r' right before it is dropped (Windows line endings). A last line
// without a final newline is delivered by Finish() — callers tailing a live file hold it until its
// newline instead. A line longer than max_line_bytes is dropped whole (its bytes up to the next
// newline) and reported once through OnTooLong, so one runaway line cannot grow memory without
// bound. Complete lines are handed out as views into the caller's chunk when possible (no copy);
// only a line split across two chunks is copied into an internal buffer. Not thread-safe.
#ifndef BAM_EXPORTER_SOURCES_LINE_SPLITTER_H_
#define BAM_EXPORTER_SOURCES_LINE_SPLITTER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace bam::exporter {

class LineSink {
 public:
  virtual ~LineSink() = default;
  // `line` has no '\n' and no trailing '\r'; valid only during the call.
  virtual void OnLine(std::string_view line) = 0;
  virtual void OnTooLong() = 0;
  // Why the line of the last OnLine/OnTooLong call was not (fully) counted — a
  // bam_exporter_lines_rejected_total reason such as "parse_error" — or "" if it was. Sources that
  // answer their sender per line (HTTP push) report it. Sinks that do not track it return "".
  virtual std::string_view LastRejection() const { return {}; }
};

class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  // Delivers every line completed by `chunk`.
  void Feed(std::string_view chunk, LineSink* sink);

  // Delivers the pending partial line, if any (end of input).
  void Finish(LineSink* sink);

  // Bytes held for an incomplete line.
  size_t pending_bytes() const { return pending_.size(); }

 private:
  void Deliver(std::string_view line, LineSink* sink);

  size_t max_line_bytes_;
  std::string pending_;
  bool discarding_ = false;  // inside a too-long line, skipping to its newline
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SOURCES_LINE_SPLITTER_H_
