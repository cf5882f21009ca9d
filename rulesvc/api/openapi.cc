#include "rulesvc/api/openapi.h"

#include <string>

namespace bam::rulesvc::api {

// Defined in the openapi_json.cc generated from openapi.json (embed_openapi.cmake).
extern const char kOpenApiJson[];
extern const size_t kOpenApiJsonSize;

std::string_view OpenApiJson() { return std::string_view(kOpenApiJson, kOpenApiJsonSize); }

http::ApiResponse HandleOpenApi(const http::ApiRequest&, const http::Principal&) {
  http::ApiResponse r = http::ApiResponse::Json(200, std::string(OpenApiJson()));
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace bam::rulesvc::api
