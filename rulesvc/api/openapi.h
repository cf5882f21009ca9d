// The OpenAPI 3.0 document of the whole bam-rulesvc HTTP surface (rulesvc/api/openapi.json,
// embedded at build time) and its handler, GET /bam/openapi.json (anyone may read it).
// Pure functions; thread-safe.
#ifndef BAM_RULESVC_API_OPENAPI_H_
#define BAM_RULESVC_API_OPENAPI_H_

#include <string_view>

#include "rulesvc/http/api_types.h"

namespace bam::rulesvc::api {

// The document's text, exactly as in rulesvc/api/openapi.json. Valid for the program's lifetime.
std::string_view OpenApiJson();

// 200 application/json with OpenApiJson().
http::ApiResponse HandleOpenApi(const http::ApiRequest& req, const http::Principal& who);

}  // namespace bam::rulesvc::api

#endif  // BAM_RULESVC_API_OPENAPI_H_
