# cmake -DIN=openapi.json -DOUT=openapi_json.cc -P embed_openapi.cmake
# Writes the document as a raw string literal so the binary serves exactly the checked file.
file(READ "${IN}" content)
string(FIND "${content}" ")bam_openapi\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter )bam_openapi\"")
endif()
file(WRITE "${OUT}.tmp" "// Generated from rulesvc/api/openapi.json by embed_openapi.cmake. DO NOT EDIT.\n"
  "#include <cstddef>\n\nnamespace bam::rulesvc::api {\n\n"
  "extern const char kOpenApiJson[];\nextern const size_t kOpenApiJsonSize;\n"
  "const char kOpenApiJson[] = R\"bam_openapi(${content})bam_openapi\";\n"
  "const size_t kOpenApiJsonSize = sizeof(kOpenApiJson) - 1;\n\n}  // namespace bam::rulesvc::api\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
