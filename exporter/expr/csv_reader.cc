#include "exporter/expr/csv_reader.h"

namespace bam::exporter {

bool ParseCsv(std::string_view text, std::vector<CsvRow>* rows, std::string* error) {
  rows->clear();
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t i = 0;
  size_t line = 1;
  const size_t n = text.size();
  auto at_row_end = [&](size_t k) {
    return k >= n || text[k] == '\n' || (text[k] == '\r' && k + 1 < n && text[k + 1] == '\n');
  };
  // Moves past a row terminator at i (if any) and counts the line.
  auto skip_row_end = [&]() {
    if (i < n && text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') {
      ++i;
      ++line;
    }
  };
  while (i < n) {
    if (at_row_end(i)) {  // blank line
      skip_row_end();
      continue;
    }
    CsvRow row;
    row.line = line;
    while (true) {
      std::string field;
      if (i < n && text[i] == '"') {
        size_t start_line = line;
        ++i;
        while (true) {
          if (i >= n) {
            *error = "line " + std::to_string(start_line) + ": unterminated quoted field";
            return false;
          }
          char c = text[i++];
          if (c == '"') {
            if (i < n && text[i] == '"') {
              field += '"';
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (i < n && text[i] != ',' && !at_row_end(i)) {
          *error = "line " + std::to_string(line) + ": unexpected \"" + std::string(1, text[i]) +
                   "\" after a closing quote (quotes inside a quoted field are written \"\")";
          return false;
        }
      } else {
        while (i < n && text[i] != ',' && !at_row_end(i)) field += text[i++];
      }
      row.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    rows->push_back(std::move(row));
    skip_row_end();
  }
  return true;
}

}  // namespace bam::exporter
