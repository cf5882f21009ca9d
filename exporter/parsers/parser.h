// Parser: turns one log line into a Record.
//
// Created once per source at config time (patterns compiled then); Parse() is on the per-line path:
// it never throws and, once its buffers have grown, never allocates.
// Not thread-safe: use one Parser per thread.
#ifndef BAM_EXPORTER_PARSERS_PARSER_H_
#define BAM_EXPORTER_PARSERS_PARSER_H_

#include <memory>
#include <string>
#include <string_view>

#include "exporter/parsers/record.h"

namespace bam::exporter {

enum class Format { kJson, kLogfmt, kRegex };

class Parser {
 public:
  virtual ~Parser() = default;

  // Parses `line` (no trailing '\n' or '\r'). Returns nullptr when the line does not parse
  // (the caller counts reason="parse_error"). The returned Record is owned by the parser and valid
  // until the next call to Parse(). `line` must stay alive as long as the Record is used.
  virtual const Record* Parse(std::string_view line) = 0;
};

// JSON lines, parsed with simdjson. Nested objects, arrays; numbers as numbers, strings as strings.
std::unique_ptr<Parser> NewJsonParser();

// logfmt: key=value pairs, values bare or double-quoted with \" \\ \n \t escapes; `key=` is an empty
// string; a bare `key` is boolean true.
std::unique_ptr<Parser> NewLogfmtParser();

// RE2 with named groups (`(?P<name>...)`). The whole pattern must match somewhere in the line
// (use ^...$ to anchor). Returns nullptr and sets *error when the pattern does not compile or has no
// named group.
std::unique_ptr<Parser> NewRegexParser(const std::string& pattern, std::string* error);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_PARSERS_PARSER_H_
