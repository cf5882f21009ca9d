#include "rulesvc/api/params.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include "rulesvc/webhook/rfc3339.h"

namespace bam::rulesvc::api {
namespace {

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Status CheckKnownParams(const http::ApiRequest& req, const std::set<std::string>& known) {
  for (const auto& [name, value] : req.query) {
    if (known.count(name) != 0) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    return Status::InvalidArgument("unknown query parameter \"" + name + "\"; known: " + list);
  }
  return Status();
}

StatusOr<std::optional<bool>> BoolParam(const http::ApiRequest& req, const std::string& name) {
  const std::string v = req.Query(name);
  if (v.empty()) return std::optional<bool>();
  if (v == "true") return std::optional<bool>(true);
  if (v == "false") return std::optional<bool>(false);
  return Status::InvalidArgument("query parameter \"" + name + "\": \"" + v +
                                 "\" is not a boolean; use true or false");
}

StatusOr<int64_t> IntParam(const http::ApiRequest& req, const std::string& name, int64_t fallback,
                           int64_t min, int64_t max) {
  const std::string v = req.Query(name);
  if (v.empty()) return fallback;
  int64_t n = 0;
  if (!ParseInt(v, &n) || n < min || n > max) {
    return Status::InvalidArgument("query parameter \"" + name + "\": \"" + v +
                                   "\" is not an integer from " + std::to_string(min) + " to " +
                                   std::to_string(max));
  }
  return n;
}

StatusOr<std::optional<int64_t>> TimeParam(const http::ApiRequest& req, const std::string& name) {
  const std::string v = req.Query(name);
  if (v.empty()) return std::optional<int64_t>();
  int64_t ms = 0;
  if (ParseInt(v, &ms)) return std::optional<int64_t>(ms);
  StatusOr<int64_t> t = ParseRfc3339Millis(v);
  if (!t.ok()) {
    return Status::InvalidArgument("query parameter \"" + name + "\": " + t.status().message() +
                                   "; use RFC 3339 (2026-11-16T14:00:00Z) or Unix milliseconds");
  }
  return std::optional<int64_t>(*t);
}

StatusOr<int64_t> IdParam(const http::ApiRequest& req, const std::string& name) {
  auto it = req.path_params.find(name);
  const std::string v = it == req.path_params.end() ? std::string() : it->second;
  int64_t id = 0;
  if (!ParseInt(v, &id) || id <= 0) {
    return Status::InvalidArgument("path parameter \"" + name + "\": \"" + v +
                                   "\" is not a positive integer id");
  }
  return id;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

size_t Utf8Length(std::string_view s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace bam::rulesvc::api
