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

// JSON lines, parsed with simdjson. Nested objects, arrays; numbers as numbers, strings as strings
// ("12.50" stays a string). The line must be one JSON object (anything else, invalid JSON or an
// empty line -> nullptr). Numbers are doubles: integers beyond 2^53 lose precision, and integers
// beyond 64 bits (which simdjson rejects) are read as doubles rather than failing the line.
// A root-level path that does not resolve nested (`log.level`) is retried as one literal key
// ({"log.level": ...}, as ECS loggers write). The parser copies the line: its record does not
// point into `line`.
std::unique_ptr<Parser> NewJsonParser();

// logfmt: key=value pairs, values bare or double-quoted with \" \\ \n \t escapes; `key=` is an
// empty string; a bare `key` is boolean true; every other value is a string. The other Go
// strconv.Quote escapes (\r \/ \xNN \uNNNN \UNNNNNNNN ...) are understood; unknown ones are kept as
// written. Keys are looked up flat by FieldPath::text; for a repeated key the last one wins.
// nullptr for a blank line, an unterminated quote, an empty key (`=v`), a quote inside a key or a
// bare value, or text glued to a closing quote (`k="a"b`).
std::unique_ptr<Parser> NewLogfmtParser();

// RE2 with named groups (`(?P<name>...)`). The whole pattern must match somewhere in the line
// (use ^...$ to anchor). Named groups are strings (views into `line`), looked up by
// FieldPath::text; a group that did not take part in the match is Null. Returns nullptr and sets
// *error (with RE2's message) when the pattern does not compile or has no named group.
std::unique_ptr<Parser> NewRegexParser(const std::string& pattern, std::string* error);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_PARSERS_PARSER_H_
