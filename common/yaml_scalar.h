// LocateScalar: maps a YAML scalar's value back onto the source lines it was read from (internal
// to the yaml_reader library; see YamlReader::Locate).
#ifndef BAM_COMMON_YAML_SCALAR_H_
#define BAM_COMMON_YAML_SCALAR_H_

#include <string_view>
#include <vector>

#include "common/diagnostic.h"

namespace bam::yaml_internal {

enum class ScalarStyle { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

// Replays how YAML builds `value` from `lines` (the file's lines without line ends), starting at
// `start`, the 1-based position of the value's first character (for block scalars, of its first
// content line). On success appends a restart point to *offsets / *starts wherever the mapping
// from value bytes to file columns jumps: a new source line (folded or kept line break), an escape
// sequence, a doubled quote. Returns false if the source does not produce `value` (then the
// outputs are unspecified).
bool LocateScalar(const std::vector<std::string_view>& lines, ScalarStyle style, Position start,
                  std::string_view value, std::vector<size_t>* offsets,
                  std::vector<Position>* starts);

}  // namespace bam::yaml_internal

#endif  // BAM_COMMON_YAML_SCALAR_H_
