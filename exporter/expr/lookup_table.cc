#include "exporter/expr/lookup_table.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "exporter/expr/csv_reader.h"

namespace bam::exporter {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

bool LookupTable::Load(const std::string& csv_path, const std::string& key_column,
                       const std::string& value_column, std::string default_value, LookupTable* out,
                       std::string* error) {
  std::ifstream in(csv_path, std::ios::binary);
  if (!in) {
    *error = "cannot read \"" + csv_path + "\": " + std::strerror(errno);
    return false;
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    *error = "cannot read \"" + csv_path + "\": " + std::strerror(errno);
    return false;
  }
  std::vector<CsvRow> rows;
  if (!ParseCsv(content.str(), &rows, error)) return false;
  if (rows.empty()) {
    *error = "the file is empty; expected a header row naming the columns";
    return false;
  }
  const CsvRow& header = rows[0];
  std::vector<std::string> names;
  for (const auto& f : header.fields) names.push_back(Trim(f));
  auto column = [&](const std::string& wanted, size_t* index) {
    for (size_t c = 0; c < names.size(); ++c) {
      if (names[c] == wanted) {
        *index = c;
        return true;
      }
    }
    std::string list;
    for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
    *error = "line " + std::to_string(header.line) + ": no column \"" + wanted +
             "\"; columns are: " + list;
    return false;
  };
  size_t key_index = 0, value_index = 0;
  if (!column(key_column, &key_index) || !column(value_column, &value_index)) return false;

  LookupTable table;
  table.default_ = std::move(default_value);
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    if (row.fields.size() != names.size()) {
      *error = "line " + std::to_string(row.line) + ": " + std::to_string(row.fields.size()) +
               (row.fields.size() == 1 ? " field" : " fields") + ", but the header has " +
               std::to_string(names.size());
      return false;
    }
    table.map_[row.fields[key_index]] = row.fields[value_index];
  }
  *out = std::move(table);
  return true;
}

std::string_view LookupTable::Find(std::string_view key) const {
  auto it = map_.find(key);
  return it == map_.end() ? std::string_view(default_) : std::string_view(it->second);
}

}  // namespace bam::exporter
