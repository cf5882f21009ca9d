// Query-string and path-parameter parsing shared by the REST handlers of rulesvc/api: each parser
// returns the value or an InvalidArgument naming the parameter with a hint, which the handler
// turns into a 400. Internal to bam::rulesvc_api. Pure functions; thread-safe.
#ifndef BAM_RULESVC_API_PARAMS_H_
#define BAM_RULESVC_API_PARAMS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "rulesvc/http/api_types.h"
#include "rulesvc/webhook/status.h"

namespace bam::rulesvc::api {

// OK, or InvalidArgument naming the first query parameter not in `known` (typos fail loudly).
Status CheckKnownParams(const http::ApiRequest& req, const std::set<std::string>& known);

// "true" | "false"; nullopt when absent or empty.
StatusOr<std::optional<bool>> BoolParam(const http::ApiRequest& req, const std::string& name);

// A decimal integer in [min, max]; `fallback` when absent or empty.
StatusOr<int64_t> IntParam(const http::ApiRequest& req, const std::string& name, int64_t fallback,
                           int64_t min, int64_t max);

// RFC 3339 ("2026-11-16T14:00:00Z") or Unix milliseconds ("1794837600000"); nullopt when absent.
StatusOr<std::optional<int64_t>> TimeParam(const http::ApiRequest& req, const std::string& name);

// The path parameter `name` as a positive integer id.
StatusOr<int64_t> IdParam(const http::ApiRequest& req, const std::string& name = "id");

// Percent-encodes a query-string component (RFC 3986 unreserved characters kept).
std::string UrlEncode(std::string_view s);

// The number of Unicode code points of UTF-8 `s` (continuation bytes not counted).
size_t Utf8Length(std::string_view s);

// Levenshtein distance, for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace bam::rulesvc::api

#endif  // BAM_RULESVC_API_PARAMS_H_
