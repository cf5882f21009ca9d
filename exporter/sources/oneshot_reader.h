// One-shot reading of the file and stdin sources: every matching file from its start to EOF, then
// stdin to EOF, each line handed to the source's LineSink. Used by --one-shot (and --check-config's
// dry runs); the live tailer (with rotation, positions, globs re-scanned) replaces it in daemon
// mode. Not thread-safe.
#ifndef BAM_EXPORTER_SOURCES_ONESHOT_READER_H_
#define BAM_EXPORTER_SOURCES_ONESHOT_READER_H_

#include <string>
#include <vector>

#include "exporter/sources/line_splitter.h"

namespace bam::exporter {

// Expands globs (sorted, duplicates removed, in the order the patterns are given). A pattern that
// matches nothing is returned in *unmatched.
std::vector<std::string> ExpandGlobs(const std::vector<std::string>& patterns,
                                     std::vector<std::string>* unmatched);

// Reads `fd` to EOF in large chunks, splitting lines. Returns 0 or the errno of a failed read.
int ReadAllLines(int fd, size_t max_line_bytes, LineSink* sink);

// Opens and reads `path` to EOF. Returns 0 or the errno of the failed open/read.
int ReadFileLines(const std::string& path, size_t max_line_bytes, LineSink* sink);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_SOURCES_ONESHOT_READER_H_
