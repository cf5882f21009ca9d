// RFC 4180 CSV reading for lookup tables.
//
// Fields are separated by commas and rows by LF or CRLF; a field starting with a double quote may
// hold commas, line breaks and doubled quotes (""). A UTF-8 byte order mark at the very start is
// skipped, and blank lines are ignored. A quote inside an unquoted field is kept as data.
// Stateless; thread-safe.
#ifndef BAM_EXPORTER_EXPR_CSV_READER_H_
#define BAM_EXPORTER_EXPR_CSV_READER_H_

#include <string>
#include <string_view>
#include <vector>

namespace bam::exporter {

struct CsvRow {
  size_t line = 0;  // 1-based line on which the row starts
  std::vector<std::string> fields;
};

// Parses all of `text` into *rows. Returns false and sets *error ("line 7: unterminated quoted
// field", "line 2: unexpected \"x\" after a closing quote") on malformed input.
bool ParseCsv(std::string_view text, std::vector<CsvRow>* rows, std::string* error);

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_EXPR_CSV_READER_H_
