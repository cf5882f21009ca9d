// ReadFile: a whole file into memory, for config and catalog loaders. Thread-safe.
#ifndef BAM_COMMON_READ_FILE_H_
#define BAM_COMMON_READ_FILE_H_

#include <string>

namespace bam {

// Reads `path` (bytes as they are) into *text. On failure returns false and sets *error to the
// reason, lower case ("it is a directory", "No such file or directory", "read error").
bool ReadFile(const std::string& path, std::string* text, std::string* error);

}  // namespace bam

#endif  // BAM_COMMON_READ_FILE_H_
