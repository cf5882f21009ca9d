// LookupTable: a CSV file loaded at config time for `lookup("name", key)`.
//
// The header row names the columns; `key` and `value` columns are chosen by name (header names are
// trimmed of spaces). Quoted fields (RFC 4180: "a, b", doubled "" quotes, embedded newlines), CRLF
// or LF line endings, a UTF-8 byte order mark and blank lines are handled; every row must have as
// many fields as the header. Later duplicate keys win. Thread-safe: immutable after Load.
#ifndef BAM_EXPORTER_EXPR_LOOKUP_TABLE_H_
#define BAM_EXPORTER_EXPR_LOOKUP_TABLE_H_

#include <string>
#include <string_view>
#include <unordered_map>

namespace bam::exporter {

class LookupTable {
 public:
  // Loads `csv_path` into *out (replacing its contents). Returns false and sets *error on failure:
  // `cannot read "x.csv": No such file or directory`, `line 3: unterminated quoted field`,
  // `line 1: no column "segment"; columns are: customer_id, name`, `line 4: 2 fields, but the
  // header has 3`. Keys and values are taken as is (not trimmed).
  static bool Load(const std::string& csv_path, const std::string& key_column,
                   const std::string& value_column, std::string default_value, LookupTable* out,
                   std::string* error);

  // The value for `key`, or the default. The view stays valid as long as the table lives.
  std::string_view Find(std::string_view key) const;

  // The value for absent keys (also used by lookup() for a null key).
  std::string_view default_value() const { return default_; }

  size_t size() const { return map_.size(); }

  // For tests and for building tables in code.
  void Insert(std::string key, std::string value) { map_[std::move(key)] = std::move(value); }
  void set_default(std::string d) { default_ = std::move(d); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> map_;
  std::string default_;
};

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_EXPR_LOOKUP_TABLE_H_
