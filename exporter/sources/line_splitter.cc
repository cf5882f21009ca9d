#include "exporter/sources/line_splitter.h"

#include <cstring>

namespace bam::exporter {

void LineSplitter::Deliver(std::string_view line, LineSink* sink) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > max_line_bytes_) {
    sink->OnTooLong();
    return;
  }
  sink->OnLine(line);
}

void LineSplitter::Feed(std::string_view chunk, LineSink* sink) {
  while (!chunk.empty()) {
    const char* nl = static_cast<const char*>(std::memchr(chunk.data(), '\n', chunk.size()));
    if (nl == nullptr) {
      if (discarding_) return;
      // +1: a '\r' that may still be followed by '\n' does not count against the limit.
      if (pending_.size() + chunk.size() > max_line_bytes_ + 1) {
        pending_.clear();
        discarding_ = true;
        sink->OnTooLong();
        return;
      }
      pending_.append(chunk);
      return;
    }
    size_t len = static_cast<size_t>(nl - chunk.data());
    if (discarding_) {
      discarding_ = false;
    } else if (pending_.empty()) {
      Deliver(chunk.substr(0, len), sink);
    } else {
      pending_.append(chunk.substr(0, len));
      Deliver(pending_, sink);
      pending_.clear();
    }
    chunk.remove_prefix(len + 1);
  }
}

void LineSplitter::Finish(LineSink* sink) {
  if (!pending_.empty() && !discarding_) Deliver(pending_, sink);
  pending_.clear();
  discarding_ = false;
}

}  // namespace bam::exporter
